"""Print data of a reading book (Lesebuch): the contract between the book models and the PDF.

Plain dataclasses without model imports. ``stadtgedaechtnis.books`` (or whoever builds a book)
fills a :class:`PrintBook` from the database; :func:`render_book_pdf` turns it into an A5 PDF
(see ``stadtgedaechtnis/book_pdf.py``). All texts are plain text as typed by people: they are
escaped by the renderer and never interpreted as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO


@dataclass
class PrintPhoto:
    """A photo for print: JPEG or PNG bytes, already resized (about 1600 px on the long side)."""

    data: bytes
    caption: str = ""
    credit: str = ""
    alt: str = ""


@dataclass
class PrintEntry:
    """One memory in a chapter.

    ``text``: paragraphs separated by blank lines (the edited print text if any, else the story).
    ``attribution``: as the contributor chose, e.g. "Erzählt von Anna M." or "Anonym".
    """

    title: str
    date_text: str = ""
    place: str = ""
    text: str = ""
    attribution: str = ""
    editorial_note: str = ""
    licence: str = ""
    photos: list[PrintPhoto] = field(default_factory=list)


@dataclass
class PrintChapter:
    title: str
    intro: str = ""
    entries: list[PrintEntry] = field(default_factory=list)


@dataclass
class PrintBook:
    """A whole reading book, ready to print.

    ``credits``: contributors as they chose to be named; anonymous ones are not listed by name.
    ``licence_notes``: one line each, e.g. "Fotos: CC BY 4.0 – …".
    """

    title: str
    subtitle: str = ""
    number: int | None = None
    year: int | None = None
    theme: str = ""
    city_name: str = ""
    publisher: str = ""
    foreword: str = ""
    chapters: list[PrintChapter] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    credits_text: str = ""
    postscript: str = ""
    licence_notes: list[str] = field(default_factory=list)
    cover_photo: PrintPhoto | None = None

    @property
    def entry_count(self) -> int:
        return sum(len(chapter.entries) for chapter in self.chapters)


ProgressCallback = Callable[[int, int, str], None]


def render_book_pdf(
    book: PrintBook, out: str | BinaryIO, progress: ProgressCallback | None = None
) -> None:
    """Write ``book`` as an A5 PDF to ``out`` (a path or a binary file object).

    ``progress(done, total, message)`` is called once per entry (and at the end).
    """
    from stadtgedaechtnis.book_pdf import render

    render(book, out, progress=progress)
