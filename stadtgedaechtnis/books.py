"""Reading books (Lesebücher): what may be placed, what a book shows, credits, warnings, release.

* :func:`placement_error` decides whether a memory may appear in a book (published and allowed in
  print); the chooser block refuses others, and the web view and the PDF leave them out.
* :func:`book_contents` reads a book's chapters with all their memories in a few queries.
* :func:`credits_for` lists the contributors as they chose to be named.
* :func:`check_memory` runs after a memory was saved: if a memory in a book may no longer be
  printed, the editors get one e-mail (and the book's edit page shows a warning).
* :func:`release_and_notify` releases a book and tells its contributors (once each).
* :func:`build_print_book` fills the print data for the PDF (``stadtgedaechtnis.book_print``).
"""

import json
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from civic.roles import EDITORS
from stadtgedaechtnis.models import (
    Attribution,
    BookEntryWarning,
    BookNotification,
    BookPage,
    BookRelease,
    Memory,
    MemoryContact,
    MemoryPhoto,
    Status,
)

logger = logging.getLogger(__name__)

PHOTO_RENDITION = "max-1200x1200|format-jpeg"


# --------------------------------------------------------------------------------------------
# Which memories may be placed


def placeable_memories():
    """Published memories whose contributors allowed them in printed books."""
    return Memory.objects.published().filter(print_allowed=True)


def is_placeable(memory: Memory) -> bool:
    return memory.status == Status.PUBLISHED and memory.print_allowed


def placement_error(memory: Memory) -> str:
    """Why the memory cannot be placed in a book ("" if it can)."""
    if memory.status == Status.WITHDRAWN:
        return _("„%(title)s“ wurde zurückgezogen und kann nicht in ein Lesebuch.") % {
            "title": memory.title
        }
    if memory.status != Status.PUBLISHED:
        return _(
            "„%(title)s“ ist nicht veröffentlicht (Status: %(status)s) und kann nicht in ein "
            "Lesebuch."
        ) % {"title": memory.title, "status": memory.get_status_display()}
    if not memory.print_allowed:
        return _(
            "„%(title)s“ darf nach dem Willen der erzählenden Person nicht gedruckt werden."
        ) % {"title": memory.title}
    return ""


# --------------------------------------------------------------------------------------------
# Reading the chapters


def _raw_chapters(value) -> list:
    """Raw stream data (list of {"type", "value"}) of a StreamField value, JSON or list."""
    if value is None:
        return []
    if hasattr(value, "raw_data"):
        return list(value.raw_data)
    if isinstance(value, str):
        try:
            value = json.loads(value) if value else []
        except ValueError:
            return []
    return list(value or [])


def _entries_of(chapter_raw) -> list[dict]:
    """The entry dicts of a raw chapter (ListBlock items may be wrapped as {"type","value"})."""
    value = chapter_raw.get("value") or {}
    entries = []
    for item in value.get("entries") or []:
        if isinstance(item, dict) and item.get("type") == "item" and "value" in item:
            item = item["value"]
        if isinstance(item, dict):
            entries.append(item)
    return entries


def memory_ids_of(raw_chapters) -> list[int]:
    ids = []
    for chapter in raw_chapters:
        for entry in _entries_of(chapter):
            memory_id = entry.get("memory")
            if isinstance(memory_id, int) or (isinstance(memory_id, str) and memory_id.isdigit()):
                ids.append(int(memory_id))
    return ids


def latest_chapters(book: BookPage) -> list:
    """Raw chapters of the book's newest revision (drafts included), else of the page row."""
    revision = book.latest_revision
    if revision is not None and "chapters" in (revision.content or {}):
        return _raw_chapters(revision.content["chapters"])
    return _raw_chapters(book.chapters)


