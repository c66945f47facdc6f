"""Rate limits on the Erzähle paths (civic.ratelimit): telling with and without an account,
editing and withdrawing, and the contributor's secret-link pages (confirm, withdraw).

Over the limit the form comes back with the text as typed (HTTP 429, German message) and no
memory is written; the secret-link pages answer with the 429 page.
"""

import pytest
from django.urls import reverse

from civic import ratelimit
from civic.roles import RESIDENTS, assign_role
from stadtgedaechtnis.models import Memory, Status
from tests.civic.factories import UserFactory
from tests.civic.ratelimit_helpers import check_limit
from tests.stadtgedaechtnis.factories import MemoryContactFactory, MemoryFactory
from tests.stadtgedaechtnis.test_tell import form_data

pytestmark = pytest.mark.django_db

URL = "/erzaehlen/"


def resident_logged_in(client):
    user = UserFactory()
    assign_role(user, RESIDENTS)
    client.force_login(user)
    return user


def test_telling_without_account_per_address(client, monkeypatch):
    def send(i):
        data = form_data(
            title=f"Der Brunnen {i}", name="Karla Kontakt", contact_email=f"k{i}@example.net"
        )
        return client.post(URL, data)

    def effect(i):
        return Memory.objects.filter(title=f"Der Brunnen {i}").exists()

    blocked = check_limit("memory", "address", send=send, effect=effect, monkeypatch=monkeypatch)
    html = blocked.content.decode()
    assert 'value="Der Brunnen 2"' in html  # the form, as typed
    assert "Bitte prüfen Sie Ihre Eingaben" in html


@pytest.mark.parametrize("kind", ["account", "address"])
def test_telling_with_account(client, monkeypatch, kind):
    user = resident_logged_in(client)

    def send(i):
        return client.post(URL, form_data(title=f"Die Schule {i}"))

    def effect(i):
        return Memory.objects.filter(title=f"Die Schule {i}", author=user).exists()

    check_limit("memory", kind, send=send, effect=effect, monkeypatch=monkeypatch, user=user)


def test_editing_and_withdrawing_share_the_limit(client, monkeypatch):
    user = resident_logged_in(client)
    memories = {i: MemoryFactory(author=user, status=Status.SUBMITTED) for i in (1, 2, 3)}

    def send(i):
        if i == 1:
            return client.post(
                reverse("stadtgedaechtnis:edit", args=[memories[1].pk]),
                form_data(title="Neu erzählt"),
            )
        return client.post(reverse("stadtgedaechtnis:withdraw", args=[memories[i].pk]))

    def effect(i):
        memories[i].refresh_from_db()
        if i == 1:
            return memories[1].title == "Neu erzählt"
        return memories[i].status == Status.WITHDRAWN

    check_limit("memory", "account", send=send, effect=effect, monkeypatch=monkeypatch, user=user)


@pytest.mark.parametrize("kind", ["account", "address"])
def test_secret_link_pages(client, monkeypatch, kind):
    contact = MemoryContactFactory()
    memory = contact.memory

    def send(i):
        if i == 1:
            return client.post(reverse("stadtgedaechtnis:confirm", args=[contact.token]))
        return client.post(reverse("stadtgedaechtnis:withdraw_token", args=[contact.token]))

    def effect(i):
        memory.refresh_from_db()
        contact.refresh_from_db()
        if i == 1:
            return contact.confirmed_at is not None
        return memory.status == Status.WITHDRAWN

    check_limit(
        "token",
        kind,
        send=send,
        effect=effect,
        monkeypatch=monkeypatch,
        account=ratelimit.secret_key(contact.token),
    )


def test_honeypot_on_the_anonymous_form(client):
    html = client.get(URL).content.decode()
    assert 'name="homepage"' in html
    assert 'aria-hidden="true" inert' in html and 'tabindex="-1"' in html
    assert "Dieses Feld bitte leer lassen" in html

    data = form_data(title="Werbung", name="Bot", contact_email="bot@example.net")
    data["homepage"] = "https://spam.example"
    response = client.post(URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "verstecktes Feld ausgefüllt" in html
    assert 'value="Werbung"' in html  # a person's input stays
    assert 'value="https://spam.example"' not in html  # the trap is empty again
    assert not Memory.objects.exists()

    data["homepage"] = ""
    assert client.post(URL, data).status_code == 302  # sent again without it: accepted
    assert Memory.objects.filter(title="Werbung").exists()


def test_no_honeypot_for_residents(client):
    resident_logged_in(client)
    assert 'name="homepage"' not in client.get(URL).content.decode()
