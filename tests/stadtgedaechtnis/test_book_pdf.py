"""The reading book PDF (stadtgedaechtnis.book_pdf), re-read with pypdf."""

import io
import re

import pypdf
import pytest
from PIL import Image as PILImage

from stadtgedaechtnis.book_print import (
    PrintBook,
    PrintChapter,
    PrintEntry,
    PrintPhoto,
    render_book_pdf,
)

A5_POINTS = (419.5, 595.3)


def photo_bytes(colour, size=(320, 200), fmt="JPEG"):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, fmt)
    return buffer.getvalue()


def entry(title, **kwargs):
    defaults = {
        "date_text": "Sommer 1962",
        "place": "Marktplatz",
        "text": f"Erster Absatz zu {title}.\n\nZweiter Absatz zu {title}.",
        "attribution": "Erzählt von Anna M.",
        "licence": "CC BY 4.0",
    }
    defaults.update(kwargs)
    return PrintEntry(title=title, **defaults)


def make_book(**kwargs):
    # Titles deliberately not in alphabetical order: the book keeps the editors' order.
    chapters = [
        PrintChapter(
            title="Zwischen den Kriegen",
            intro="Wie es früher war.",
            entries=[
                entry(
                    "Zuckertüte am ersten Schultag",
                    photos=[
                        PrintPhoto(photo_bytes((200, 30, 30)), caption="Die Tüte", credit="Privat")
                    ],
                ),
                entry("Am Brunnen", attribution="Anonym"),
            ],
        ),
        PrintChapter(
            title="Aufbruch",
            intro="",
            entries=[
                entry(
                    "Mopedfahrt nach Rodach",
                    photos=[
                        PrintPhoto(photo_bytes((30, 200, 30)), caption="Das Moped", credit="B. K."),
                        PrintPhoto(photo_bytes((30, 30, 200), fmt="PNG"), caption="Unterwegs"),
                    ],
                ),
                entry("Eisdiele Venezia", editorial_note="Der Text wurde gekürzt."),
            ],
        ),
    ]
    data = {
        "title": "Kindheit in der Stadt",
        "subtitle": "Erinnerungen aus acht Jahrzehnten",
        "number": 4,
        "year": 2026,
        "theme": "Kindheit",
        "city_name": "Musterstadt",
        "publisher": "Stadtarchiv Musterstadt",
        "foreword": "Liebe Leserinnen und Leser,\n\ndieses Buch erzählt.",
        "chapters": chapters,
        "credits": ["Anna M.", "Bernd K."],
        "credits_text": "Wir danken allen, die erzählt haben.",
        "postscript": "Das Stadtarchiv sammelt weiter.",
        "licence_notes": ["Texte: CC BY 4.0", "Fotos: wie angegeben"],
        "cover_photo": PrintPhoto(photo_bytes((120, 120, 120), size=(400, 300)), caption="Titel"),
    }
    data.update(kwargs)
    return PrintBook(**data)


def render(book, **kwargs):
    out = io.BytesIO()
    render_book_pdf(book, out, **kwargs)
    return pypdf.PdfReader(io.BytesIO(out.getvalue()))


def page_texts(reader):
    return [page.extract_text() or "" for page in reader.pages]


def first_page_with(texts, needle, start=0):
    for number, text in enumerate(texts[start:], start=start + 1):
        if needle in text:
            return number
    raise AssertionError(f"{needle!r} not found")


def test_pages_are_a5_with_page_numbers_out_of_total():
    reader = render(make_book())
    texts = page_texts(reader)
    total = len(reader.pages)
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(A5_POINTS[0], abs=0.5)
        assert float(page.mediabox.height) == pytest.approx(A5_POINTS[1], abs=0.5)
    # The cover has no footer; every other page says which page of how many it is.
    assert "Seite" not in texts[0]
    for number, text in enumerate(texts[1:], start=2):
        assert f"Seite {number} von {total}" in text


def test_cover_shows_title_number_year_theme_and_city():
    texts = page_texts(render(make_book()))
    cover = texts[0]
    for needle in (
        "Kindheit in der Stadt",
        "Lesebuch Nr. 4",
        "2026",
        "Thema: Kindheit",
        "Musterstadt",
    ):
        assert needle in cover


def test_chapters_and_entries_keep_their_order():
    book = make_book()
    texts = page_texts(render(book))
    body = "\n".join(texts[2:])  # after cover and table of contents
    expected = ["Vorwort"]
    for chapter in book.chapters:
        expected.append(chapter.title)
        expected += [e.title for e in chapter.entries]
    expected += ["Mitwirkende", "Nachwort", "Bildnachweise und Lizenzen"]
    positions = [body.index(title) for title in expected]
    assert positions == sorted(positions)
    # Each entry's paragraphs follow its title, before the next entry.
    first = body.index("Erster Absatz zu Am Brunnen")
    assert body.index("Am Brunnen") < first < body.index("Zweiter Absatz zu Am Brunnen")
    assert body.index("Zweiter Absatz zu Am Brunnen") < body.index("Aufbruch")


