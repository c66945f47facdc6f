"""Helpers for reading-book tests: the index page, books with chapters, releases."""

import datetime

from django.utils import timezone

from stadtgedaechtnis.models import BookIndexPage, BookPage, BookRelease


def book_index(home_page) -> BookIndexPage:
    existing = BookIndexPage.objects.child_of(home_page).first()
    if existing is not None:
        return existing
    return home_page.add_child(instance=BookIndexPage(title="Lesebücher", slug="lesebuecher"))


def chapters_value(*chapters) -> list:
    """StreamField data from ``(title, [memory or (memory, note, print_text), ...])`` pairs."""
    data = []
    for title, entries in chapters:
        items = []
        for entry in entries:
            memory, note, print_text = entry if isinstance(entry, tuple) else (entry, "", "")
            items.append({"memory": memory, "note": note, "print_text": print_text})
        data.append(("chapter", {"title": title, "intro": "", "entries": items}))
    return data


def make_book(home_page, *chapters, number=1, title=None, released=False, call=None, **fields):
    """A live book below the index; ``call="open"|"closed"`` sets the call dates."""
    today = timezone.localdate()
    if call == "open":
        fields.update(
            call_opens=today - datetime.timedelta(days=5),
            call_closes=today + datetime.timedelta(days=5),
        )
    elif call == "closed":
        fields.update(
            call_opens=today - datetime.timedelta(days=30),
            call_closes=today - datetime.timedelta(days=1),
        )
    index = book_index(home_page)
    book = index.add_child(
        instance=BookPage(
            title=title or f"Lesebuch {number}",
            slug=f"lesebuch-{number}",
            number=number,
            year=2026,
            chapters=chapters_value(*chapters),
            **fields,
        )
    )
    book.save_revision().publish()
    book.refresh_from_db()
    if released:
        BookRelease.objects.create(book=book)
    return book
