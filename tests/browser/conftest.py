"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Chromium comes from Debian (``apt-get install chromium``), not from ``playwright install``, which
cannot download browsers here. axe-core comes from npm (``npm ci``, see package.json).

Without Chromium or axe-core the browser tests are skipped, unless ``CIVIC_REQUIRE_BROWSER=1``
(set by ``.ci/run``): then a missing tool is a failure, so CI can never go green by skipping.
``CIVIC_CHROMIUM`` points at another Chromium binary (default ``/usr/bin/chromium``).
"""

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache

from tests.browser.helpers import (
    AXE_PATH,
    AXE_URL_PATH,
    CHROMIUM_FLAGS,
    ConsoleLog,
    chromium_path,
    missing_tool,
)

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse
# database access from the test code ("SynchronousOnlyOperation").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# --------------------------------------------------------------------------------------------
# Playwright configuration


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = chromium_path()
    if not (executable.is_file() and os.access(executable, os.X_OK)):
        missing_tool(
            f"Chromium not found at {executable}: install it with `apt-get install chromium` "
            "or point CIVIC_CHROMIUM at a Chromium binary"
        )
    return {
        **browser_type_launch_args,
        "executable_path": str(executable),
        "headless": True,
        "args": CHROMIUM_FLAGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "de-DE",
        "timezone_id": "Europe/Berlin",
        "viewport": {"width": 1280, "height": 800},
    }


# --------------------------------------------------------------------------------------------
# The site under test


@dataclass
class CivicSite:
    """What the ``civic_site`` fixture built, and the live server's address."""

    base_url: str
    home: object
    imprint: object
    privacy: object
    accessibility: object
    settings: object

    def url(self, path: str = "/") -> str:
        return self.base_url.rstrip("/") + path


@pytest.fixture
def civic_site(live_server, transactional_db):
    """Locale, root page, home page, Site (on the live server's port), CitySettings, legal pages.

    Transactional tests end with a flush that deletes Wagtail's root and home pages (they come
    from migrations), so every browser test rebuilds them.
    """
    from wagtail.models import Collection, Locale, Page, Site

    from civic.models import CitySettings, HomePage, StandardPage

    locale, _ = Locale.objects.get_or_create(language_code="de")
    if not Collection.objects.exists():  # images and documents need the root collection
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    Site.objects.all().delete()
    for child in root.get_children():
        child.delete()
    root.refresh_from_db()
    # The flush also emptied the role groups' permissions that the roles migration granted.
    import importlib

    from django.apps import apps as django_apps

    importlib.import_module("civic.migrations.0003_roles").grant_role_permissions(django_apps)

    home = root.add_child(
        instance=HomePage(
            title="Startseite",
            slug="home",
            locale=locale,
            hero_title="Musterstadt gestalten",
            hero_text="Sagen Sie uns, wie unsere Stadt digitaler und lebenswerter werden soll.",
            teasers=[
                (
                    "teaser",
                    {
                        "title": "Digitale Agenda",
                        "text": "Vorschläge einreichen, diskutieren und abstimmen.",
                        "link": {"page": None, "url": "https://example.org/agenda"},
                        "link_label": "Zur Digitalen Agenda",
                    },
                ),
                (
                    "teaser",
                    {
                        "title": "Stadtgedächtnis",
                        "text": "Erzählen Sie, wie es früher war.",
                        "link": {"page": None, "url": "https://example.org/erinnerungen"},
                        "link_label": "Zum Stadtgedächtnis",
                    },
                ),
            ],
        )
    )
    port = urlsplit(live_server.url).port or 80
    Site.objects.create(
        hostname="localhost",
        port=port,
        root_page=home,
        is_default_site=True,
        site_name="Musterstadt",
    )

    def legal(title, slug, text):
        return home.add_child(
            instance=StandardPage(
                title=title,
                slug=slug,
                locale=locale,
                intro=text,
                body=[("paragraph", f"<p>{text}</p>")],
            )
        )

    imprint = legal("Impressum", "impressum", "Stadt Musterstadt, Marktplatz 1, 12345 Musterstadt.")
    privacy = legal(
        "Datenschutz", "datenschutz", "Wir verarbeiten nur die Daten, die Sie uns geben."
    )
    accessibility = legal(
        "Erklärung zur Barrierefreiheit",
        "barrierefreiheit",
        "Diese Website soll für alle Menschen gut nutzbar sein.",
    )
    city = CitySettings.for_site(Site.objects.get(root_page=home))
    city.city_name = "Musterstadt"
    city.site_title = "Musterstadt gestalten"
    city.tagline = "Beteiligung und Stadtgedächtnis"
    city.contact_email = "beteiligung@example.org"
    city.imprint_page = imprint
    city.privacy_page = privacy
    city.accessibility_page = accessibility
    city.save()
    cache.clear()

    yield CivicSite(
        base_url=live_server.url,
        home=home,
        imprint=imprint,
        privacy=privacy,
        accessibility=accessibility,
        settings=city,
    )
    cache.clear()


# --------------------------------------------------------------------------------------------
# The page, with its console watched


# Collects Content-Security-Policy violations as the page reports them. Added through the
# DevTools protocol, so the page's own CSP does not apply to it.
_CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(
        `${event.violatedDirective} blocked ${event.blockedURI || "inline"} `
        + `(${event.sourceFile || ""}:${event.lineNumber || 0})`
    );
});
"""


@pytest.fixture
def console_log():
    return ConsoleLog()


@pytest.fixture
def page(context, civic_site, console_log):
    """A fresh tab on the site; console errors and CSP violations are recorded in console_log.

    Depends on ``civic_site`` so that it is torn down first: the tab goes to about:blank before
    the database is flushed (open requests could otherwise lock SQLite tables).
    """
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.add_init_script(_CSP_LISTENER)

    def on_console(message):
        if message.type == "error":
            text = message.text
            console_log.errors.append(text)
            if "Content Security Policy" in text or "Content-Security-Policy" in text:
                console_log.csp_violations.append(text)

    tab.route(
        f"**{AXE_URL_PATH}",
        lambda route: route.fulfill(path=AXE_PATH, content_type="text/javascript; charset=utf-8"),
    )
    tab.on("console", on_console)
    tab.on("pageerror", lambda error: console_log.errors.append(f"page error: {error}"))
    yield tab
    tab.goto("about:blank")
    tab.close()
