"""The demo city: built by one command, idempotent, complete enough to show the platform."""

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from wagtail.models import Page, Site

from civic.models import CitySettings, District, HomePage, NewsPage, StandardPage, User
from civic.roles import EDITORS, RESIDENTS, STEERING


def counts():
    return (
        Page.objects.count(),
        District.objects.count(),
        User.objects.count(),
        EmailAddress.objects.count(),
    )


@pytest.mark.django_db
def test_seed_demo_builds_coburg_and_is_idempotent(client):
    call_command("seed_demo", verbosity=0)
    first = counts()
    call_command("seed_demo", verbosity=0)
    assert counts() == first

    city = CitySettings.for_site(Site.objects.get(is_default_site=True))
    assert city.city_name == "Coburg"
    assert city.privacy_page.title == "Datenschutzerklärung"
    assert city.imprint_page and city.accessibility_page

    assert District.objects.filter(name="Lützelbuch").exists()
    assert District.objects.count() >= 10
    assert NewsPage.objects.live().count() >= 3
    titles = set(StandardPage.objects.values_list("title", flat=True))
    assert {"Der Coburger Weg", "Impressum", "Erklärung zur Barrierefreiheit"} <= titles

    editor = User.objects.get(email="redaktion@coburg.example")
    assert editor.groups.filter(name=EDITORS).exists()
    assert User.objects.get(email="steuerung@coburg.example").groups.filter(name=STEERING).exists()
    assert User.objects.get(email="buergerin@coburg.example").groups.filter(name=RESIDENTS).exists()
    assert EmailAddress.objects.filter(user=editor, verified=True).exists()

    html = client.get("/").content.decode()
    assert "Coburg gemeinsam gestalten" in html
    assert "Der Coburger Weg" in html
    assert client.get("/coburger-weg/").status_code == 200


@pytest.mark.django_db
def test_seed_demo_if_empty_leaves_existing_content_alone(home_page):
    from tests.civic.factories import StandardPageFactory

    StandardPageFactory(parent=home_page, title="Eigene Seite")
    call_command("seed_demo", "--if-empty", verbosity=0)
    assert not District.objects.exists()
    assert HomePage.objects.get().get_children().count() == 1


@pytest.mark.django_db
def test_demo_editor_can_log_in(client):
    call_command("seed_demo", verbosity=0)
    assert client.login(username="redaktion@coburg.example", password="Coburg-Demo-2026")
    assert client.get("/admin/").status_code == 200
