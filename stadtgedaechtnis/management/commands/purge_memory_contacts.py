"""Delete contact data after the decision, and unconfirmed drafts after a few days.

* Contact data (:class:`MemoryContact`) of decided memories (published, rejected, withdrawn) is
  deleted ``STADTGEDAECHTNIS_CONTACT_RETENTION_DAYS`` (default 90) days after the decision.
* Drafts of people without an account who never followed the confirmation link are deleted with
  their photos and recording after ``STADTGEDAECHTNIS_UNCONFIRMED_DAYS`` (default 7) days.

Runs as part of ``manage.py purge_personal_data`` (daily, see docs/deployment.md, "Retention");
this command runs only this purge. Files are deleted after the commit (a rollback keeps them).
"""

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from stadtgedaechtnis import conf
from stadtgedaechtnis.models import Memory, MemoryContact, Status


def purge(now=None) -> tuple[int, int]:
    """(contacts deleted, unconfirmed drafts deleted)."""
    now = now or timezone.now()
    contacts = 0
    with transaction.atomic():
        due = MemoryContact.objects.filter(
            purge_after__isnull=False,
            purge_after__lte=now,
            memory__status__in=list(Status.decided()),
        )
        # A decision without purge_after (e.g. set in older data): use the decision date.
        legacy = MemoryContact.objects.filter(
            purge_after__isnull=True,
            memory__status__in=list(Status.decided()),
            memory__decided_at__lte=now - datetime.timedelta(days=conf.contact_retention_days()),
        )
        contacts = due.delete()[0] + legacy.delete()[0]

    cutoff = now - datetime.timedelta(days=conf.unconfirmed_days())
    drafts = Memory.objects.filter(
        status=Status.DRAFT,
        contact__confirmed_at__isnull=True,
        contact__created__lte=cutoff,
    )
    deleted = 0
    for memory in drafts.prefetch_related("photos__image"):
        with transaction.atomic():
            images = [photo.image for photo in memory.photos.all()]
            audio = getattr(memory, "audio", None) if hasattr(memory, "audio") else None
            if audio is not None:
                storage, name = audio.file.storage, audio.file.name
                type(audio).objects.filter(pk=audio.pk).delete()
                transaction.on_commit(lambda s=storage, n=name: s.delete(n))
            memory.delete()
            for image in images:
                image.delete()
        deleted += 1
    return contacts, deleted


class Command(BaseCommand):
    help = "Löscht Kontaktdaten nach der Entscheidung und unbestätigte Entwürfe."

    def handle(self, *args, **options):
        contacts, drafts = purge()
        self.stdout.write(f"{contacts} Kontaktdaten und {drafts} unbestätigte Entwürfe gelöscht.")
