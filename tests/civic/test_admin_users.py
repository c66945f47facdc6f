"""The Wagtail admin's user forms know our profile fields: display name and district."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import reverse

from civic.models import User
from civic.roles import EDITORS
from tests.civic.factories import DistrictFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "ein-sicheres-Passwort-42"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def test_users_app_uses_our_viewset():
    assert apps.get_app_config("wagtailusers").user_viewset == "civic.admin_users.CivicUserViewSet"


def test_admin_creates_user_with_display_name_district_and_role(admin_client):
    district = DistrictFactory(name="Altstadt")
    editors = Group.objects.get(name=EDITORS)

    form = admin_client.get(reverse("wagtailusers_users:add"))
    assert form.status_code == 200
    html = form.content.decode()
    assert 'name="display_name"' in html
    assert 'name="district"' in html

    response = admin_client.post(
        reverse("wagtailusers_users:add"),
        {
            "email": "Redakteurin@Example.org",
            "display_name": "Rita Redaktion",
            "district": str(district.pk),
            "first_name": "",
            "last_name": "",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "groups": [str(editors.pk)],
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    user = User.objects.get(email="redakteurin@example.org")
    assert user.display_name == "Rita Redaktion"
    assert user.district == district
    assert user.check_password(PASSWORD)
    assert list(user.groups.values_list("name", flat=True)) == [EDITORS]
    assert user.has_perm("wagtailadmin.access_admin")


def test_admin_edits_display_name_and_district(admin_client):
    person = UserFactory(email="person@example.org", display_name="Alt")
    district = DistrictFactory(name="Neustadt")
    url = reverse("wagtailusers_users:edit", args=[person.pk])

    page = admin_client.get(url)
    assert page.status_code == 200
    assert 'value="Alt"' in page.content.decode()

    response = admin_client.post(
        url,
        {
            "email": "person@example.org",
            "display_name": "Neu",
            "district": str(district.pk),
            "first_name": "",
            "last_name": "",
            "password1": "",
            "password2": "",
            "is_active": "on",
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    person.refresh_from_db()
    assert person.display_name == "Neu"
    assert person.district == district
    assert person.check_password(PASSWORD)  # blank password fields leave it unchanged
