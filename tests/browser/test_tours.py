"""Rundgänge in a real browser: a tour on a phone (route, numbered markers, list, no horizontal
scroll), keyboard use of the markers, the print view, and axe on the tour and index pages.

Map tiles come from outside servers: tile requests are answered with an empty image.
"""

import base64

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_clean_console, assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CENTRE = (50.2585, 10.9645)
PNG_1PX = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
PHONE = {"width": 375, "height": 740}
SHOT = "/tmp/civic-helpers/shot-tour.png"


@pytest.fixture
def no_tiles(page):
    page.route(
        "https://tile.openstreetmap.org/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=PNG_1PX),
    )
    return page


@pytest.fixture
def tour(civic_site):
    """An index page with one tour of five stops (in an order that is not the creation order)."""
    from wagtail.models import Collection

    from tests.stadtgedaechtnis.factories import ThemeFactory
    from tests.stadtgedaechtnis.factories_tours import make_index, make_memories, make_tour

    if not Collection.objects.exists():  # the transactional flush removed the root collection
        Collection.add_root(name="Root")
    city = civic_site.settings
    city.map_center_lat, city.map_center_lon, city.map_zoom = CENTRE[0], CENTRE[1], 14
    city.save()
    index = make_index(
        civic_site.home,
        show_in_menus=True,
        intro="<p>Spaziergänge zu Orten, an die sich Menschen erinnern.</p>",
    )
    memories = make_memories()
    order = [memories[i] for i in (0, 3, 1, 2, 4)]
    theme = ThemeFactory(name="Bauten & Plätze", slug="bauten")
    page = make_tour(
        index,
        order,
        title="Vom Markt zur Veste",
        theme=theme,
        intro="<p>Ein Spaziergang mit fünf Stationen.</p>",
        texts=[
            "<p>Wir beginnen am Brunnen auf dem Marktplatz. Schauen Sie nach oben: Dort hing "
            "früher das Schild der Eisdiele.</p>"
        ]
        + [f"<p>Hier erinnert sich jemand an die Zeit um {1930 + 10 * i}.</p>" for i in range(4)],
    )
    return {"index": index, "tour": page, "order": order}


def test_tour_on_a_phone(page, no_tiles, civic_site, tour, console_log):
    page.set_viewport_size(PHONE)
    page.goto(civic_site.url(tour["tour"].url))
    map_el = page.locator("#tour-map")
    expect(map_el).to_have_attribute("data-map-ready", "true")

    # Numbered markers in tour order, and the route through them.
    markers = page.locator(".tour-marker")
    expect(markers).to_have_count(5)
    numbers = page.locator(".tour-marker .tour-marker__number").all_inner_texts()
    assert [n.strip() for n in numbers] == ["1", "2", "3", "4", "5"]
    names = page.locator(".tour-marker .visually-hidden").all_inner_texts()
    assert names == [f"Station {n}: {m.title}" for n, m in enumerate(tour["order"], start=1)]
    expect(map_el).to_have_attribute("data-route-points", "5")
    route = page.locator("#tour-map path.tour-route")
    expect(route).to_have_count(1)
    box = route.bounding_box()
    assert box and box["width"] > 20 and box["height"] > 20  # drawn, not a dot
    for marker in markers.all():  # every marker lies on the visible map
        mbox, map_box = marker.bounding_box(), map_el.bounding_box()
        assert map_box["x"] <= mbox["x"] + mbox["width"] / 2 <= map_box["x"] + map_box["width"]

    # The ordered list below the map: numbers, titles, distances.
    items = page.locator("ol.tour-stops > li")
    expect(items).to_have_count(5)
    titles = [t.strip() for t in page.locator(".tour-stop__title").all_inner_texts()]
    for number, (memory, text) in enumerate(zip(tour["order"], titles, strict=True), start=1):
        assert text.startswith(str(number)) and text.endswith(memory.title), text
    expect(items.first).to_contain_text("Startpunkt")
    expect(items.nth(1)).to_contain_text("vom vorigen Halt")
    expect(page.locator("[data-tour-distance]")).to_contain_text("km")
    assert map_el.bounding_box()["y"] < items.first.bounding_box()["y"]  # map above the list

    # No horizontal scrolling at phone width.
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth, document.body.scrollWidth]"
    )
    assert widths[0] <= widths[1] and widths[2] <= widths[1], widths

    expect(page.get_by_role("button", name="Drucken")).to_be_visible()
    assert_no_axe_violations(page)
    assert_clean_console(page, console_log)
    page.screenshot(path=SHOT, full_page=True)


def test_markers_are_keyboard_usable_and_lead_to_the_list(
    page, no_tiles, civic_site, tour, console_log
):
    page.goto(civic_site.url(tour["tour"].url))
    marker = page.locator(".tour-marker").nth(2)
    expect(marker).to_have_attribute("role", "button")
    expect(marker).to_have_attribute("tabindex", "0")
    marker.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup")
    expect(popup).to_contain_text(f"Station 3: {tour['order'][2].title}")
    popup.get_by_role("link", name="Zur Station in der Liste").click()
    expect(page.locator("#station-3")).to_be_focused()
    expect(page).to_have_url(f"{civic_site.url(tour['tour'].url)}#station-3")
    assert_clean_console(page, console_log)


def test_print_view_shows_the_list_without_map_controls(
    page, no_tiles, civic_site, tour, console_log
):
    page.goto(civic_site.url(tour["tour"].url))
    expect(page.locator("#tour-map")).to_have_attribute("data-map-ready", "true")
    expect(page.locator(".leaflet-control-zoom")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".leaflet-control-zoom")).to_be_hidden()
    expect(page.get_by_role("button", name="Drucken")).to_be_hidden()
    expect(page.locator(".site-header__nav")).to_be_hidden()
    expect(page.locator("ol.tour-stops > li")).to_have_count(5)
    expect(page.locator(".tour-stop__number").first).to_be_visible()
    breaks = page.evaluate(
        "() => [...document.querySelectorAll('.tour-stop')]"
        ".map(el => getComputedStyle(el).breakInside)"
    )
    assert set(breaks) == {"avoid"}
    pdf = page.pdf(format="A4")
    assert pdf[:4] == b"%PDF"
    assert_clean_console(page, console_log)


def test_tour_index_lists_the_tour(page, no_tiles, civic_site, tour, console_log):
    page.set_viewport_size(PHONE)
    page.goto(civic_site.url(tour["index"].url))
    expect(page.get_by_role("heading", level=1)).to_have_text("Rundgänge")
    card = page.locator(".tour-card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Bauten & Plätze")
    from stadtgedaechtnis.tours import format_distance, format_duration, walking_minutes
    from tests.stadtgedaechtnis.test_tours import reference_km

    km = reference_km([(m.public_lat, m.public_lon) for m in tour["order"]])
    expect(card).to_contain_text(format_distance(km))
    expect(card).to_contain_text(f"ca. {format_duration(walking_minutes(km, 4.5))}")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), (
        "horizontal scroll on the index"
    )
    assert_no_axe_violations(page)
    card.get_by_role("link", name="Vom Markt zur Veste").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vom Markt zur Veste")
    assert_no_axe_violations(page)
    assert_clean_console(page, console_log)
