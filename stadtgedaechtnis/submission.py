"""Saving an Erzähle submission: the memory, its photos, recording and contact, all or nothing.

Everything is written in one transaction. Files are written to storage as part of it, so they
are recorded as they are written and deleted again when anything fails: a failed submission
leaves neither rows nor orphan files. Uploads kept from earlier attempts (``civic.PendingUpload``)
are deleted only after the transaction committed.
"""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation

from civic.uploads import FileLedger, collection_named, save_wagtail_image
from stadtgedaechtnis import conf, services
from stadtgedaechtnis.consent import CURRENT_CONSENT_VERSION
from stadtgedaechtnis.dates import parse_period
from stadtgedaechtnis.models import (
    Attribution,
    MemoryAudio,
    MemoryContact,
    MemoryPhoto,
    Status,
)


def memory_collection():
    """The Wagtail collection "Stadtgedächtnis" (created on first use)."""
    return collection_named(conf.collection_name())


def store_photo(memory, cleaned_image, *, meta: dict, sort_order: int, user, ledger) -> MemoryPhoto:
    """A Wagtail image from the EXIF-free bytes, and the photo row pointing at it."""
    image = save_wagtail_image(
        cleaned_image,
        title=meta.get("caption") or meta.get("alt_text") or memory.title,
        collection_name=conf.collection_name(),
        user=user,
        ledger=ledger,
    )
    return MemoryPhoto.objects.create(
        memory=memory,
        image=image,
        alt_text=meta["alt_text"].strip(),
        caption=meta.get("caption", ""),
        creator=meta.get("creator", ""),
        year=meta.get("year"),
        licence=meta.get("licence") or memory.licence,
        sort_order=sort_order,
    )


def store_audio(memory, cleaned_audio, *, transcript: str, ledger) -> MemoryAudio:
    content = cleaned_audio.content
    content.seek(0)
    audio = MemoryAudio(memory=memory, mime=cleaned_audio.mime, transcript=transcript)
    audio.file.save(cleaned_audio.name, ContentFile(content.read()), save=False)
    ledger.add(audio.file)
    audio.save()
    return audio


def _apply_form(memory, cleaned: dict, *, language: str) -> None:
    """Fields that do not map one to one from the form."""
    attribution = cleaned.get("attribution")
    name = (cleaned.get("name") or "").strip()
    memory.contributor_name = (
        name if attribution in (Attribution.FULL_NAME, Attribution.INITIALS) else ""
    )
    if attribution != Attribution.PSEUDONYM:
        memory.pseudonym = ""
    period = parse_period(memory.date_text, language)
    memory.date_from, memory.date_to = period.lower, period.upper
    if memory.lat is not None:
        memory.district = None  # derived from the point on save
    elif cleaned.get("district") is not None and not memory.lat:
        memory.district = cleaned["district"]
        memory.precision = "district"
    memory.rights_confirmed = bool(cleaned.get("rights_confirmed"))
    if cleaned.get("consent"):
        if not memory.consent_publication or memory.consent_version != CURRENT_CONSENT_VERSION:
            memory.consent_at = timezone.now()
        memory.consent_publication = True
        memory.consent_version = CURRENT_CONSENT_VERSION


def save_submission(tell, *, instance=None, removed_photo_ids=(), remove_audio=False):
    """Create (or, with ``instance``, update) a memory from a valid :class:`TellForms`.

    Returns ``(memory, contact)``; ``contact`` is the new :class:`MemoryContact` of a
    contributor without an account (who still has to confirm), else None.
    """
    request = tell.request
    user = request.user
    form = tell.memory
    cleaned = form.cleaned_data
    language = (translation.get_language() or "de")[:2]
    ledger = FileLedger()
    creating = instance is None
    contact = None
    try:
        with transaction.atomic():
            memory = form.save(commit=False)
            _apply_form(memory, cleaned, language=language)
            if creating:
                memory.language = language
                memory.status = Status.DRAFT
                if getattr(tell, "book_call", None) is not None:
                    memory.book_call = tell.book_call  # validated as open by the form
                if cleaned.get("on_behalf"):
                    memory.on_behalf = True
                    memory.on_behalf_source = cleaned.get("on_behalf_source", "")
                    memory.on_behalf_consent = cleaned.get("on_behalf_consent", "")
                    memory.entered_by = user
                    memory.author = None
                elif user.is_authenticated:
                    memory.author = user
            memory.save()
            form.save_m2m()

            if removed_photo_ids:
                for photo in memory.photos.filter(pk__in=list(removed_photo_ids)):
                    image = photo.image
                    photo.delete()
                    image.delete()
            next_order = (memory.photos.count() if not creating else 0) + 1
            for photo_form in tell.photos:
                upload = photo_form.upload()
                if upload is None:
                    continue
                store_photo(
                    memory,
                    upload,
                    meta=photo_form.cleaned_data,
                    sort_order=next_order,
                    user=user,
                    ledger=ledger,
                )
                next_order += 1

            audio_upload = tell.audio.upload()
            existing_audio = MemoryAudio.objects.filter(memory=memory).first()
            if existing_audio is not None and (remove_audio or audio_upload is not None):
                transaction.on_commit(_deleter(existing_audio.file))
                MemoryAudio.objects.filter(pk=existing_audio.pk).delete()
            if audio_upload is not None:
                store_audio(
                    memory,
                    audio_upload,
                    transcript=tell.audio.cleaned_data.get("transcript", ""),
                    ledger=ledger,
                )
            elif existing_audio is not None and not remove_audio:
                transcript = tell.audio.cleaned_data.get("transcript", "")
                if transcript != existing_audio.transcript:
                    existing_audio.transcript = transcript
                    existing_audio.save(update_fields=["transcript"])

            if creating and form.anonymous:
                contact = MemoryContact.objects.create(
                    memory=memory,
                    name=(cleaned.get("name") or "").strip(),
                    email=cleaned["contact_email"],
                    may_contact=bool(cleaned.get("may_contact")),
                )
                services.send_confirmation_mail(memory, contact, request=request)
            elif memory.status in (Status.DRAFT, Status.CHANGES_REQUESTED) and (
                not creating or user.is_authenticated
            ):
                if not (memory.status == Status.DRAFT and _unconfirmed(memory)):
                    services.submit(memory, actor=user)
    except BaseException:
        ledger.delete_all()
        raise

    for upload in tell.kept_uploads():
        transaction.on_commit(upload.delete)
    return memory, contact


def _unconfirmed(memory) -> bool:
    return MemoryContact.objects.filter(memory=memory, confirmed_at__isnull=True).exists()


def _deleter(field_file):
    storage, name = field_file.storage, field_file.name

    def delete():
        if name:
            storage.delete(name)

    return delete
