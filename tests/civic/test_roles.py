"""The role matrix (docs/roles.md): what anonymous visitors, unverified users, residents,
the editorial team (Redaktion), the steering group (Steuerungsgruppe) and administrators may do.
"""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser, Group
from wagtail.models import GroupPagePermission

from civic.models import User
from civic.roles import ALL_ROLES, EDITORS, RESIDENTS, STEERING, assign_role, make_resident
from tests.civic.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "unverified", "resident", "editor", "steering", "superuser"]

# permission: (anonymous, unverified, resident, editor, steering, superuser)
EXPECTED = {
    "civic.view_my_area": (False, True, True, True, True, True),
    "civic.participate": (False, False, True, True, True, True),
    "civic.moderate_contributions": (False, False, False, True, False, True),
    "civic.view_participation_results": (False, False, False, True, True, True),
    "civic.view_dashboard": (False, False, False, True, True, True),
    "civic.manage_districts": (False, False, False, True, False, True),
    "wagtailadmin.access_admin": (False, False, False, True, True, True),
    "publish_home_page": (False, False, False, True, False, True),
    "civic.change_citysettings": (False, False, False, True, False, True),
}

MATRIX = [
    pytest.param(permission, role, allowed[index], id=f"{permission}-{role}")
    for permission, allowed in EXPECTED.items()
    for index, role in enumerate(ROLES)
]


def make_user(role: str):
    """A fresh user in the given role, read back from the database (no cached permissions)."""
    if role == "anonymous":
        return AnonymousUser()
    if role == "superuser":
        user = UserFactory(is_superuser=True, is_staff=True)
    else:
        user = UserFactory()
    EmailAddress.objects.create(
        user=user, email=user.email, verified=role != "unverified", primary=True
    )
    if role == "resident":
        make_resident(user)
    elif role == "editor":
        assign_role(user, EDITORS)
    elif role == "steering":
        assign_role(user, STEERING)
    return User.objects.get(pk=user.pk)


def has_permission(user, permission: str, home_page) -> bool:
    if permission == "publish_home_page":
        return home_page.permissions_for_user(user).can_publish()
    return user.has_perm(permission)


@pytest.mark.parametrize(("permission", "role", "expected"), MATRIX)
def test_role_matrix(permission, role, expected, home_page):
    user = make_user(role)
    assert has_permission(user, permission, home_page) is expected


def test_matrix_covers_every_role_and_permission():
    assert all(len(allowed) == len(ROLES) for allowed in EXPECTED.values())


# --------------------------------------------------------------------------------------------
# Object permission: the own profile


def test_change_profile_only_own_unless_superuser():
    anna, bernd = make_user("resident"), make_user("resident")
    admin = make_user("superuser")
    editor = make_user("editor")

    assert anna.has_perm("civic.change_profile", anna)
    assert not anna.has_perm("civic.change_profile", bernd)
    assert not editor.has_perm("civic.change_profile", anna)
    assert admin.has_perm("civic.change_profile", anna)
    assert not AnonymousUser().has_perm("civic.change_profile", anna)
    assert not anna.has_perm("civic.change_profile", None)


# --------------------------------------------------------------------------------------------
# From the outside: the Wagtail admin


@pytest.mark.parametrize(
    ("role", "admin_allowed"),
    [
        ("anonymous", False),
        ("unverified", False),
        ("resident", False),
        ("editor", True),
        ("steering", True),
        ("superuser", True),
    ],
)
def test_admin_entrance(client, role, admin_allowed):
    user = make_user(role)
    if role != "anonymous":
        client.force_login(user)

    response = client.get("/admin/")

    if admin_allowed:
        assert response.status_code == 200
    elif response.status_code == 302:
        assert response["Location"].startswith("/admin/login/")
    else:
        assert response.status_code == 403


# --------------------------------------------------------------------------------------------
# The groups themselves


def test_the_three_groups_exist_after_migrations():
    assert set(Group.objects.filter(name__in=ALL_ROLES).values_list("name", flat=True)) == {
        RESIDENTS,
        EDITORS,
        STEERING,
    }


def test_only_the_editorial_team_has_page_permissions(home_page):
    editors = Group.objects.get(name=EDITORS)
    codenames = set(
        GroupPagePermission.objects.filter(group=editors).values_list(
            "permission__codename", flat=True
        )
    )
    assert {"add_page", "change_page", "publish_page"} <= codenames
    assert not GroupPagePermission.objects.filter(group__name__in=[RESIDENTS, STEERING]).exists()
    assert not Group.objects.get(name=RESIDENTS).permissions.exists()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("resident", False), ("steering", False), ("editor", True), ("superuser", True)],
)
@pytest.mark.parametrize("url_name", ["page_edit", "settings", "district_add"])
def test_admin_editing_urls_per_role(client, home_page, role, allowed, url_name):
    """The steering group enters the admin, but cannot edit pages, settings or districts."""
    from django.urls import reverse
    from wagtail.models import Site

    urls = {
        "page_edit": reverse("wagtailadmin_pages:edit", args=[home_page.pk]),
        "settings": reverse(
            "wagtailsettings:edit",
            args=["civic", "citysettings", Site.objects.get(is_default_site=True).pk],
        ),
        "district_add": reverse("wagtailsnippets_civic_district:add"),
    }
    client.force_login(make_user(role))
    response = client.get(urls[url_name])
    if allowed:
        assert response.status_code == 200
    else:
        # Wagtail answers a denied admin view with a redirect to the dashboard or a 403.
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert not response["Location"].startswith(urls[url_name])