def books_containing(memory_id: int) -> list[BookPage]:
    """Books whose live page or newest draft contains the memory (there are only a few books)."""
    found = []
    for book in BookPage.objects.select_related("latest_revision").order_by("number"):
        ids = set(memory_ids_of(_raw_chapters(book.chapters)))
        ids.update(memory_ids_of(latest_chapters(book)))
        if memory_id in ids:
            found.append(book)
    return found


@dataclass
class EntryView:
    memory: Memory
    note: str = ""
    print_text: str = ""

    @property
    def paragraphs(self) -> list[str]:
        if self.print_text.strip():
            text = self.print_text.replace("\r\n", "\n")
            return [p.strip() for p in text.split("\n\n") if p.strip()]
        return self.memory.paragraphs


@dataclass
class ChapterView:
    title: str
    intro: str = ""
    entries: list[EntryView] = field(default_factory=list)
    anchor: str = ""


def _memories_by_id(ids, *, only_placeable=True) -> dict[int, Memory]:
    queryset = placeable_memories() if only_placeable else Memory.objects.all()
    queryset = (
        queryset.filter(pk__in=set(ids))
        .select_related("author")
        .prefetch_related(
            Prefetch(
                "photos",
                queryset=MemoryPhoto.objects.select_related("image")
                .prefetch_related("image__renditions")
                .order_by("sort_order", "pk"),
            )
        )
    )
    return {memory.pk: memory for memory in queryset}


def book_contents(book: BookPage, raw_chapters=None) -> list[ChapterView]:
    """The chapters in order with their placeable entries (others are left out), few queries."""
    raw = _raw_chapters(book.chapters) if raw_chapters is None else raw_chapters
    memories = _memories_by_id(memory_ids_of(raw))
    chapters = []
    for index, chapter in enumerate(raw, start=1):
        value = chapter.get("value") or {}
        view = ChapterView(
            title=value.get("title") or "",
            intro=value.get("intro") or "",
            anchor=f"kapitel-{index}",
        )
        for entry in _entries_of(chapter):
            try:
                memory = memories.get(int(entry.get("memory")))
            except (TypeError, ValueError):
                memory = None
            if memory is None:
                continue
            view.entries.append(
                EntryView(
                    memory=memory,
                    note=entry.get("note") or "",
                    print_text=entry.get("print_text") or "",
                )
            )
        if view.entries or view.intro:  # a chapter whose entries all left is not shown
            chapters.append(view)
    return chapters


@dataclass
class AffectedEntry:
    chapter: str
    memory_id: int
    title: str
    reason: str


def affected_entries(book: BookPage) -> list[AffectedEntry]:
    """Entries of the newest version whose memory can no longer be placed (or is gone)."""
    raw = latest_chapters(book)
    memories = _memories_by_id(memory_ids_of(raw), only_placeable=False)
    affected = []
    for chapter in raw:
        title = (chapter.get("value") or {}).get("title") or ""
        for memory_id in memory_ids_of([chapter]):
            memory = memories.get(memory_id)
            if memory is None:
                affected.append(
                    AffectedEntry(title, memory_id, "", _("Die Erinnerung wurde gelöscht."))
                )
            elif not is_placeable(memory):
                affected.append(
                    AffectedEntry(title, memory_id, memory.title, placement_error(memory))
                )
    return affected


def call_answers(book: BookPage):
    """Published memories told in answer to the book's call."""
    return Memory.objects.published().filter(book_call=book)


# --------------------------------------------------------------------------------------------
# Credits


@dataclass
class Credits:
    names: list[str]
    anonymous: int

    @property
    def anonymous_text(self) -> str:
        if not self.anonymous:
            return ""
        if self.names:
            return translation.ngettext(
                "und %(count)d weitere Person, die anonym bleiben möchte",
                "und %(count)d weitere, die anonym bleiben möchten",
                self.anonymous,
            ) % {"count": self.anonymous}
        return translation.ngettext(
            "%(count)d Person, die anonym bleiben möchte",
            "%(count)d Personen, die anonym bleiben möchten",
            self.anonymous,
        ) % {"count": self.anonymous}

    def as_lines(self) -> list[str]:
        lines = list(self.names)
        if self.anonymous:
            lines.append(self.anonymous_text)
        return lines


