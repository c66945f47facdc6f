"""Audit trail of memory moderation: each decision writes exactly one entry in Wagtail's log, with
who, what and the reason; editors see it in the "Protokoll" and the memory's history, residents
do not; no e-mail text and no exact place in an entry."""

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from wagtail.models import ModelLogEntry

from stadtgedaechtnis import services
from stadtgedaechtnis.models import Memory, Status
from tests.stadtgedaechtnis.factories import (
    MemoryContactFactory,
    MemoryFactory,
    RejectionReasonFactory,
)

pytestmark = pytest.mark.django_db

NS = "stadtgedaechtnis_memory"
AUDIT_PREFIX = "stadtgedaechtnis.memory."


def url(name, *args):
    return reverse(f"{NS}:{name}", args=args)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def entries(memory):
    """The audit entries of the memory (Wagtail's own "edited"/"created" included, to be sure
    nothing is logged twice)."""
    return list(
        ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Memory), object_id=str(memory.pk)
        ).order_by("pk")
    )


def only_entry(memory):
    found = entries(memory)
    assert len(found) == 1, [e.action for e in found]
    return found[0]


def test_publish_writes_one_entry(editor_client, editor):
    memory = MemoryFactory(status=Status.SUBMITTED)
    response = editor_client.post(url("moderate", memory.pk), {"action": "publish"})
    assert response.status_code == 302
    entry = only_entry(memory)
    assert entry.action == services.LOG_PUBLISH
    assert entry.user == editor
    assert entry.label == memory.title
    assert entry.data["from_status"] == Status.SUBMITTED
    assert entry.data["to_status"] == Status.PUBLISHED


def test_reject_records_the_reason_but_not_the_mail(editor_client, editor):
    contact = MemoryContactFactory(email="geheim@example.net")
    memory = contact.memory
    memory.status = Status.SUBMITTED
    memory.save()
    reason = RejectionReasonFactory(text="Enthält Angaben über Dritte")
    editor_client.post(
        url("moderate", memory.pk),
        {"action": "reject", "reason": reason.pk, "message": "Persönliche Zeilen an Sie"},
    )
    entry = only_entry(memory)
    assert entry.action == services.LOG_REJECT
    assert entry.user == editor
    assert entry.data["reason"] == "Enthält Angaben über Dritte"
    assert entry.data["with_message"] is True
    stored = json.dumps(entry.data, ensure_ascii=False) + entry.label
    assert "Persönliche Zeilen" not in stored
    assert "geheim@example.net" not in stored


def test_request_changes_on_published_memory_is_an_unpublish(editor_client, editor):
    published = MemoryFactory()
    waiting = MemoryFactory(status=Status.SUBMITTED)
    for memory in (published, waiting):
        editor_client.post(
            url("moderate", memory.pk),
            {"action": "request_changes", "message": "Bitte das Datum prüfen."},
        )
    assert only_entry(published).action == services.LOG_UNPUBLISH
    assert only_entry(waiting).action == services.LOG_REQUEST_CHANGES
    assert "Bitte das Datum" not in json.dumps(only_entry(published).data)


def test_feature_writes_one_entry(editor_client, editor):
    memory = MemoryFactory()
    editor_client.post(url("feature", memory.pk))
    entry = only_entry(memory)
    assert (entry.action, entry.user) == (services.LOG_FEATURE, editor)


def test_refused_transition_writes_nothing(editor_client):
    memory = MemoryFactory(status=Status.REJECTED)
    editor_client.post(url("moderate", memory.pk), {"action": "publish"})
    editor_client.post(url("feature", memory.pk))
    assert entries(memory) == []


def test_withdraw_by_the_author(client, resident):
    memory = MemoryFactory(author=resident)
    client.force_login(resident)
    response = client.post(reverse("stadtgedaechtnis:withdraw", args=[memory.pk]))
    assert response.status_code == 302
    memory.refresh_from_db()
    assert memory.status == Status.WITHDRAWN
    entry = only_entry(memory)
    assert (entry.action, entry.user) == (services.LOG_WITHDRAW, resident)


