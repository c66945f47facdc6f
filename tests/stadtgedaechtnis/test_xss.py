"""XSS payloads in every text field are shown as text, never executed."""

import pytest
from django.core import mail
from django.urls import reverse

from stadtgedaechtnis import services
from stadtgedaechtnis.models import Status
from tests.stadtgedaechtnis.factories import (
    MemoryContactFactory,
    MemoryFactory,
    MemoryPhotoFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
RAW = ["<script>alert", "<img src=x onerror"]


def assert_inert(html: str):
    for raw in RAW:
        assert raw not in html, raw
    assert "&lt;script&gt;" in html or "&lt;img" in html


@pytest.fixture
def evil_memory(resident):
    theme = ThemeFactory(name="Thema " + PAYLOAD)
    memory = MemoryFactory(
        author=resident,
        status=Status.SUBMITTED,
        title="Titel " + PAYLOAD,
        summary="Kurz " + PAYLOAD,
        story="Geschichte " + PAYLOAD,
        date_text="1960 " + PAYLOAD,
        place_name="Ort " + PAYLOAD,
        place_note="Hinweis " + PAYLOAD,
        contributor_name="Name " + PAYLOAD,
        themes=[theme],
    )
    MemoryPhotoFactory(
        memory=memory, alt_text="Alt " + PAYLOAD, caption="Bild " + PAYLOAD, creator=PAYLOAD
    )
    return memory


def test_inert_in_my_area_and_edit_form(client, resident, editor, evil_memory):
    services.request_changes(evil_memory, actor=editor, message="Nachricht " + PAYLOAD)
    client.force_login(resident)
    assert_inert(client.get("/mein-bereich/").content.decode())
    assert_inert(client.get(f"/erinnerungen/{evil_memory.pk}/bearbeiten/").content.decode())
    assert_inert(client.get(f"/erinnerungen/{evil_memory.pk}/zurueckziehen/").content.decode())


def test_inert_on_memory_page(client, evil_memory):
    evil_memory.status = Status.PUBLISHED
    evil_memory.save()
    assert_inert(client.get(evil_memory.get_absolute_url()).content.decode())


def test_inert_in_admin(client, editor, evil_memory):
    client.force_login(editor)
    for name in ("list", "edit", "moderate"):
        args = [] if name == "list" else [evil_memory.pk]
        html = client.get(reverse(f"stadtgedaechtnis_memory:{name}", args=args)).content.decode()
        for raw in RAW:
            assert raw not in html, (name, raw)


def test_inert_on_token_pages(client):
    contact = MemoryContactFactory(memory__title="Titel " + PAYLOAD, name=PAYLOAD)
    assert_inert(client.get(f"/erzaehlen/bestaetigen/{contact.token}/").content.decode())
    contact.memory.status = Status.PUBLISHED
    contact.memory.save()
    assert_inert(client.get(f"/erzaehlen/meine/{contact.token}/").content.decode())


def test_mails_are_plain_text(editor, evil_memory, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.reject(evil_memory, actor=editor, reason=PAYLOAD, message=PAYLOAD)
    message = mail.outbox[0]
    assert message.content_subtype == "plain"
    assert not getattr(message, "alternatives", None)
    assert PAYLOAD in message.body  # shown literally in a text mail, nothing to execute


def test_tell_form_keeps_payload_as_text(client, resident):
    client.force_login(resident)
    response = client.post("/erzaehlen/", {"title": PAYLOAD, "story": ""})
    assert response.status_code == 200
    assert_inert(response.content.decode())