def _contributor_key(memory: Memory):
    return ("user", memory.author_id) if memory.author_id else ("memory", memory.pk)


def credits_for(memories) -> Credits:
    """Contributors as they chose to be named; anonymous ones only counted (each person once)."""
    names: dict[str, str] = {}
    anonymous = set()
    named_keys = set()
    for memory in memories:
        key = _contributor_key(memory)
        if memory.attribution == Attribution.ANONYMOUS:
            anonymous.add(key)
            continue
        name = memory.public_attribution
        if name == _("Anonym"):
            anonymous.add(key)
            continue
        named_keys.add(key)
        names.setdefault(name.casefold(), name)
    anonymous -= named_keys  # someone named elsewhere in the book is not counted again
    ordered = sorted(names.values(), key=lambda n: n.casefold())
    return Credits(names=ordered, anonymous=len(anonymous))


def book_memories(chapters: list[ChapterView]) -> list[Memory]:
    return [entry.memory for chapter in chapters for entry in chapter.entries]


# --------------------------------------------------------------------------------------------
# The public page


def book_page_context(book: BookPage, request) -> dict:
    released = book.is_released
    context = {
        "released": released,
        "call_open": book.call_is_open(),
        "tell_url": reverse("stadtgedaechtnis:tell") + f"?aufruf={book.pk}",
    }
    if released:
        chapters = book_contents(book)
        context.update(
            chapters=chapters,
            book_credits=credits_for(book_memories(chapters)),
            release=book.release,
        )
    return context


# --------------------------------------------------------------------------------------------
# Warnings to the editors


def editor_addresses() -> list[str]:
    users = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=EDITORS)
        .exclude(email="")
        .distinct()
    )
    return sorted({user.email for user in users})


def _admin_edit_url(book: BookPage) -> str:
    from stadtgedaechtnis.services import absolute_url

    return absolute_url(reverse("wagtailadmin_pages:edit", args=[book.pk]))


def check_memory(memory: Memory) -> None:
    """After a memory changed: warn the editors once per book if it can no longer be printed."""
    if is_placeable(memory):
        BookEntryWarning.objects.filter(memory=memory).delete()
        return
    if memory.published_at is None and memory.status != Status.WITHDRAWN:
        return  # never published: cannot be in a book
    books = books_containing(memory.pk)
    if not books:
        return
    new = []
    for book in books:
        try:
            with transaction.atomic():
                _warning, created = BookEntryWarning.objects.get_or_create(book=book, memory=memory)
        except IntegrityError:
            created = False
        if created:
            new.append(book)
    if new:
        send_editor_warning(memory, new)


def send_editor_warning(memory: Memory, books: list[BookPage]) -> None:
    recipients = editor_addresses()
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "memory": memory,
            "reason": placement_error(memory),
            "books": [(book.book_label, _admin_edit_url(book)) for book in books],
        }
        subject = _("Lesebuch: „%(title)s“ kann nicht mehr gedruckt werden") % {
            "title": memory.title
        }
        body = render_to_string("stadtgedaechtnis/books/email_editor_warning.txt", context)
    subject = " ".join(subject.split())
    transaction.on_commit(lambda: send_mail(subject, body, None, recipients))


# --------------------------------------------------------------------------------------------
# Release and contributors


def contributor_address(memory: Memory) -> tuple[str, str] | None:
    """(name, e-mail) of a contributor who may be told about the book, or None.

    Account holders through their account's address; people without an account only when they
    agreed to be contacted and their (confirmed) contact data still exists. Memories entered on
    behalf of someone have no address.
    """
    if memory.on_behalf:
        return None
    if memory.author_id:
        author = memory.author
        if author.is_active and author.email:
            return author.public_name, author.email
        return None
    contact = MemoryContact.objects.filter(
        memory=memory, may_contact=True, confirmed_at__isnull=False
    ).first()
    if contact is not None and contact.email:
        return contact.name, contact.email
    return None


