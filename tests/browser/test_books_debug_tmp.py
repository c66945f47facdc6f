import pytest
from tests.browser.helpers import log_in
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def test_dump(page, civic_site):
    from civic.roles import EDITORS, assign_role
    from tests.civic.factories import UserFactory
    from tests.stadtgedaechtnis.factories import MemoryFactory
    from tests.stadtgedaechtnis.factories_books import make_book
    MemoryFactory(title="Am Brunnen", print_allowed=True)
    book = make_book(civic_site.home, title="Mein kleines Lesebuch")
    editor = UserFactory(display_name="Erika Redaktion")
    assign_role(editor, EDITORS)
    log_in(page, civic_site, editor)
    page.goto(civic_site.url(f"/admin/pages/{book.pk}/edit/"))
    page.get_by_role("tab", name="Buch").click()
    open("/tmp/books_dump1.html", "w").write(page.locator("[data-contentpath='chapters']").first.evaluate("e => e.outerHTML"))
    page.locator("[data-contentpath='chapters'] button").first.click()
    page.wait_for_timeout(1000)
    open("/tmp/books_dump2.html", "w").write(page.locator("[data-contentpath='chapters']").first.evaluate("e => e.outerHTML"))
    page.screenshot(path="/tmp/books_dump2.png", full_page=True)
