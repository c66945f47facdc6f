"""The shared PDF building blocks (civic/pdf.py), checked by re-reading the PDFs with pypdf."""

import io

import pypdf
import pytest
from PIL import Image as PILImage
from reportlab.lib.pagesizes import A4
from reportlab.platypus import NextPageTemplate, PageBreak

from civic.pdf import (
    NumberedDocTemplate,
    bar_chart,
    clean_text,
    data_table,
    format_value,
    heading,
    make_styles,
    markup,
    para,
    paragraphs,
    scaled_image,
    split_paragraphs,
)


def build(story, **kwargs) -> pypdf.PdfReader:
    out = io.BytesIO()
    NumberedDocTemplate(out, **kwargs).build_story(story)
    return pypdf.PdfReader(io.BytesIO(out.getvalue()))


def texts(reader) -> list[str]:
    return [page.extract_text() or "" for page in reader.pages]


def image_bytes(size, fmt="JPEG"):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, (10, 120, 200)).save(buffer, fmt)
    return buffer.getvalue()


def test_markup_escapes_user_text_and_keeps_line_breaks():
    assert markup("a <b>fett</b> & <img src='x'/>") == (
        "a &lt;b&gt;fett&lt;/b&gt; &amp; &lt;img src='x'/&gt;"
    )
    assert markup("  eins\r\nzwei  ") == "eins<br/>zwei"
    assert clean_text("a\x00b\x1bc\td") == "abc d"
    assert clean_text(None) == ""


def test_paragraphs_split_at_blank_lines():
    assert split_paragraphs("Eins\nnoch eins\n\n \n\nZwei\n") == ["Eins\nnoch eins", "Zwei"]
    assert split_paragraphs("") == []


def test_markup_is_printed_literally():
    styles = make_styles()
    text = 'Omas <b>Küche</b> & "Keller" <font color=red>rot</font>'
    reader = build([para(text, styles["body"]), *paragraphs("A & B\n\nC < D", styles["body"])])
    page = texts(reader)[0]
    assert text in page
    assert "A & B" in page and "C < D" in page


def test_footer_counts_pages_and_cover_has_none():
    styles = make_styles()
    story = [para("Deckblatt", styles["title"]), NextPageTemplate("page"), PageBreak()]
    for n in range(1, 4):
        story += [heading(f"Teil {n}", styles["h1"]), para("Text", styles["body"]), PageBreak()]
    story.pop()
    reader = build(story, cover=True, header_text="Kopfzeile", footer_text="Fußzeile")
    pages = texts(reader)
    assert len(pages) == 4
    assert "Seite" not in pages[0] and "Kopfzeile" not in pages[0]
    for number, text in enumerate(pages[1:], start=2):
        assert f"Seite {number} von 4" in text
        assert "Kopfzeile" in text and "Fußzeile" in text
    # Bookmarks point at the pages the headings stand on (not all at page 1).
    outline = {item.title: reader.get_destination_page_number(item) for item in reader.outline}
    assert outline == {"Teil 1": 1, "Teil 2": 2, "Teil 3": 3}


def test_scaled_image_keeps_aspect_ratio_and_refuses_junk():
    image = scaled_image(image_bytes((800, 400)), 200, 200)
    assert (image.width, image.height) == pytest.approx((200, 100))
    tall = scaled_image(image_bytes((300, 900), "PNG"), 200, 150)
    assert (tall.width, tall.height) == pytest.approx((50, 150))
    assert scaled_image(b"kein Bild", 100, 100) is None
    assert scaled_image(None, 100, 100) is None


def test_same_photo_twice_is_stored_once():
    data = image_bytes((400, 300))
    story = [scaled_image(data, 200, 200), scaled_image(data, 100, 100)]
    out = io.BytesIO()
    NumberedDocTemplate(out).build_story(story)
    reader = pypdf.PdfReader(io.BytesIO(out.getvalue()))
    xobjects = reader.pages[0]["/Resources"]["/XObject"]
    assert len(xobjects) == 1
    assert len(reader.pages[0].images) == 1


def test_long_table_repeats_its_header_on_every_page():
    styles = make_styles()
    rows = [["Name", "Wert"]] + [[f"Zeile {i}", i * 1000] for i in range(150)]
    reader = build([data_table(rows, styles, numeric_cols=(1,))], pagesize=A4)
    pages = texts(reader)
    assert len(pages) > 1
    for text in pages:
        assert "Name" in text and "Wert" in text
    whole = "\n".join(pages)
    assert "Zeile 149" in whole
    assert "149.000" in whole  # German thousands separator


def test_bar_chart_shows_labels_and_values_in_order():
    items = [("Mobilität", 12), ("Bildung <b>", 7), ("Verwaltung & Service", 1234)]
    chart = bar_chart(items, width=400, title="Vorschläge je Feld")
    reader = build([chart])
    text = texts(reader)[0]
    assert "Vorschläge je Feld" in text
    for label, value in items:
        assert label in text
        assert format_value(value) in text
    # Taller with more bars; an empty chart still draws.
    assert bar_chart(items * 3, width=400).height > chart.height
    build([bar_chart([], width=300)])


def test_format_value_is_german():
    assert format_value(1234567) == "1.234.567"
    assert format_value(2.5) == "2,5"
    assert format_value(1234.5) == "1.234,5"
    assert format_value(None) == "–"
    assert format_value(True) == "ja"