@dataclass
class ReleaseResult:
    newly_released: bool
    told: list[str]


def release_and_notify(book: BookPage, *, user=None, request=None) -> ReleaseResult:
    """Release the book (once) and tell every contributor not told yet. Safe to repeat."""
    with transaction.atomic():
        book = BookPage.objects.select_for_update().get(pk=book.pk)
        release, created = BookRelease.objects.get_or_create(
            book=book,
            defaults={"released_by": user if getattr(user, "is_authenticated", False) else None},
        )
        chapters = book_contents(book)
        memories = book_memories(chapters)
        already = set(BookNotification.objects.filter(book=book).values_list("email", flat=True))
        to_tell: dict[str, tuple[str, Memory]] = {}
        for memory in memories:
            address = contributor_address(memory)
            if address is None:
                continue
            name, email = address
            key = email.strip().lower()
            if key in already or key in to_tell:
                continue
            to_tell[key] = (name, memory)
        BookNotification.objects.bulk_create(
            [BookNotification(book=book, email=key, memory=m) for key, (_n, m) in to_tell.items()]
        )
        from stadtgedaechtnis.services import absolute_url

        book_url = book.get_full_url(request) or absolute_url(book.url or "/", request)
        for key, (name, memory) in to_tell.items():
            _queue_contributor_mail(book, memory, name, key, book_url)
    return ReleaseResult(newly_released=created, told=sorted(to_tell))


def _queue_contributor_mail(book, memory, name, email, book_url):
    language = memory.language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {"name": name, "book": book, "memory": memory, "book_url": book_url}
        subject = _("Ihre Erinnerung „%(title)s“ steht im %(book)s") % {
            "title": memory.title,
            "book": book.book_label,
        }
        body = render_to_string("stadtgedaechtnis/books/email_contributor.txt", context)
    subject = " ".join(subject.split())
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]))


# --------------------------------------------------------------------------------------------
# Print data


def _photo_credit(photo: MemoryPhoto) -> str:
    parts = []
    if photo.creator:
        parts.append(_("Foto: %(creator)s") % {"creator": photo.creator})
    if photo.year:
        parts.append(str(photo.year))
    parts.append(photo.get_licence_display())
    return ", ".join(parts)


def _rendition_bytes(image, spec=PHOTO_RENDITION) -> bytes | None:
    try:
        rendition = image.get_rendition(spec)
        with rendition.file.open("rb") as handle:
            return handle.read()
    except Exception:  # a missing or broken file leaves the photo out, not the book
        logger.warning("No rendition for image %s", image.pk, exc_info=True)
        return None


