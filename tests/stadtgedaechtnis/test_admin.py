"""Curating in the Wagtail admin: queue, filters, decisions with e-mails, feature, exports."""

import csv
import io
import json

import pytest
from django.core import mail
from django.urls import reverse

from stadtgedaechtnis.models import Memory, ModerationEvent, Status
from tests.stadtgedaechtnis.factories import (
    MemoryContactFactory,
    MemoryFactory,
    MemoryPhotoFactory,
    RejectionReasonFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

NS = "stadtgedaechtnis_memory"


def url(name, *args):
    return reverse(f"{NS}:{name}", args=args)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def test_queue_lists_and_filters(editor_client):
    waiting = MemoryFactory(title="Wartet noch", status=Status.SUBMITTED)
    MemoryFactory(title="Schon online")
    response = editor_client.get(url("list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Wartet noch" in html and "Schon online" in html
    response = editor_client.get(url("list") + "?status=submitted")
    html = response.content.decode()
    assert "Wartet noch" in html and "Schon online" not in html
    assert url("moderate", waiting.pk) in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("has_media=true", {"Fotoalbum"}),
        ("has_media=false", {"Nur Text", "Telefonat"}),
        ("on_behalf=true", {"Telefonat"}),
        ("decade=1960", {"Fotoalbum", "Nur Text", "Telefonat"}),
        ("decade=1920", set()),
    ],
)
def test_queue_filters(editor_client, query, expected):
    MemoryPhotoFactory(memory=MemoryFactory(title="Fotoalbum"))
    MemoryFactory(title="Nur Text")
    MemoryFactory(title="Telefonat", on_behalf=True, author=None)
    html = editor_client.get(url("list") + "?" + query).content.decode()
    for title in ("Fotoalbum", "Nur Text", "Telefonat"):
        assert (title in html) == (title in expected), title


def test_queue_filter_by_theme_and_district(editor_client, centre_district):
    theme = ThemeFactory(name="Verkehr")
    MemoryFactory(title="Straßenbahn", themes=[theme])
    MemoryFactory(title="Schule", lat=10.0, lon=10.0)
    html = editor_client.get(url("list") + f"?themes={theme.pk}").content.decode()
    assert "Straßenbahn" in html and "Schule" not in html
    html = editor_client.get(url("list") + f"?district={centre_district.pk}").content.decode()
    assert "Straßenbahn" in html and "Schule" not in html


def test_queue_query_count_does_not_grow(editor_client, django_assert_max_num_queries):
    for _ in range(3):
        MemoryPhotoFactory(memory=MemoryFactory(status=Status.SUBMITTED))
    editor_client.get(url("list"))
    with django_assert_max_num_queries(40) as small:
        editor_client.get(url("list"))
    for _ in range(15):
        MemoryPhotoFactory(memory=MemoryFactory(status=Status.SUBMITTED))
    with django_assert_max_num_queries(len(small.captured_queries) + 2):
        editor_client.get(url("list"))


def test_residents_have_no_admin_access(client, resident):
    client.force_login(resident)
    assert client.get(url("list")).status_code == 403
    memory = MemoryFactory(status=Status.SUBMITTED)
    assert client.post(url("moderate", memory.pk), {"action": "publish"}).status_code == 403
    assert Memory.objects.get().status == Status.SUBMITTED


def test_dashboard_shows_waiting_count(editor_client):
    MemoryFactory.create_batch(3, status=Status.SUBMITTED)
    MemoryFactory()
    html = editor_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "3 Erinnerungen warten auf Prüfung." in html


def test_publish_sends_mail_with_link(editor_client, editor, django_capture_on_commit_callbacks):
    memory = MemoryFactory(status=Status.SUBMITTED, published_at=None)
    response = editor_client.get(url("moderate", memory.pk))
    assert response.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(url("moderate", memory.pk), {"action": "publish"})
    assert response.status_code == 302
    memory.refresh_from_db()
    assert memory.status == Status.PUBLISHED and memory.published_at
    event = memory.events.get()
    assert (event.actor, event.from_status, event.to_status) == (editor, "submitted", "published")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [memory.author.email]
    assert f"/erinnerungen/{memory.pk}/" in mail.outbox[0].body


def test_request_changes_needs_message_and_sends_edit_link(
    editor_client, django_capture_on_commit_callbacks
):
    memory = MemoryFactory(status=Status.SUBMITTED)
    response = editor_client.post(url("moderate", memory.pk), {"action": "request_changes"})
    assert response.status_code == 200
    assert "was geändert werden soll" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            url("moderate", memory.pk),
            {"action": "request_changes", "message": "Bitte die Hausnummer weglassen."},
        )
    memory.refresh_from_db()
    assert memory.status == Status.CHANGES_REQUESTED
    body = mail.outbox[0].body
    assert "Bitte die Hausnummer weglassen." in body
    assert f"/erinnerungen/{memory.pk}/bearbeiten/" in body


