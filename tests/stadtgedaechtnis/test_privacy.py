"""The Stadtgedächtnis's part of "Meine Daten", the account deletion and the retention run."""

import datetime
import io
import json
import zipfile
from pathlib import Path

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from civic import privacy
from stadtgedaechtnis.models import BookNotification, Memory, MemoryContact, Status
from tests.agenda.factories import make_comment
from tests.stadtgedaechtnis.factories import (
    MemoryContactFactory,
    MemoryFactory,
    MemoryPhotoFactory,
)
from tests.stadtgedaechtnis.factories_books import make_book


def path_of(fieldfile) -> Path:
    return Path(fieldfile.storage.path(fieldfile.name))


def test_export_has_every_field_of_a_memory_and_the_book_notifications(client, resident, home_page):
    memory = MemoryFactory(author=resident, pseudonym="Die Rita", attribution="pseudonym")
    MemoryPhotoFactory(memory=memory, creator="Onkel Hans")
    book = make_book(home_page, number=1, title="Kindheit")
    BookNotification.objects.create(book=book, email=resident.email, memory=memory)
    BookNotification.objects.create(book=book, email="fremd@example.org")
    client.force_login(resident)
    response = client.post(reverse("civic:my_data_download"))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    data = json.loads(archive.read("daten.json"))["stadtgedaechtnis"]
    exported = data["memories"][0]
    assert exported["pseudonym"] == "Die Rita"
    assert exported["attribution"] == {"value": "pseudonym", "label": "Mit einem Pseudonym"}
    assert exported["place"]["exact_lat"] == memory.lat
    assert exported["photos"][0]["creator"] == "Onkel Hans"
    assert exported["consent_version"] == "2026-1"
    assert [n["email"] for n in data["book_notifications"]] == [resident.email]


def test_delete_takes_readers_additions_and_files(
    resident, other_resident, django_capture_on_commit_callbacks
):
    memory = MemoryFactory(author=resident)
    photo = MemoryPhotoFactory(memory=memory)
    photo_file = path_of(photo.image.file)
    addition = make_comment(memory, other_resident, "Ich war auch dabei.")
    with django_capture_on_commit_callbacks(execute=True):
        privacy.erase_account(resident, "delete")
    assert not Memory.objects.filter(pk=memory.pk).exists()
    assert not photo_file.exists()
    assert not type(addition).objects.filter(pk=addition.pk).exists()


def test_anonymise_keeps_public_point_of_an_exact_place(
    resident, django_capture_on_commit_callbacks
):
    public_place = MemoryFactory(author=resident, private_place=False, place_name="Marktplatz")
    with django_capture_on_commit_callbacks(execute=True):
        privacy.erase_account(resident, "anonymise")
    public_place.refresh_from_db()
    # A public place is not the person's secret: it stays as it was.
    assert (public_place.lat, public_place.place_name) == (50.2585, "Marktplatz")
    assert public_place.attribution == "anonymous" and public_place.public_attribution == "Anonym"


def test_retention_purges_contacts_and_unconfirmed_drafts_when_due(
    db, settings, django_capture_on_commit_callbacks
):
    now = timezone.now()
    days = settings.STADTGEDAECHTNIS_CONTACT_RETENTION_DAYS
    due = MemoryContactFactory(
        memory=MemoryFactory(author=None, status=Status.PUBLISHED),
        purge_after=now - datetime.timedelta(hours=1),
    )
    kept = MemoryContactFactory(
        memory=MemoryFactory(author=None, status=Status.PUBLISHED),
        purge_after=now + datetime.timedelta(days=days),
    )
    waiting = MemoryContactFactory(
        memory=MemoryFactory(author=None, status=Status.SUBMITTED), purge_after=None
    )
    stale_draft = MemoryContactFactory()
    photo = MemoryPhotoFactory(memory=stale_draft.memory)
    stale_file = path_of(photo.image.file)
    MemoryContact.objects.filter(pk=stale_draft.pk).update(
        created=now - datetime.timedelta(days=settings.STADTGEDAECHTNIS_UNCONFIRMED_DAYS + 1)
    )
    fresh_draft = MemoryContactFactory()

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # Wagtail deletes files on commit
        call_command("purge_personal_data", "--only", "stadtgedaechtnis.contacts", stdout=out)

    assert set(MemoryContact.objects.values_list("pk", flat=True)) == {
        kept.pk,
        waiting.pk,
        fresh_draft.pk,
    }
    assert not Memory.objects.filter(pk=stale_draft.memory_id).exists()
    assert Memory.objects.filter(pk=due.memory_id).exists()  # only the contact goes
    assert not stale_file.exists()
    assert "Kontaktdaten und unbestätigte Einsendungen (Stadtgedächtnis): 2" in out.getvalue()