def build_print_book(book: BookPage, progress=None):
    """The book's print data (:class:`~stadtgedaechtnis.book_print.PrintBook`)."""
    from django.utils.html import strip_tags
    from wagtail.models import Site

    from civic.models import CitySettings
    from stadtgedaechtnis.book_print import PrintBook, PrintChapter, PrintEntry, PrintPhoto

    def plain(html: str) -> str:
        from html import unescape

        text = (html or "").replace("</p>", "\n\n").replace("<br/>", "\n").replace("<br>", "\n")
        return unescape(strip_tags(text)).strip()

    site = book.get_site() or Site.objects.filter(is_default_site=True).first()
    city = CitySettings.for_site(site) if site else None
    chapters = book_contents(book)
    total = sum(len(c.entries) for c in chapters) or 1
    done = 0
    licences = set()
    print_chapters = []
    for chapter in chapters:
        entries = []
        for entry in chapter.entries:
            memory = entry.memory
            photos = []
            for photo in memory.photos.all():
                data = _rendition_bytes(photo.image)
                if data:
                    photos.append(
                        PrintPhoto(
                            data=data,
                            caption=photo.caption,
                            credit=_photo_credit(photo),
                            alt=photo.alt_text,
                        )
                    )
                    licences.add(photo.get_licence_display())
            licences.add(memory.get_licence_display())
            entries.append(
                PrintEntry(
                    title=memory.title,
                    date_text=memory.date_text,
                    place=memory.place_name,
                    text="\n\n".join(entry.paragraphs),
                    attribution=_("Erzählt von %(name)s") % {"name": memory.public_attribution},
                    editorial_note=entry.note,
                    licence=memory.get_licence_display(),
                    photos=photos,
                )
            )
            done += 1
            if progress:
                progress(done, total, memory.title)
        print_chapters.append(
            PrintChapter(title=chapter.title, intro=chapter.intro, entries=entries)
        )
    cover = None
    if book.cover_image_id:
        data = _rendition_bytes(book.cover_image)
        if data:
            cover = PrintPhoto(data=data, alt=book.cover_alt)
    return PrintBook(
        title=book.title,
        subtitle=book.subtitle,
        number=book.number,
        year=book.year,
        theme=book.theme.name if book.theme_id else "",
        city_name=city.city_name if city else "",
        publisher=(city.site_title or city.city_name) if city else "",
        foreword=plain(book.foreword),
        chapters=print_chapters,
        credits=credits_for(book_memories(chapters)).as_lines(),
        credits_text=plain(book.credits_text),
        postscript=plain(book.postscript),
        licence_notes=sorted(licences),
        cover_photo=cover,
    )


# --------------------------------------------------------------------------------------------
# Background job "stadtgedaechtnis.book_pdf"


def run_book_pdf(job, progress):
    """Make the PDF of the book ``job.params["book"]`` in the job's work directory."""
    from civic import jobs
    from stadtgedaechtnis.book_print import render_book_pdf

    book = BookPage.objects.filter(pk=(job.params or {}).get("book")).first()
    if book is None:
        raise jobs.JobError(_("Das Lesebuch gibt es nicht mehr."))
    print_book = build_print_book(
        book, progress=lambda done, total, message="": progress(done, total * 2, message)
    )
    if not print_book.entry_count:
        raise jobs.JobError(
            _("Das Lesebuch enthält noch keine Beiträge, die gedruckt werden dürfen.")
        )
    total = print_book.entry_count

    def render_progress(done, _total, message=""):
        progress(total + min(done, total), total * 2, message)

    path = jobs.workdir(job) / f"lesebuch-{book.number}-{book.slug}.pdf"
    render_book_pdf(print_book, str(path), progress=render_progress)
    if (job.params or {}).get("publish") and book.is_released:
        publish_pdf(book, path, user=job.created_by)
    progress(total * 2, total * 2, _("Fertig"))
    return path


def publish_pdf(book: BookPage, path, *, user=None) -> None:
    """Offer the PDF on the released book's public page (a Wagtail document; replaces the old)."""
    from django.core.files import File
    from wagtail.documents import get_document_model

    from civic.uploads import FileLedger, collection_named
    from stadtgedaechtnis import conf

    document_model = get_document_model()
    # One transaction with the file: if anything fails, neither the document row nor its file
    # stays (the ledger deletes the file after the rollback).
    with FileLedger() as ledger, transaction.atomic():
        document = document_model(
            title=_("%(book)s (PDF)") % {"book": book.book_label},
            collection=collection_named(conf.collection_name()),
            uploaded_by_user=user if getattr(user, "is_authenticated", False) else None,
        )
        with open(path, "rb") as handle:
            document.file.save(path.name, File(handle), save=False)
        ledger.add(document.file)
        document.save()
        release = BookRelease.objects.select_for_update().get(book=book)
        old = release.pdf_document
        release.pdf_document = document
        release.save(update_fields=["pdf_document"])
        if old is not None:
            old.delete()  # Wagtail deletes its file after the commit