def test_bulk_publish_writes_one_entry_per_memory(editor_client, editor):
    memories = MemoryFactory.create_batch(2, status=Status.SUBMITTED)
    bulk_url = reverse(
        "wagtail_bulk_action", args=["stadtgedaechtnis", "memory", "publish_memories"]
    )
    query = "?" + "&".join(f"id={m.pk}" for m in memories)
    assert editor_client.post(bulk_url + query).status_code == 302
    for memory in memories:
        entry = only_entry(memory)
        assert (entry.action, entry.user) == (services.LOG_PUBLISH, editor)


def _edit_data(memory, **overrides):
    data = {
        "title": memory.title,
        "summary": memory.summary,
        "story": memory.story,
        "date_text": memory.date_text,
        "date_from": memory.date_from.isoformat(),
        "date_to": memory.date_to.isoformat(),
        "location": json.dumps({"type": "Point", "coordinates": [memory.lon, memory.lat]}),
        "place_name": memory.place_name,
        "precision": memory.precision,
        "place_note": "",
        "licence": memory.licence,
        "people_status": memory.people_status,
        "attribution": memory.attribution,
        "contributor_name": memory.contributor_name,
        "pseudonym": "",
        "rights_confirmed": "on",
        "on_behalf_source": memory.on_behalf_source,
        "on_behalf_consent": "",
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
        "photos-MIN_NUM_FORMS": "0",
        "photos-MAX_NUM_FORMS": "1000",
    }
    if memory.print_allowed:
        data["print_allowed"] = "on"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_edit_by_editor_is_one_entry_with_field_names_only(editor_client, editor):
    memory = MemoryFactory(status=Status.SUBMITTED, print_allowed=False)
    response = editor_client.post(
        url("edit", memory.pk), _edit_data(memory, title="Der neue Titel", place_name="Hinterhof 3")
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    entry = only_entry(memory)
    assert (entry.action, entry.user) == (services.LOG_EDIT, editor)
    assert {"title", "place_name"} <= set(entry.data["fields"])
    assert "Hinterhof" not in json.dumps(entry.data)


def test_not_for_print(editor_client, editor):
    memory = MemoryFactory(print_allowed=True)
    data = _edit_data(memory)
    del data["print_allowed"]
    response = editor_client.post(url("edit", memory.pk), data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    memory.refresh_from_db()
    assert memory.print_allowed is False
    entry = only_entry(memory)
    assert (entry.action, entry.user) == (services.LOG_NOT_FOR_PRINT, editor)


def test_editors_see_entries_in_protokoll_and_history(editor_client, editor):
    memory = MemoryFactory(status=Status.SUBMITTED, title="Das Kino am Anger")
    editor_client.post(url("moderate", memory.pk), {"action": "publish"})
    response = editor_client.get(reverse("civic_audit:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Das Kino am Anger" in html
    assert "Erinnerung veröffentlicht" in html
    # Filtered by action: the entry is there; by another action: it is not.
    response = editor_client.get(reverse("civic_audit:results"), {"action": services.LOG_PUBLISH})
    assert "Das Kino am Anger" in response.content.decode()
    response = editor_client.get(reverse("civic_audit:results"), {"action": services.LOG_REJECT})
    assert response.status_code == 200
    assert "Das Kino am Anger" not in response.content.decode()
    # The memory's own history in the admin.
    response = editor_client.get(url("history", memory.pk))
    assert response.status_code == 200
    assert "Veröffentlicht" in response.content.decode()


def test_residents_and_anonymous_see_no_protokoll(client, resident):
    memory = MemoryFactory(status=Status.SUBMITTED, title="Geheime Entscheidung")
    services.publish(memory, actor=None, notify_contributor=False)
    index = reverse("civic_audit:index")
    response = client.get(index)
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(resident)
    response = client.get(index)
    assert response.status_code in (302, 403)
    assert "Geheime Entscheidung" not in response.content.decode()
    response = client.get(url("history", memory.pk))
    assert response.status_code in (302, 403)
