"""Reading books in a real browser: an editor composes a small book in the Wagtail admin (chooses
memories, orders them), generates its PDF and downloads it; the public book page passes axe."""

import io
import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_clean_console, assert_no_axe_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _memories():
    from tests.stadtgedaechtnis.factories import MemoryFactory

    return [
        MemoryFactory(title=title, print_allowed=True, contributor_name=name)
        for title, name in (
            ("Am Brunnen vor dem Tore", "Anna Brunner"),
            ("Die Bäckerei am Eck", "Berta Beck"),
            ("Nicht für den Druck", "Carl Carlsen"),
        )
    ]


def _choose_memory(page, entry, title):
    entry.get_by_role("button", name="Erinnerung wählen").click()
    modal = page.locator(".modal-dialog")
    expect(modal).to_be_visible()
    modal.get_by_role("link", name=title).click()
    expect(modal).to_be_hidden()
    expect(entry).to_contain_text(title)


def test_editor_composes_a_book_and_downloads_its_pdf(page, civic_site, console_log):
    from civic.roles import EDITORS, assign_role
    from stadtgedaechtnis.models import BookPage, Memory
    from tests.civic.factories import UserFactory
    from tests.stadtgedaechtnis.factories_books import make_book

    brunnen, baeckerei, hidden = _memories()
    Memory.objects.filter(pk=hidden.pk).update(print_allowed=False)
    book = make_book(civic_site.home, title="Mein kleines Lesebuch")
    editor = UserFactory(display_name="Erika Redaktion")
    assign_role(editor, EDITORS)
    log_in(page, civic_site, editor)

    page.goto(civic_site.url(f"/admin/pages/{book.pk}/edit/"))
    page.get_by_role("tab", name="Buch").click()
    chapters = page.locator("[data-contentpath='chapters']").first
    chapters.get_by_role("button", name=re.compile("Block einfügen")).first.click()
    chapter = chapters.locator("[data-streamfield-child]").first
    chapter.get_by_label("Kapitelüberschrift").fill("Rund um den Markt")

    # A new chapter starts with one empty entry; choose a memory for it.
    entries = chapter.locator("[data-contentpath='entries'] [data-streamfield-child]")
    expect(entries).to_have_count(1)
    _choose_memory(page, entries.nth(0), "Am Brunnen vor dem Tore")

    # A second entry: the chooser offers only memories that may be printed.
    chapter.locator("[data-contentpath='entries']").get_by_role(
        "button", name="Hinzufügen"
    ).last.click()
    expect(entries).to_have_count(2)
    entries.nth(1).get_by_role("button", name="Erinnerung wählen").click()
    modal = page.locator(".modal-dialog")
    expect(modal.get_by_role("link", name="Die Bäckerei am Eck")).to_be_visible()
    expect(modal.get_by_text("Nicht für den Druck")).to_have_count(0)
    modal.get_by_role("link", name="Die Bäckerei am Eck").click()
    expect(modal).to_be_hidden()
    expect(entries.nth(1)).to_contain_text("Die Bäckerei am Eck")

    # Put the bakery first.
    entries.nth(1).get_by_role("button", name="Nach oben").click()
    expect(entries.nth(0)).to_contain_text("Die Bäckerei am Eck")

    footer = page.locator("footer")
    footer.locator("[data-w-dropdown-target='toggle']").last.click()
    footer.get_by_role("button", name="Veröffentlichen").click()
    expect(page.locator(".messages")).to_contain_text("veröffentlicht")

    book = BookPage.objects.get(pk=book.pk)
    titles = [e["memory"].title for c in book.chapters for e in c.value["entries"]]
    assert titles == ["Die Bäckerei am Eck", "Am Brunnen vor dem Tore"]

    # Generate the PDF (the immediate task backend runs the job at once) and download it.
    page.goto(civic_site.url(f"/admin/pages/{book.pk}/edit/"))
    page.goto(civic_site.url(f"/admin/stadtgedaechtnis/lesebuecher/{book.pk}/pdf/"))
    page.get_by_role("button", name="PDF erzeugen").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("herunterladen|Herunterladen")).first.click()
    data = open(download_info.value.path(), "rb").read()
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    text = re.sub(r"\s+", " ", text)
    start = text.rfind("Rund um den Markt")
    assert 0 <= start
    body = text[start:]
    assert body.find("Die Bäckerei am Eck") < body.find("Am Brunnen vor dem Tore")
    assert "Nicht für den Druck" not in text
    assert_clean_console(page, console_log)


def test_released_book_page_is_accessible(page, civic_site, console_log):
    from wagtail.models import Collection

    from tests.stadtgedaechtnis.factories import MemoryPhotoFactory
    from tests.stadtgedaechtnis.factories_books import make_book

    if not Collection.objects.exists():  # the transactional flush removed the root collection
        Collection.add_root(name="Root")
    brunnen, baeckerei, _hidden = _memories()
    MemoryPhotoFactory(memory=brunnen)
    book = make_book(
        civic_site.home,
        ("Rund um den Markt", [baeckerei, (brunnen, "Anmerkung der Redaktion", "")]),
        title="Mein kleines Lesebuch",
        released=True,
        foreword="<p>Ein Vorwort.</p>",
    )
    page.goto(civic_site.url(book.url))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mein kleines Lesebuch")
    expect(page.get_by_role("heading", name="Die Bäckerei am Eck")).to_be_visible()
    assert_no_axe_violations(page)
    assert_clean_console(page, console_log)


def test_book_call_page_is_accessible(page, civic_site, console_log):
    from tests.stadtgedaechtnis.factories_books import book_index, make_book

    book = make_book(
        civic_site.home, title="Kindheit und Schule", call="open", call_intro="<p>Erzählen!</p>"
    )
    page.goto(civic_site.url(book_index(civic_site.home).url))
    expect(page.get_by_role("link", name="Kindheit und Schule")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Kindheit und Schule").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kindheit und Schule")
    assert_no_axe_violations(page)
    assert_clean_console(page, console_log)
    # The button leads to the tell form, which names the call (its map tiles come from outside
    # servers that do not load here, so the console is not checked there).
    page.get_by_role("link", name="Erinnerung zum Aufruf erzählen").click()
    expect(page.locator(".messages")).to_contain_text("zum Aufruf „Kindheit und Schule“")
    assert page.url.endswith(f"/erzaehlen/?aufruf={book.pk}")
