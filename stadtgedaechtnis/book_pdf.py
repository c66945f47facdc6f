"""The reading book (Lesebuch) as an A5 PDF, made with reportlab from a :class:`PrintBook`.

Cover, table of contents with page numbers, foreword, chapters (each on a new page; each entry with
title, date and place, text, photos with caption and credit, the attribution the contributor
chose, the editorial note in a framed box, the licence), contributors, postscript, picture credits
and licences; "Seite X von Y" in the footer. All texts are user text and escaped.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Spacer,
)

from civic.pdf import (
    NumberedDocTemplate,
    clean_text,
    heading,
    make_styles,
    para,
    paragraphs,
    scaled_image,
    table_of_contents,
)
from stadtgedaechtnis.book_print import PrintBook, PrintEntry, PrintPhoto, ProgressCallback

PAGE_MARGINS = (16 * mm, 14 * mm, 17 * mm, 14 * mm)  # top, right, bottom, left
PHOTO_MAX_HEIGHT = 85 * mm
COVER_PHOTO_MAX_HEIGHT = 80 * mm
# Layout passes a book usually needs (TOC placeholder, TOC filled, page numbers confirmed).
EXPECTED_PASSES = 3


class _EntryDone(Flowable):
    """An invisible marker after each entry: reports layout progress."""

    def __init__(self, title: str):
        super().__init__()
        self.title = title

    def wrap(self, avail_width, avail_height):
        return (0, 0)

    def draw(self):
        pass


class _Progress:
    def __init__(self, callback: ProgressCallback | None, entries: int):
        self.callback = callback
        self.total = max(entries, 1) * EXPECTED_PASSES
        self.done = 0

    def report(self, done: int, message: str) -> None:
        if self.callback is not None:
            self.callback(min(done, self.total), self.total, message)

    def __call__(self, flowable) -> None:
        if isinstance(flowable, _EntryDone):
            self.done += 1
            # A further pass than expected must not reach 100 % before the file is written.
            self.report(
                min(self.done, self.total - 1),
                _("Setze „%(title)s“") % {"title": flowable.title[:80]},
            )

    def finish(self) -> None:
        self.report(self.total, _("PDF fertig"))


def _frame_size() -> tuple[float, float]:
    top, right, bottom, left = PAGE_MARGINS
    return A5[0] - left - right, A5[1] - top - bottom


def _photo_block(photo: PrintPhoto, styles, max_height: float) -> list:
    width, _height = _frame_size()
    image = scaled_image(photo.data, width, max_height)
    if image is None:
        return []
    block = [Spacer(1, 2 * mm), image, Spacer(1, 1.5 * mm)]
    caption = clean_text(photo.caption).strip()
    credit = clean_text(photo.credit).strip()
    if caption and credit:
        text = _("%(caption)s – Foto: %(credit)s") % {"caption": caption, "credit": credit}
    elif credit:
        text = _("Foto: %(credit)s") % {"credit": credit}
    else:
        text = caption
    if text:
        block.append(para(text, styles["caption"]))
    return [KeepTogether(block)]


def _entry(entry: PrintEntry, styles) -> list:
    story: list = [CondPageBreak(45 * mm)]
    story.append(heading(entry.title or _("Ohne Titel"), styles["h2"], toc_level=1))
    meta = " · ".join(
        part
        for part in (clean_text(entry.date_text).strip(), clean_text(entry.place).strip())
        if part
    )
    if meta:
        story.append(para(meta, styles["meta"]))
    story += paragraphs(entry.text, styles["body"])
    for photo in entry.photos:
        story += _photo_block(photo, styles, PHOTO_MAX_HEIGHT)
    if clean_text(entry.attribution).strip():
        story.append(para(entry.attribution, styles["attribution"]))
    if clean_text(entry.editorial_note).strip():
        note = _("Anmerkung der Redaktion: %(note)s") % {
            "note": clean_text(entry.editorial_note).strip()
        }
        story.append(para(note, styles["note"]))
    if clean_text(entry.licence).strip():
        story.append(para(_("Lizenz: %(licence)s") % {"licence": entry.licence}, styles["caption"]))
    story.append(_EntryDone(clean_text(entry.title)))
    story.append(Spacer(1, 5 * mm))
    return story


def _cover(book: PrintBook, styles) -> list:
    story: list = [Spacer(1, 6 * mm), para(book.title, styles["title"])]
    if clean_text(book.subtitle).strip():
        story.append(para(book.subtitle, styles["subtitle"]))
    parts = []
    if book.number:
        parts.append(_("Lesebuch Nr. %(number)s") % {"number": book.number})
    if book.year:
        parts.append(str(book.year))
    if parts:
        story.append(para(" · ".join(parts), styles["meta"]))
    if clean_text(book.theme).strip():
        story.append(para(_("Thema: %(theme)s") % {"theme": book.theme}, styles["body"]))
    if book.cover_photo is not None:
        story += _photo_block(book.cover_photo, styles, COVER_PHOTO_MAX_HEIGHT)
    story.append(Spacer(1, 6 * mm))
    if clean_text(book.city_name).strip():
        story.append(para(book.city_name, styles["h3"]))
    if clean_text(book.publisher).strip():
        story.append(
            para(
                _("Herausgegeben von %(publisher)s") % {"publisher": book.publisher},
                styles["small"],
            )
        )
    return story


def build_story(book: PrintBook, styles) -> list:
    """The platypus story of a book (public for tests and previews)."""
    story = _cover(book, styles)
    story += [NextPageTemplate("page"), PageBreak()]
    story.append(heading(_("Inhalt"), styles["h1"], toc_level=None, outline_level=0))
    story.append(table_of_contents(styles))
    story.append(PageBreak())
    if split := paragraphs(book.foreword, styles["body"]):
        story.append(heading(_("Vorwort"), styles["h1"], toc_level=0))
        story += split
        story.append(PageBreak())
    for chapter in book.chapters:
        story.append(heading(chapter.title or _("Kapitel"), styles["h1"], toc_level=0))
        story += paragraphs(chapter.intro, styles["subtitle"])
        story.append(Spacer(1, 3 * mm))
        for entry in chapter.entries:
            story += _entry(entry, styles)
        story.append(PageBreak())
    credits = [clean_text(name).strip() for name in book.credits if clean_text(name).strip()]
    if credits or clean_text(book.credits_text).strip():
        story.append(heading(_("Mitwirkende"), styles["h1"], toc_level=0))
        story += paragraphs(book.credits_text, styles["body"])
        story += [para(name, styles["small"]) for name in credits]
    if clean_text(book.postscript).strip():
        story.append(CondPageBreak(60 * mm))
        story.append(heading(_("Nachwort"), styles["h1"], toc_level=0))
        story += paragraphs(book.postscript, styles["body"])
    notes = [clean_text(note).strip() for note in book.licence_notes if clean_text(note).strip()]
    if notes:
        story.append(CondPageBreak(50 * mm))
        story.append(heading(_("Bildnachweise und Lizenzen"), styles["h1"], toc_level=0))
        story += [para(note, styles["small"]) for note in notes]
    if story and isinstance(story[-1], PageBreak):
        story.pop()
    return story


def render(book: PrintBook, out, progress: ProgressCallback | None = None) -> None:
    """Write the book as an A5 PDF to ``out`` (path or binary file); see ``render_book_pdf``."""
    tracker = _Progress(progress, book.entry_count)
    tracker.report(0, _("PDF wird vorbereitet"))
    styles = make_styles(base_size=9.5, kind="serif")
    header = " · ".join(
        part for part in (clean_text(book.title).strip(), str(book.year or "")) if part
    )
    doc = NumberedDocTemplate(
        out,
        pagesize=A5,
        margins=PAGE_MARGINS,
        header_text=header,
        cover=True,
        font_kind="serif",
        title=book.title,
        author=book.publisher or book.city_name,
        subject=book.theme,
        on_flowable=tracker,
    )
    doc.build_story(build_story(book, styles))
    tracker.finish()
