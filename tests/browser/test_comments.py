"""Comments in a real browser: a resident posts a comment and a reply by keyboard; axe is clean.

civic has no commentable model of its own: the test makes a NewsPage commentable for its duration
(see tests/civic/test_comments.py for the fixtures' idea).
"""

import datetime
import re

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from tests.browser.helpers import assert_clean_console, assert_no_axe_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def commentable_news(civic_site, monkeypatch):
    from civic.comments import register_commentable, unregister_commentable
    from civic.models import NewsIndexPage, NewsPage
    from tests.civic.test_comments import _templates_setting

    monkeypatch.setattr(
        NewsPage,
        "can_comment",
        lambda self, user: user.has_perm("civic.participate"),
        raising=False,
    )
    monkeypatch.setattr(NewsPage, "get_absolute_url", lambda self: self.url, raising=False)
    monkeypatch.setattr(NewsPage, "template", "tests/commentable_news_page.html")
    register_commentable(NewsPage, premoderated=False)
    index = civic_site.home.add_child(
        instance=NewsIndexPage(title="Aktuelles", slug="aktuelles", show_in_menus=True)
    )
    article = index.add_child(
        instance=NewsPage(
            title="Das Rathaus wird digital",
            slug="rathaus-digital",
            date=datetime.date(2026, 11, 2),
            intro="Was halten Sie davon?",
        )
    )
    with override_settings(TEMPLATES=_templates_setting()):
        yield article
    unregister_commentable(NewsPage)


def test_resident_comments_and_replies_by_keyboard(page, civic_site, commentable_news, console_log):
    from tests.civic.test_roles import make_user

    resident = make_user("resident")
    log_in(page, civic_site, resident)
    response = page.goto(civic_site.url(commentable_news.url))
    assert response.status == 200
    expect(page.get_by_role("heading", name="0 Kommentare")).to_be_visible()
    assert_no_axe_violations(page)

    # The comment: type, tick the follow-up box with the space bar, submit with Enter.
    page.get_by_label("Ihr Kommentar").focus()
    page.keyboard.type("Endlich Termine online buchen!")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")

    expect(page).to_have_url(re.compile(r"#c\d+$"))
    expect(page.get_by_text("Ihr Kommentar wurde veröffentlicht.")).to_be_visible()
    expect(page.get_by_role("heading", name="1 Kommentar")).to_be_visible()
    expect(page.locator(".comment__text")).to_have_text("Endlich Termine online buchen!")
    assert resident.email not in page.content()
    assert_no_axe_violations(page)

    # The reply: open "Antworten" with Enter, type, submit with Enter on the button.
    page.locator(".comment__reply summary").first.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.locator(".comment__reply textarea").first).to_be_focused()
    page.keyboard.type("Und Anträge bitte auch.")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")

    expect(page.get_by_role("heading", name="2 Kommentare")).to_be_visible()
    reply = page.locator(".comment-list--replies .comment__text")
    expect(reply).to_have_text("Und Anträge bitte auch.")
    assert_no_axe_violations(page)
    assert_clean_console(page, console_log)


def test_logged_out_visitors_see_the_login_hint(page, civic_site, commentable_news, console_log):
    page.goto(civic_site.url(commentable_news.url))
    expect(page.get_by_role("link", name="melden Sie sich an")).to_be_visible()
    expect(page.get_by_label("Ihr Kommentar")).to_have_count(0)
    assert_no_axe_violations(page)
    assert_clean_console(page, console_log)
