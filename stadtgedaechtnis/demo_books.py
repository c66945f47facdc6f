"""Demo data of the reading books (seed step 110): an open call and one released book.

Idempotent: the index page and the books are looked up by slug before they are created. Uses the
demo memories of seed step 100 (published and allowed in print).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from stadtgedaechtnis.models import BookIndexPage, BookPage, BookRelease, Memory, Status, Theme

INDEX_INTRO = (
    "<p>Alle ein bis zwei Jahre erscheint ein gedrucktes Lesebuch mit Erinnerungen aus dem "
    "Stadtgedächtnis – jedes zu einem Thema. Hier finden Sie die erschienenen Bücher und den "
    "aktuellen Aufruf.</p>"
)
CALL_INTRO = (
    "<p>Wie war Ihre Schulzeit? Wo haben Sie gespielt, was war verboten, wer war Ihre "
    "Lieblingslehrerin? Für unser nächstes Lesebuch suchen wir Ihre Erinnerungen an Kindheit "
    "und Schule in unserer Stadt.</p>"
)
FOREWORD = (
    "<p>Dieses Lesebuch versammelt Erinnerungen an Arbeit und Alltag, erzählt von Menschen aus "
    "unserer Stadt. Alle Beiträge dieser Demo sind erfunden.</p>"
)
POSTSCRIPT = "<p>Danke an alle, die erzählt haben. Das nächste Lesebuch ist schon in Arbeit.</p>"

CHAPTERS = [
    ("Werkstätten und Läden", ["arbeit-handwerk", "handel-gastronomie"]),
    ("Unterwegs in der Stadt", ["verkehr", "bauten-plaetze"]),
]


def seed(context) -> None:
    home = context["home"]
    with transaction.atomic():
        index = BookIndexPage.objects.child_of(home).first()
        if index is None:
            index = home.add_child(
                instance=BookIndexPage(
                    title="Lesebücher", slug="lesebuecher", intro=INDEX_INTRO, show_in_menus=True
                )
            )
        context.setdefault("pages", {})["lesebuecher"] = index
        _released_book(index)
        _open_call(index)


def _placeable(theme_slugs, used, limit=3):
    memories = (
        Memory.objects.filter(status=Status.PUBLISHED, print_allowed=True)
        .filter(themes__slug__in=theme_slugs)
        .exclude(pk__in=used)
        .distinct()
        .order_by("date_from", "pk")[:limit]
    )
    return list(memories)


def _released_book(index) -> None:
    if BookPage.objects.filter(slug="arbeit-und-alltag").exists():
        return
    used: set[int] = set()
    chapters = []
    for title, slugs in CHAPTERS:
        memories = _placeable(slugs, used)
        used.update(m.pk for m in memories)
        entries = [{"memory": m, "note": "", "print_text": ""} for m in memories]
        if entries:
            entries[0]["note"] = "Die Redaktion dankt für die Fotos aus dem Familienalbum."
        chapters.append(("chapter", {"title": title, "intro": "", "entries": entries}))
    book = index.add_child(
        instance=BookPage(
            title="Arbeit und Alltag",
            slug="arbeit-und-alltag",
            number=1,
            year=timezone.localdate().year - 1,
            subtitle="Erinnerungen an Werkstätten, Läden und Wege",
            theme=Theme.objects.filter(slug="arbeit-handwerk").first(),
            foreword=FOREWORD,
            chapters=chapters,
            credits_text="<p>Gestaltung und Redaktion: die Redaktion des Stadtgedächtnisses.</p>",
            postscript=POSTSCRIPT,
        )
    )
    book.save_revision().publish()
    BookRelease.objects.get_or_create(book=book)


def _open_call(index) -> None:
    if BookPage.objects.filter(slug="kindheit-und-schule").exists():
        return
    today = timezone.localdate()
    book = index.add_child(
        instance=BookPage(
            title="Kindheit und Schule",
            slug="kindheit-und-schule",
            number=2,
            year=today.year + 1,
            subtitle="Ein Aufruf für unser nächstes Lesebuch",
            theme=Theme.objects.filter(slug="kindheit-schule").first(),
            call_intro=CALL_INTRO,
            call_opens=today - datetime.timedelta(days=14),
            call_closes=today + datetime.timedelta(days=120),
        )
    )
    book.save_revision().publish()
