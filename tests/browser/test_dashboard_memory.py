"""The dashboard ("Auswertung") in a real browser: an editor sees the memory collection's charts
and the choropleth map of the districts. Map tiles are refused (as without network): the
polygons must show all the same. A screenshot goes to /tmp/civic-helpers/shot-dashboard.png."""

import datetime
import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.helpers import AXE_TAGS, AXE_URL_PATH, csp_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = os.environ.get("CIVIC_DASHBOARD_SHOT", "/tmp/civic-helpers/shot-dashboard.png")


def axe_on(page, selector):
    """Run axe-core (WCAG 2.1 A/AA + best practice) on one part of the page."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=page.url.split("/admin/")[0] + AXE_URL_PATH)
    results = page.evaluate(
        """async ([selector, tags]) => await window.axe.run(document.querySelector(selector),
            {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})""",
        [selector, list(AXE_TAGS)],
    )
    problems = [
        f"{v['id']}: {v['help']} -> {[n['html'][:120] for n in v['nodes']]}"
        for v in results["violations"]
    ]
    assert not problems, "\n".join(problems)


@pytest.fixture
def memories(civic_site):
    from stadtgedaechtnis.models import Status
    from tests.civic.factories import DistrictFactory, square
    from tests.stadtgedaechtnis.factories import MemoryFactory, ThemeFactory

    districts = [
        DistrictFactory(
            name=name, slug=slug, geometry=square(10.90 + 0.012 * i, 50.20, 0.012), population=pop
        )
        for i, (name, slug, pop) in enumerate(
            [
                ("Altstadt", "altstadt", 4000),
                ("Ketschendorf", "ketschendorf", 2500),
                ("Wüstenahorn", "wuestenahorn", None),
            ]
        )
    ]
    themes = [
        ThemeFactory(name="Kindheit & Schule", slug="kindheit"),
        ThemeFactory(name="Verkehr", slug="verkehr"),
    ]
    now = timezone.now()
    plan = [(0, 6, 0), (1, 3, 1), (2, 1, 0)]  # (district, published count, theme)
    for d_index, count, t_index in plan:
        lon, lat = districts[d_index].geometry["coordinates"][0][0]
        for i in range(count):
            submitted = now - datetime.timedelta(days=30 * (i + d_index) + 3)
            MemoryFactory(
                status=Status.PUBLISHED,
                submitted_at=submitted,
                decided_at=submitted + datetime.timedelta(days=2 + i),
                lon=lon + 0.006,
                lat=lat + 0.006,
                date_from=datetime.date(1950 + 10 * (i % 3), 1, 1),
                date_to=datetime.date(1953 + 10 * (i % 3), 12, 31),
                themes=[themes[t_index]],
            )
    MemoryFactory(
        status=Status.SUBMITTED, submitted_at=now - datetime.timedelta(days=12), title="Wartet noch"
    )
    return districts


def test_editor_sees_memory_charts_and_district_map(page, civic_site, memories, console_log):
    from tests.civic.test_roles import make_user

    page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    editor = make_user("editor")
    log_in(page, civic_site, editor)
    page.goto(civic_site.url("/admin/auswertung/"))

    expect(page.get_by_role("heading", level=1, name="Auswertung")).to_be_visible()
    panel = page.locator("#stadtgedaechtnis")
    expect(panel.get_by_role("heading", level=2, name="Stadtgedächtnis")).to_be_visible()
    expect(panel.locator('[data-figure="published"] dd')).to_contain_text("10")
    expect(panel.locator('[data-figure="waiting"] dd')).to_contain_text("1")
    expect(panel.locator('[data-figure="oldest"] dd')).to_contain_text("seit 12 Tagen")

    # server-rendered charts, each with its table behind a disclosure
    charts = panel.locator("figure.civic-chart svg[role=img]")
    assert charts.count() >= 4
    expect(charts.first).to_be_visible()
    bars = (
        panel.locator("figure.civic-chart")
        .filter(has_text="je Thema")
        .locator("rect.civic-chart__bar")
    )
    expect(bars).to_have_count(2)
    widths = [float(w) for w in bars.evaluate_all("els => els.map(e => e.getAttribute('width'))")]
    assert widths[0] / widths[1] == pytest.approx(7 / 3, rel=0.01)  # Kindheit 6+1, Verkehr 3
    details = panel.locator("figure.civic-chart").filter(has_text="je Thema").locator("details")
    details.locator("summary").click()
    expect(details.get_by_role("row", name="Verkehr 3")).to_be_visible()

    # the choropleth: polygons drawn without tiles, a tooltip on keyboard focus
    map_el = panel.locator("[data-civic-choropleth]")
    expect(map_el).to_have_attribute("data-map-ready", "true")
    polygons = map_el.locator("path.leaflet-interactive")
    expect(polygons).to_have_count(3)
    fills = set(polygons.evaluate_all("els => els.map(e => e.getAttribute('fill'))"))
    assert len(fills) == 3  # two classes and "keine Daten"
    box = map_el.bounding_box()
    for index in range(3):
        poly = polygons.nth(index).bounding_box()
        assert poly["width"] > 20 and poly["height"] > 20  # fitted to the polygons
        assert box["x"] <= poly["x"] and poly["x"] + poly["width"] <= box["x"] + box["width"] + 1
    polygons.first.focus()
    expect(page.locator(".leaflet-tooltip")).to_be_visible()
    expect(page.locator(".leaflet-tooltip")).to_contain_text("je 1.000 Einwohner")
    # the table beside the map: Altstadt 6 memories / 4,000 residents = 1.5 per 1,000
    table = panel.locator(".civic-choropleth__side table")
    expect(table.get_by_role("row", name="Altstadt 1,5 6")).to_be_visible()
    expect(table.get_by_role("row", name="Wüstenahorn – 1 Keine Daten")).to_be_visible()

    # axe on the panel (Wagtail's own admin chrome has findings of its own, not ours)
    axe_on(page, "#stadtgedaechtnis")

    # The admin scrolls inside its own container: a tall window shows the whole dashboard.
    page.mouse.move(5, 5)
    page.locator("body").focus()
    page.set_viewport_size({"width": 1280, "height": 3000})
    page.evaluate("() => window.scrollTo(0, 0)")
    page.wait_for_timeout(300)
    page.screenshot(path=SCREENSHOT, full_page=True)

    # no CSP violations, and no console errors besides the refused tiles
    assert not (console_log.csp_violations + csp_violations(page))
    errors = [
        e
        for e in console_log.errors
        if "ERR_FAILED" not in e and "Failed to load resource" not in e
    ]
    assert not errors, errors