def test_table_of_contents_lists_headings_with_their_real_page_numbers():
    book = make_book()
    reader = render(book)
    texts = page_texts(reader)
    toc = texts[1]
    assert "Inhalt" in toc
    headings = ["Vorwort"]
    for chapter in book.chapters:
        headings.append(chapter.title)
        headings += [e.title for e in chapter.entries]
    headings += ["Mitwirkende", "Nachwort", "Bildnachweise und Lizenzen"]
    positions = [toc.index(h) for h in headings]
    assert positions == sorted(positions)
    # The page numbers the table prints (dot leaders, then the number), in order, are the pages
    # on which the headings really stand.
    printed = [int(n) for n in re.findall(r"^[ .]+?(\d+)\s*$", toc, flags=re.M)]
    actual = []
    for heading in headings:
        actual.append(first_page_with(texts, heading, start=2))
    assert printed == actual
    # The outline (bookmarks) has the chapters with their entries below them.
    outline_titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert outline_titles[:4] == ["Inhalt", "Vorwort", "Zwischen den Kriegen", "Aufbruch"]


def test_photos_are_embedded_with_captions_and_credits():
    book = make_book()
    reader = render(book)
    text = "\n".join(page_texts(reader))
    photos_in_entries = sum(len(e.photos) for c in book.chapters for e in c.entries)
    images = sum(len(page.images) for page in reader.pages)
    assert images == photos_in_entries + 1  # plus the cover photo
    assert "Die Tüte – Foto: Privat" in text
    assert "Das Moped – Foto: B. K." in text
    assert "Unterwegs" in text


def test_attribution_editorial_note_and_credits():
    book = make_book()
    texts = page_texts(render(book))
    body = "\n".join(texts[2:])
    brunnen = body.index("Am Brunnen")
    # The anonymous entry says "Anonym" and carries no name.
    segment = body[brunnen : body.index("Aufbruch")]
    assert "Anonym" in segment
    assert "Anna M." not in segment
    assert "Anmerkung der Redaktion: Der Text wurde gekürzt." in body
    credits = body[body.index("Mitwirkende") :]
    assert credits.index("Anna M.") < credits.index("Bernd K.")
    assert "Wir danken allen, die erzählt haben." in credits


def test_user_text_is_printed_literally_not_as_markup():
    tricky = 'Omas <b>Küche</b> & "mehr" <img src="x"/> &amp; <para>'
    book = make_book(
        title="Buch <i>kursiv</i> & Co",
        chapters=[
            PrintChapter(
                title="Kapitel <font size=40>groß</font>",
                entries=[entry(tricky, text=f"Text mit {tricky}\nneue Zeile", attribution="A & B")],
            )
        ],
    )
    reader = render(book)
    texts = page_texts(reader)
    whole = " ".join("\n".join(texts).split())  # lines may wrap anywhere
    assert tricky in " ".join(texts[1].split())  # table of contents
    assert f"Text mit {tricky}" in whole
    assert "Kapitel <font size=40>groß</font>" in whole
    assert "Buch <i>kursiv</i> & Co" in texts[0]
    assert "A & B" in whole


def test_control_characters_and_broken_photos_do_not_break_the_book():
    book = make_book(
        chapters=[
            PrintChapter(
                title="Kapitel",
                entries=[
                    entry(
                        "Kaputtes Bild",
                        text="Zeile\x00mit\x0bSteuerzeichen\r\nund Windows-Zeilenende",
                        photos=[
                            PrintPhoto(b"not an image", caption="fehlt"),
                            PrintPhoto(b"", caption="leer"),
                        ],
                    )
                ],
            )
        ],
        cover_photo=None,
    )
    reader = render(book)
    whole = "\n".join(page_texts(reader))
    assert "Kaputtes Bild" in whole
    assert "Windows-Zeilenende" in whole
    assert sum(len(page.images) for page in reader.pages) == 0


def test_german_typography_survives_with_the_fonts_pip_installs():
    """Without any system font (the fallback fonts come with reportlab), German text, typographic
    quotes, dashes and the euro sign print as written."""
    text = "„Grüße aus der Spitalgasse“ – Straßenfest für 5 € … ÄÖÜ äöü ß"
    book = make_book(chapters=[PrintChapter(title="Überschrift mit Ümlaut", entries=[entry(text)])])
    whole = "\n".join(page_texts(render(book)))
    assert "Überschrift mit Ümlaut" in whole
    assert text in whole


def test_progress_is_reported_per_entry_and_ends_complete(tmp_path):
    book = make_book()
    calls = []
    path = tmp_path / "buch.pdf"
    render_book_pdf(
        book, str(path), progress=lambda done, total, msg="": calls.append((done, total))
    )
    assert pypdf.PdfReader(str(path)).pages  # written to a path as well
    totals = {total for _done, total in calls}
    assert len(totals) == 1
    total = totals.pop()
    dones = [done for done, _total in calls]
    assert dones == sorted(dones)
    assert dones[0] == 0 and dones[-1] == total
    # At least one report per entry and layout pass.
    assert len(calls) >= book.entry_count + 2


def test_empty_sections_are_left_out():
    book = PrintBook(
        title="Schmal", chapters=[PrintChapter(title="Eins", entries=[entry("Nur eine")])]
    )
    whole = "\n".join(page_texts(render(book)))
    for absent in ("Vorwort", "Mitwirkende", "Nachwort", "Bildnachweise", "Lesebuch Nr."):
        assert absent not in whole
    assert "Nur eine" in whole
