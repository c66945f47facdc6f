"""Entdecke, Erforsche and the memory page in a real browser.

The map draws clusters and markers from the API (no map tiles needed: tile requests are answered
with an empty image), the list works without JavaScript, axe finds nothing on the map, memory and
timeline pages, and a submitted memory, once an editor publishes it, appears on the map and in the
list.
"""

import base64
import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_clean_console, assert_no_axe_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CENTRE = (50.2585, 10.9645)  # lat, lon: Coburg's Marktplatz
PNG_1PX = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def decade(year):
    return {"date_from": datetime.date(year, 1, 1), "date_to": datetime.date(year, 12, 31)}


@pytest.fixture
def explore(civic_site):
    """The map page (Entdecke) with its timeline (Erforsche), a few themes and memories."""
    from wagtail.models import Collection

    from stadtgedaechtnis.models import MemoryMapPage, MemoryTimelinePage
    from tests.stadtgedaechtnis.factories import MemoryFactory, ThemeFactory

    if not Collection.objects.exists():  # the transactional flush removed the root collection
        Collection.add_root(name="Root")
    city = civic_site.settings
    city.map_center_lat, city.map_center_lon, city.map_zoom = CENTRE[0], CENTRE[1], 14
    city.save()
    map_page = civic_site.home.add_child(
        instance=MemoryMapPage(
            title="Entdecke",
            slug="erinnerungen",
            show_in_menus=True,
            intro="<p>Erinnerungen an unsere Stadt auf der Karte.</p>",
        )
    )
    timeline = map_page.add_child(
        instance=MemoryTimelinePage(title="Erforsche", slug="zeitleiste", show_in_menus=False)
    )
    kind = ThemeFactory(name="Kindheit & Schule", slug="kindheit")
    feste = ThemeFactory(name="Feste & Vereine", slug="feste")
    memories = []
    # Five close together (a cluster at zoom 14), two apart (single markers).
    for i in range(5):
        memories.append(
            MemoryFactory(
                title=f"Am Marktplatz {i}",
                lat=CENTRE[0] + 0.0002 * i,
                lon=CENTRE[1] + 0.0002 * i,
                themes=[kind if i % 2 else feste],
                **decade(1950 + 10 * i),
            )
        )
    memories.append(
        MemoryFactory(
            title="Das Freibad",
            lat=CENTRE[0] + 0.006,
            lon=CENTRE[1] - 0.012,
            themes=[feste],
            **decade(1968),
        )
    )
    memories.append(
        MemoryFactory(
            title="Die Schule am Anger",
            lat=CENTRE[0] - 0.006,
            lon=CENTRE[1] + 0.014,
            themes=[kind],
            **decade(1955),
        )
    )
    return {"map": map_page, "timeline": timeline, "memories": memories}


@pytest.fixture
def no_tiles(page):
    page.route(
        "https://tile.openstreetmap.org/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=PNG_1PX),
    )
    return page


def wait_for_map(page):
    map_el = page.locator("#memory-map")
    expect(map_el).to_have_attribute("data-feature-count", re.compile(r"\d+"))
    return map_el


# --------------------------------------------------------------------------------------------


def test_map_shows_clusters_and_markers_from_the_api(
    page, no_tiles, civic_site, explore, console_log
):
    with page.expect_response(re.compile(r"/api/memories/map\?")) as api:
        page.goto(civic_site.url(explore["map"].url))
    assert api.value.status == 200
    map_el = wait_for_map(page)
    assert map_el.get_attribute("data-number-matched") == "7"
    clusters = page.locator(".memory-cluster")
    pins = page.locator(".memory-pin")
    expect(clusters).to_have_count(1)
    expect(clusters.first).to_contain_text("5")
    expect(pins).to_have_count(2)
    expect(page.locator("#memory-map-status")).to_contain_text("7 Erinnerungen")
    assert_no_axe_violations(page)

    # A cluster zooms in on click; the five memories come apart.
    zoom_before = page.evaluate("() => document.getElementById('memory-map')._exploreMap.getZoom()")
    with page.expect_response(re.compile(r"/api/memories/map\?")):
        clusters.first.click()
    expect(page.locator(".memory-pin")).to_have_count(5, timeout=10_000)
    assert (
        page.evaluate("() => document.getElementById('memory-map')._exploreMap.getZoom()")
        > zoom_before
    )

    # A single memory opens a popup linking to its page.
    page.locator(".memory-pin").first.click()
    link = page.locator(".leaflet-popup .memory-popup__link")
    expect(link).to_have_text(re.compile(r"Am Marktplatz \d"))
    title = link.inner_text()
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert_clean_console(page, console_log)


