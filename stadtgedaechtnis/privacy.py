"""The Stadtgedächtnis's part of "Meine Daten" and of the account deletion (see civic/privacy.py).

* Export: every memory of the person with all fields (the exact place too), contact data,
  photo and recording metadata with the original files, the moderation history shown to them,
  and the reading-book notifications sent to their addresses.
* Anonymise: memories stay; the name for the attribution, the pseudonym and the contact data go,
  attribution becomes "anonym"; a private place keeps only its public (blurred) point, without
  place name and note.
* Delete: memories go with their photos (Wagtail images and their renditions), the recording,
  the readers' additions on them and their tour stops; files after the commit.
* Retention: ``purge_memory_contacts`` (contact data after the decision, unconfirmed drafts).
"""

from django.utils.translation import gettext_lazy as _

from civic.privacy import choice, iso, register_eraser, register_exporter, register_purger
from stadtgedaechtnis.models import (
    Attribution,
    BookNotification,
    Memory,
    MemoryAudio,
    MemoryContact,
)


def _addresses(user) -> list[str]:
    from allauth.account.models import EmailAddress

    found = {user.email.lower()} if user.email else set()
    found.update(
        e.lower() for e in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    )
    return sorted(found)


def export_memories(user, export) -> dict:
    memories = []
    queryset = (
        Memory.objects.filter(author=user)
        .select_related("district", "book_call", "contact", "audio")
        .prefetch_related("themes", "photos__image", "events")
        .order_by("created", "pk")
    )
    for memory in queryset:
        contact = getattr(memory, "contact", None) if hasattr(memory, "contact") else None
        audio = getattr(memory, "audio", None) if hasattr(memory, "audio") else None
        memories.append(
            {
                "id": memory.pk,
                "uid": str(memory.uid),
                "title": memory.title,
                "summary": memory.summary,
                "story": memory.story,
                "date_text": memory.date_text,
                "date_from": iso(memory.date_from),
                "date_to": iso(memory.date_to),
                "place": {
                    "exact_lat": memory.lat,
                    "exact_lon": memory.lon,
                    "public_lat": memory.public_lat,
                    "public_lon": memory.public_lon,
                    "precision": choice(memory, "precision"),
                    "private_place": memory.private_place,
                    "place_name": memory.place_name,
                    "place_note": memory.place_note,
                    "district": memory.district.name if memory.district_id else None,
                },
                "themes": [theme.name for theme in memory.themes.all()],
                "licence": choice(memory, "licence"),
                "consent_publication": memory.consent_publication,
                "consent_version": memory.consent_version,
                "consent_at": iso(memory.consent_at),
                "rights_confirmed": memory.rights_confirmed,
                "people_status": choice(memory, "people_status"),
                "attribution": choice(memory, "attribution"),
                "contributor_name": memory.contributor_name,
                "pseudonym": memory.pseudonym,
                "print_allowed": memory.print_allowed,
                "on_behalf": memory.on_behalf,
                "on_behalf_source": memory.on_behalf_source,
                "on_behalf_consent": memory.on_behalf_consent,
                "book_call": memory.book_call.title if memory.book_call_id else None,
                "language": memory.language,
                "status": choice(memory, "status"),
                "created": iso(memory.created),
                "updated": iso(memory.updated),
                "submitted_at": iso(memory.submitted_at),
                "published_at": iso(memory.published_at),
                "decided_at": iso(memory.decided_at),
                "contact": (
                    {
                        "name": contact.name,
                        "email": contact.email,
                        "may_contact": contact.may_contact,
                        "confirmed_at": iso(contact.confirmed_at),
                    }
                    if contact
                    else None
                ),
                "photos": [
                    {
                        "file": export.add_file("fotos", photo.image.file),
                        "alt_text": photo.alt_text,
                        "caption": photo.caption,
                        "creator": photo.creator,
                        "year": photo.year,
                        "licence": photo.licence,
                        "width": photo.image.width,
                        "height": photo.image.height,
                    }
                    for photo in memory.photos.all()
                ],
                "audio": (
                    {
                        "file": export.add_file("ton", audio.file),
                        "mime": audio.mime,
                        "transcript": audio.transcript,
                    }
                    if audio
                    else None
                ),
                "history": [
                    {
                        "at": iso(event.at),
                        "from": event.from_status,
                        "to": event.to_status,
                        "reason": event.reason,
                        "message": event.message,
                    }
                    for event in memory.events.all()
                ],
            }
        )
    notifications = [
        {"book": n.book.title, "email": n.email, "sent_at": iso(n.sent_at)}
        for n in BookNotification.objects.filter(email__in=_addresses(user))
        .select_related("book")
        .order_by("sent_at")
    ]
    return {"memories": memories, "book_notifications": notifications}


def erase_memories(user, erasure) -> None:
    own = Memory.objects.filter(author=user)
    erasure.count(
        "book_notifications",
        BookNotification.objects.filter(email__in=_addresses(user)).delete()[0],
    )
    MemoryContact.objects.filter(memory__in=own).delete()
    if erasure.delete_contributions:
        _delete_memories(own, erasure)
        return
    # Anonymise: the memory stays, without the person.
    erasure.count(
        "memories_anonymised",
        own.update(
            contributor_name="",
            pseudonym="",
            attribution=Attribution.ANONYMOUS,
        ),
    )
    # A private place keeps only its public, blurred point: the exact one is the person's.
    private = own.filter(private_place=True)
    for memory in private.only("pk", "public_lat", "public_lon"):
        Memory.objects.filter(pk=memory.pk).update(
            lat=memory.public_lat, lon=memory.public_lon, place_name="", place_note=""
        )
    # (The author link itself goes with the account: Memory.author is SET_NULL.)


def _delete_memories(memories, erasure) -> None:
    from civic.comments import comments_for

    images = []
    count = 0
    for memory in memories.prefetch_related("photos__image"):
        images.extend(photo.image for photo in memory.photos.all())
        audio = MemoryAudio.objects.filter(memory=memory).first()
        if audio is not None:
            erasure.delete_file_later(audio.file.storage, audio.file.name)
        # Readers' additions lose their place with the memory.
        erasure.count("memory_comments_deleted", comments_for(memory).delete()[0])
        memory.delete()
        count += 1
    for image in images:
        # Wagtail deletes an image's file and renditions after the commit.
        image.delete()
    erasure.count("memories_deleted", count)
    erasure.count("photos_deleted", len(images))


def purge_contacts_and_drafts(now) -> int:
    from stadtgedaechtnis.management.commands.purge_memory_contacts import purge

    contacts, drafts = purge(now)
    return contacts + drafts


register_exporter("stadtgedaechtnis", export_memories)
register_eraser("stadtgedaechtnis", erase_memories)
register_purger(
    "stadtgedaechtnis.contacts",
    purge_contacts_and_drafts,
    label=_("Kontaktdaten und unbestätigte Einsendungen (Stadtgedächtnis)"),
)
