"""The public site in a real browser: German first, accessible (axe), no CSP violations."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import ARTIFACTS_DIR, assert_clean_console, assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "ein-sicheres-Passwort-42"


@pytest.fixture
def content(civic_site):
    """A content page with every text block, and "Aktuelles" with two articles."""
    from civic.models import NewsIndexPage, NewsPage, StandardPage

    home = civic_site.home
    standard = home.add_child(
        instance=StandardPage(
            title="Digitale Agenda",
            slug="digitale-agenda",
            show_in_menus=True,
            intro="Wie die Stadt digitaler wird – und wie Sie mitreden.",
            body=[
                ("heading", {"text": "Worum es geht", "level": "h2"}),
                (
                    "paragraph",
                    "<p>Die Stadt lädt alle ein, die <b>Digitalisierung</b> mitzugestalten.</p>"
                    "<ul><li>Vorschläge einreichen</li><li>Abstimmen</li></ul>",
                ),
                ("heading", {"text": "Der Zeitplan", "level": "h3"}),
                (
                    "quote",
                    {
                        "quote": "Keine Antwort ist die schlechteste Antwort.",
                        "attribution": "Steuerungsgruppe Digitale Agenda",
                    },
                ),
                (
                    "call_to_action",
                    {
                        "title": "Machen Sie mit!",
                        "text": "Ihre Ideen machen unsere Stadt digitaler.",
                        "link": {"page": civic_site.privacy, "url": ""},
                        "button_label": "Vorschlag einreichen",
                    },
                ),
                (
                    "accordion",
                    {
                        "heading": "Häufige Fragen",
                        "items": [
                            {
                                "question": "Wer kann mitmachen?",
                                "answer": "<p>Alle, die hier leben, arbeiten oder lernen.</p>",
                            },
                            {"question": "Was kostet es?", "answer": "<p>Nichts.</p>"},
                        ],
                    },
                ),
            ],
        )
    )
    news_index = home.add_child(
        instance=NewsIndexPage(
            title="Aktuelles",
            slug="aktuelles",
            show_in_menus=True,
            intro="Neuigkeiten aus der Beteiligung.",
        )
    )
    articles = [
        news_index.add_child(
            instance=NewsPage(
                title=title,
                slug=slug,
                date=date,
                intro=intro,
                body=[("paragraph", f"<p>{intro} Mehr dazu im Rathaus.</p>")],
            )
        )
        for title, slug, date, intro in [
            (
                "Die erste Runde beginnt",
                "erste-runde",
                datetime.date(2026, 11, 2),
                "Ab heute können alle Vorschläge einreichen.",
            ),
            (
                "Stadtgedächtnis eröffnet",
                "stadtgedaechtnis-eroeffnet",
                datetime.date(2026, 10, 15),
                "Erzählen Sie, wie es früher in Ihrem Viertel war.",
            ),
        ]
    ]
    return {"standard": standard, "news_index": news_index, "article": articles[0]}


def open_page(page, url):
    response = page.goto(url)
    assert response is not None and response.status == 200, (
        f"{url}: HTTP {response and response.status}"
    )
    page.wait_for_load_state("load")
    return response


def assert_german(page):
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("link", name="Zum Inhalt springen")).to_have_count(1)


# --------------------------------------------------------------------------------------------
# Every public page: German, accessible, no CSP violation


def test_home_page(page, civic_site, console_log):
    open_page(page, civic_site.url("/"))
    assert_german(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Musterstadt gestalten")
    expect(page.get_by_role("link", name="Zur Digitalen Agenda")).to_be_visible()
    footer = page.get_by_role("navigation", name="Rechtliches")
    for label in ("Impressum", "Datenschutz", "Erklärung zur Barrierefreiheit"):
        expect(footer.get_by_role("link", name=label)).to_be_visible()
    assert_no_axe_violations(page)
    assert_clean_console(page, console_log)


def test_home_page_screenshots(page, civic_site, content, console_log):
    """Screenshots for people to look at (tests/browser/artifacts/, not committed)."""
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    open_page(page, civic_site.url("/"))
    expect(page.get_by_role("heading", name="Aktuelles")).to_be_visible()
    page.screenshot(path=ARTIFACTS_DIR / "home.png", full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.screenshot(path=ARTIFACTS_DIR / "home-mobile.png", full_page=True)
    assert (ARTIFACTS_DIR / "home.png").stat().st_size > 10_000
    assert (ARTIFACTS_DIR / "home-mobile.png").stat().st_size > 10_000
    assert_clean_console(page, console_log)


def test_home_page_on_a_phone(page, civic_site, content, console_log):
    """At 390 px the main menu folds behind a button that tells its state."""
    page.set_viewport_size({"width": 390, "height": 844})
    open_page(page, civic_site.url("/"))
    toggle = page.get_by_role("button", name="Menü")
    menu = page.get_by_role("navigation", name="Hauptnavigation")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("link", name="Aktuelles")).to_be_visible()
    assert_no_axe_violations(page)
    assert_clean_console(page, console_log)


def test_standard_page_with_blocks(page, civic_site, content, console_log):
    open_page(page, civic_site.url(content["standard"].url))
    assert_german(page)
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Digitale Agenda")
    expect(main.get_by_role("heading", level=2, name="Worum es geht")).to_be_visible()
    expect(main.get_by_role("heading", level=3, name="Der Zeitplan")).to_be_visible()
    expect(main.locator("blockquote")).to_contain_text("Keine Antwort ist die schlechteste")
    cta = main.get_by_role("link", name="Vorschlag einreichen")
    expect(cta).to_have_attribute("href", re.compile(r"/datenschutz/$"))
    # The accordion opens with the keyboard, without any script.
    question = main.get_by_text("Wer kann mitmachen?")
    answer = main.get_by_text("Alle, die hier leben, arbeiten oder lernen.")
    expect(answer).to_be_hidden()
    question.focus()
    page.keyboard.press("Enter")
    expect(answer).to_be_visible()
    expect(page.get_by_role("navigation", name="Sie sind hier")).to_contain_text("Startseite")
    assert_no_axe_violations(page)
    assert_clean_console(page, console_log)


def test_news_index_and_article(page, civic_site, content, console_log):
    open_page(page, civic_site.url(content["news_index"].url))
    assert_german(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Aktuelles")
    titles = page.get_by_role("main").get_by_role("heading", level=2)
    expect(titles).to_have_text(["Die erste Runde beginnt", "Stadtgedächtnis eröffnet"])
    expect(page.get_by_role("main")).to_contain_text("2. November 2026")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Die erste Runde beginnt").click()
    page.wait_for_url(re.compile(r"/aktuelles/erste-runde/$"))
    assert_german(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Die erste Runde beginnt")
    expect(page.locator("time")).to_have_attribute("datetime", "2026-11-02")
    expect(page.get_by_role("link", name="Alle Nachrichten")).to_be_visible()
    assert_no_axe_violations(page)
    assert_clean_console(page, console_log)


def test_legal_page(page, civic_site, console_log):
    open_page(page, civic_site.url("/"))
    page.get_by_role("link", name="Erklärung zur Barrierefreiheit").click()
    page.wait_for_url(re.compile(r"/barrierefreiheit/$"))
    assert_german(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Erklärung zur Barrierefreiheit")
    assert_no_axe_violations(page)
    assert_clean_console(page, console_log)


@pytest.mark.parametrize(
    "path, heading",
    [("/konto/signup/", re.compile(r"Registrier")), ("/konto/login/", re.compile(r"Anmeld"))],
    ids=["signup", "login"],
)
def test_account_pages(page, civic_site, console_log, path, heading):
    open_page(page, civic_site.url(path))
    assert_german(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(email_field(page, "login" if "login" in path else "email")).to_be_visible()
    assert_no_axe_violations(page)
    assert_clean_console(page, console_log)


def test_english_home_page(page, civic_site, console_log):
    open_page(page, civic_site.url("/en/"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    language = page.get_by_role("link", name=re.compile(r"^DE\b"))
    expect(language).to_have_attribute("hreflang", "de")
    assert_no_axe_violations(page)
    assert_clean_console(page, console_log)


# --------------------------------------------------------------------------------------------
# Keyboard


def test_skip_link_is_first_and_moves_focus_to_main(page, civic_site, content, console_log):
    open_page(page, civic_site.url(content["standard"].url))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Zum Inhalt springen")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # The next Tab continues inside the content, not back in the header.
    page.keyboard.press("Tab")
    in_main = page.evaluate("() => document.querySelector('main').contains(document.activeElement)")
    assert in_main, "Tab after the skip link left <main>"
    assert_clean_console(page, console_log)


# --------------------------------------------------------------------------------------------
# Sign-up with e-mail confirmation


def field(page, name, label):
    """The form field called ``name`` that is labelled ``label`` (a text or a pattern)."""
    return page.get_by_label(label).and_(page.locator(f'[name="{name}"]'))


def email_field(page, name):
    return field(page, name, re.compile(r"E-Mail"))


def test_sign_up_confirm_and_land_logged_in(page, civic_site, console_log, mailoutbox):
    from civic.models import User

    open_page(page, civic_site.url("/"))
    page.get_by_role("link", name="Registrieren").click()
    page.wait_for_url(re.compile(r"/konto/signup/$"))

    email_field(page, "email").fill("anna@example.org")
    field(page, "password1", re.compile(r"Passwort")).fill(PASSWORD)
    field(page, "password2", re.compile(r"Passwort")).fill(PASSWORD)
    field(page, "display_name", re.compile(r"Öffentlicher Name")).fill("Anna K.")
    field(page, "accept_privacy", re.compile(r"Datenschutz")).check()
    page.get_by_role("main").get_by_role("button", name=re.compile(r"Registrier")).click()

    page.wait_for_url(re.compile(r"/konto/confirm-email/$"))
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", level=1)).to_contain_text("E-Mail")
    assert_no_axe_violations(page)

    assert len(mailoutbox) == 1, [m.subject for m in mailoutbox]
    message = mailoutbox[0]
    assert message.to == ["anna@example.org"]
    links = re.findall(r"https?://\S+/konto/confirm-email/[^\s/]+/", message.body)
    assert links, f"no confirmation link in:\n{message.body}"
    user = User.objects.get(email="anna@example.org")
    assert user.display_name == "Anna K."
    assert not user.emailaddress_set.get().verified

    # Open the link as it came, on the live server (its host is the one the browser used).
    link = urlsplit(links[0])
    open_page(page, civic_site.url(link.path))
    assert_no_axe_violations(page)
    page.get_by_role("main").get_by_role("button", name=re.compile(r"Bestätig")).click()

    page.wait_for_url(re.compile(r"/mein-bereich/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mein Bereich")
    expect(page.get_by_role("navigation", name="Service")).to_contain_text("Mein Bereich")
    expect(page.get_by_role("main")).to_contain_text("anna@example.org")
    assert user.emailaddress_set.get().verified
    assert_no_axe_violations(page)
    assert_clean_console(page, console_log)