def test_map_markers_are_keyboard_accessible(page, no_tiles, civic_site, explore, console_log):
    page.goto(civic_site.url(explore["map"].url))
    wait_for_map(page)
    pin = page.locator(".memory-pin").first
    expect(pin).to_have_attribute("role", "button")
    expect(pin).to_have_attribute("tabindex", "0")
    pin.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".leaflet-popup .memory-popup__link")).to_be_visible()
    assert_clean_console(page, console_log)


def test_filters_drive_map_and_list(page, no_tiles, civic_site, explore, console_log):
    page.goto(civic_site.url(explore["map"].url))
    wait_for_map(page)
    page.get_by_label("Thema").select_option(label="Kindheit & Schule")
    page.get_by_role("button", name="Filter anwenden").click()
    expect(page).to_have_url(re.compile(r"theme=kindheit"))
    map_el = wait_for_map(page)
    expect(map_el).to_have_attribute("data-number-matched", "3")
    expect(page.get_by_role("heading", name="3 Erinnerungen")).to_be_visible()
    assert "bbox=" not in page.url
    assert_no_axe_violations(page)
    assert_clean_console(page, console_log)


def test_list_can_follow_the_map(page, no_tiles, civic_site, explore, console_log):
    page.goto(civic_site.url(explore["map"].url))
    wait_for_map(page)
    expect(page.get_by_role("heading", name="7 Erinnerungen")).to_be_visible()
    # Zoom into the Marktplatz: only the five there are in view.
    page.evaluate(
        "([lat, lon]) => document.getElementById('memory-map')._exploreMap.setView([lat, lon], 17)",
        [CENTRE[0] + 0.0004, CENTRE[1] + 0.0004],
    )
    page.get_by_label("Liste auf den Kartenausschnitt beschränken").check()
    heading = page.locator("#memory-list-title")
    expect(heading).to_contain_text("im Kartenausschnitt")
    count = int(re.match(r"\d+", heading.inner_text()).group(0))
    assert 1 <= count <= 5
    expect(page.get_by_text("Das Freibad")).to_have_count(0)
    assert "bbox=" in page.url
    page.get_by_label("Liste auf den Kartenausschnitt beschränken").uncheck()
    expect(page.get_by_role("heading", name="7 Erinnerungen")).to_be_visible()
    assert_clean_console(page, console_log)


def test_list_works_without_javascript(browser, civic_site, explore):
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    page = context.new_page()
    try:
        page.goto(civic_site.url(explore["map"].url))
        expect(page.get_by_role("heading", name="7 Erinnerungen")).to_be_visible()
        expect(page.locator(".memory-card")).to_have_count(7)
        expect(page.get_by_label("Liste auf den Kartenausschnitt beschränken")).to_be_hidden()
        page.get_by_label("Thema").select_option(label="Feste & Vereine")
        page.get_by_label("Von Jahrzehnt").select_option("1960")
        page.get_by_role("button", name="Filter anwenden").click()
        expect(page.get_by_role("heading", name="3 Erinnerungen")).to_be_visible()
        expect(page.get_by_role("link", name="Das Freibad")).to_be_visible()
        page.get_by_role("link", name="Das Freibad").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Das Freibad")
        expect(page.get_by_text("„um 1965“")).to_be_visible()
    finally:
        page.goto("about:blank")
        context.close()


def test_memory_page(page, no_tiles, civic_site, explore, console_log):
    from tests.stadtgedaechtnis.factories import MemoryPhotoFactory

    memory = explore["memories"][0]
    MemoryPhotoFactory(memory=memory, alt_text="Der Marktplatz im Schnee", caption="Winter")
    page.goto(civic_site.url(memory.get_absolute_url()))
    expect(page.get_by_role("heading", level=1)).to_have_text(memory.title)
    expect(page.get_by_role("img", name="Der Marktplatz im Schnee")).to_be_visible()
    expect(page.locator("[data-explore-point]")).to_have_attribute("data-map-ready", "true")
    expect(page.get_by_role("heading", name="In der Nähe")).to_be_visible()
    expect(page.get_by_role("link", name="Erinnerung erzählen")).to_be_visible()
    assert page.locator('script[type="application/ld+json"]').count() == 1
    assert_no_axe_violations(page)
    assert_clean_console(page, console_log)