def test_reject_with_reason_mails_the_contact(editor_client, django_capture_on_commit_callbacks):
    contact = MemoryContactFactory(email="ohne-konto@example.net")
    memory = contact.memory
    from django.utils import timezone

    contact.confirmed_at = timezone.now()
    contact.save()
    memory.status = Status.SUBMITTED
    memory.save()
    reason = RejectionReasonFactory(text="Enthält Angaben über Dritte")
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            url("moderate", memory.pk),
            {"action": "reject", "reason": reason.pk, "message": "Schade!"},
        )
    memory.refresh_from_db()
    contact.refresh_from_db()
    assert memory.status == Status.REJECTED
    assert contact.purge_after is not None
    assert mail.outbox[0].to == ["ohne-konto@example.net"]
    assert "Enthält Angaben über Dritte" in mail.outbox[0].body
    event = ModerationEvent.objects.get(memory=memory)
    assert (event.reason, event.message) == ("Enthält Angaben über Dritte", "Schade!")


def test_on_behalf_memory_gets_no_mail(editor_client, django_capture_on_commit_callbacks):
    memory = MemoryFactory(status=Status.SUBMITTED, on_behalf=True, author=None)
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(url("moderate", memory.pk), {"action": "publish"})
    assert Memory.objects.get().status == Status.PUBLISHED
    assert mail.outbox == []


def test_feature_as_memory_of_the_month(editor_client):
    memory = MemoryFactory()
    draft = MemoryFactory(status=Status.SUBMITTED)
    editor_client.post(url("feature", memory.pk))
    editor_client.post(url("feature", draft.pk))
    memory.refresh_from_db()
    draft.refresh_from_db()
    assert memory.featured_at is not None
    assert draft.featured_at is None
    from stadtgedaechtnis.services import featured_memory

    assert featured_memory() == memory


def test_bulk_publish(editor_client, django_capture_on_commit_callbacks):
    memories = MemoryFactory.create_batch(2, status=Status.SUBMITTED)
    rejected = MemoryFactory(status=Status.REJECTED)
    bulk_url = reverse(
        "wagtail_bulk_action", args=["stadtgedaechtnis", "memory", "publish_memories"]
    )
    query = "?" + "&".join(f"id={m.pk}" for m in [*memories, rejected])
    response = editor_client.get(bulk_url + query)
    assert response.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(bulk_url + query)
    assert response.status_code == 302
    statuses = dict(Memory.objects.values_list("pk", "status"))
    assert [statuses[m.pk] for m in memories] == [Status.PUBLISHED, Status.PUBLISHED]
    assert statuses[rejected.pk] == Status.REJECTED
    assert len(mail.outbox) == 2


def test_edit_view_with_map_and_location(editor_client):
    memory = MemoryFactory(status=Status.SUBMITTED)
    response = editor_client.get(url("edit", memory.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "leaflet" in html.lower()
    assert "Verlauf" in html


def test_create_on_behalf_in_admin(editor_client, editor):
    response = editor_client.get(url("add"))
    assert response.status_code == 200
    data = {
        "title": "Erzählcafé: die Mühle",
        "summary": "",
        "story": "Die Mühle klapperte.",
        "date_text": "um 1930",
        "date_from": "",
        "date_to": "",
        "location": json.dumps({"type": "Point", "coordinates": [10.9645, 50.2585]}),
        "place_name": "Mühlgasse",
        "precision": "street",
        "place_note": "",
        "licence": "cc-by-4.0",
        "people_status": "unknown",
        "attribution": "full_name",
        "contributor_name": "Hilde H.",
        "pseudonym": "",
        "on_behalf_source": "story_cafe",
        "on_behalf_consent": "Schriftlich, Formular vom 2. März 2026",
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
        "photos-MIN_NUM_FORMS": "0",
        "photos-MAX_NUM_FORMS": "1000",
    }
    response = editor_client.post(url("add"), data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    memory = Memory.objects.get()
    assert memory.on_behalf and memory.entered_by == editor
    assert memory.status == Status.SUBMITTED
    assert (memory.lat, memory.lon) == (50.2585, 10.9645)
    assert memory.public_lat != memory.lat  # street precision blurs
    assert memory.date_from.year == 1928 and memory.decade == 1930
    assert memory.consent_publication


def test_list_export_has_no_contact_data(editor_client):
    contact = MemoryContactFactory(email="geheim@example.net", name="Geheime Person")
    contact.memory.status = Status.SUBMITTED
    contact.memory.save()
    MemoryFactory(author__email="konto@example.net")
    for fmt in ("csv", "xlsx"):
        response = editor_client.get(url("list") + f"?export={fmt}")
        assert response.status_code == 200
        content = b"".join(response.streaming_content) if response.streaming else response.content
        if fmt == "csv":
            text = content.decode()
            rows = list(csv.reader(io.StringIO(text)))
            assert len(rows) == 3
            assert "@" not in text
            assert "Geheime Person" not in text
        else:
            assert b"geheim@example.net" not in content


@pytest.mark.parametrize("fmt", ["geojson", "csv", "gpkg"])
def test_admin_export_download(editor_client, fmt):
    MemoryFactory(author__email="konto@example.net")
    response = editor_client.get(url("export", fmt))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert b"konto@example.net" not in response.content


def test_export_forbidden_for_residents(client, resident):
    client.force_login(resident)
    assert client.get(url("export", "csv")).status_code == 403