def test_timeline_page(page, civic_site, explore, console_log):
    page.goto(civic_site.url(explore["timeline"].url))
    expect(page.get_by_role("heading", level=1)).to_have_text("Erforsche")
    nav = page.get_by_role("navigation", name="Jahrzehnte")
    expect(nav.get_by_role("link")).to_have_count(5)
    expect(page.get_by_role("heading", name=re.compile("Die 1950er Jahre"))).to_be_visible()
    nav.get_by_role("link", name=re.compile("1960er")).click()
    expect(page).to_have_url(re.compile("#jahrzehnt-1960"))
    page.get_by_label("Thema", exact=True).select_option(label="Kindheit & Schule")
    page.get_by_role("button", name="Anzeigen").click()
    expect(
        page.get_by_role("heading", level=2, name=re.compile("Die 1950er Jahre"))
    ).to_be_visible()
    expect(page.get_by_text("Das Freibad")).to_have_count(0)
    assert_no_axe_violations(page)
    assert_clean_console(page, console_log)


def test_submitted_memory_published_by_an_editor_appears_on_map_and_list(
    page, no_tiles, civic_site, explore, console_log
):
    """A resident's submitted memory is published in the Wagtail admin and then shows up."""
    from civic.roles import EDITORS, RESIDENTS, assign_role
    from stadtgedaechtnis.models import Memory, Status
    from tests.civic.factories import UserFactory
    from tests.stadtgedaechtnis.factories import MemoryFactory

    resident = UserFactory(display_name="Rita Resident")
    assign_role(resident, RESIDENTS)
    editor = UserFactory(display_name="Edith Editor")
    assign_role(editor, EDITORS)
    memory = MemoryFactory(
        title="Der Eisladen am Anger",
        status=Status.SUBMITTED,
        author=resident,
        published_at=None,
        lat=CENTRE[0] - 0.004,
        lon=CENTRE[1] - 0.02,
        **decade(1976),
    )
    # Not public yet: neither on the map nor in the list.
    page.goto(civic_site.url(explore["map"].url))
    expect(wait_for_map(page)).to_have_attribute("data-number-matched", "7")
    expect(page.get_by_text("Der Eisladen am Anger")).to_have_count(0)

    publish_in_admin(page, civic_site, editor, memory)
    memory.refresh_from_db()
    assert memory.status == Status.PUBLISHED

    page.goto(civic_site.url(explore["map"].url))
    expect(wait_for_map(page)).to_have_attribute("data-number-matched", "8")
    expect(page.get_by_role("link", name="Der Eisladen am Anger")).to_be_visible()
    page.get_by_role("link", name="Der Eisladen am Anger").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Der Eisladen am Anger")
    expect(page.get_by_text("Nicht veröffentlicht")).to_have_count(0)
    assert Memory.objects.published().count() == 8


def publish_in_admin(page, civic_site, editor, memory):
    """Publish through the moderation view of the Wagtail admin, as an editor does."""
    from django.contrib.auth.models import Group, Permission
    from django.urls import reverse

    from civic.roles import EDITORS
    from stadtgedaechtnis.admin_views import URL_NAMESPACE

    # The transactional flush dropped the group permissions the roles migration created.
    Group.objects.get(name=EDITORS).permissions.add(
        Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin")
    )
    log_in(page, civic_site, editor)
    page.goto(civic_site.url(reverse(f"{URL_NAMESPACE}:list")))
    expect(page.get_by_text(memory.title).first).to_be_visible()
    page.goto(civic_site.url(reverse(f"{URL_NAMESPACE}:moderate", args=[memory.pk])))
    expect(page.get_by_role("heading", name=memory.title).first).to_be_visible()
    page.get_by_label("Veröffentlichen", exact=True).check()
    page.get_by_role("button", name="Entscheidung speichern und Person benachrichtigen").click()
    expect(page.get_by_text(f"„{memory.title}“ ist veröffentlicht.")).to_be_visible()
    page.goto("about:blank")
    page.context.clear_cookies()
