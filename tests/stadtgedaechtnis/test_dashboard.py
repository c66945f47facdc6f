"""The memory collection on the dashboard: figures, panel, access, query count, cache."""

import datetime as dt
import re
import statistics
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from civic.dashboard import invalidate
from stadtgedaechtnis.dashboard_registration import memory_dashboard_panels
from stadtgedaechtnis.models import Memory, Status
from stadtgedaechtnis.stats import MONTHS, cached_memory_figures, memory_figures
from tests.civic.factories import DistrictFactory, square
from tests.stadtgedaechtnis.factories import MemoryFactory, ThemeFactory

pytestmark = pytest.mark.django_db

URL = "/admin/auswertung/"


def local_noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_current_timezone())


def months_ago(n: int) -> dt.date:
    """The 15th of the month n months before the current (local) month."""
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - n
    return dt.date(index // 12, index % 12 + 1, 15)


def month_key(value: dt.datetime) -> tuple[int, int]:
    local = timezone.localtime(value)
    return (local.year, local.month)


class Collection:
    """Memories created from specs; expected figures are computed from the specs themselves."""

    def __init__(self):
        self.specs = []
        self.mitte = DistrictFactory(
            name="Mitte", slug="mitte", geometry=square(10.90, 50.2), population=2000
        )
        self.nord = DistrictFactory(
            name="Nord", slug="nord", geometry=square(10.92, 50.2), population=None
        )
        self.sued = DistrictFactory(
            name="Süd", slug="sued", geometry=square(10.94, 50.2), population=500
        )
        self.kindheit = ThemeFactory(name="Kindheit", slug="kindheit", sort_order=1)
        self.verkehr = ThemeFactory(name="Verkehr", slug="verkehr", sort_order=2)
        self.leer = ThemeFactory(name="Handwerk", slug="handwerk", sort_order=3)

    def add(
        self, status, submitted, decided=None, themes=(), district=None, decade=None, title=None
    ):
        kwargs = {}
        if district is not None:
            geometry = district.geometry["coordinates"][0][0]
            kwargs.update(lon=geometry[0] + 0.005, lat=geometry[1] + 0.005)
        else:
            kwargs.update(lon=None, lat=None)
        if decade is not None:
            kwargs.update(date_from=dt.date(decade + 3, 1, 1), date_to=dt.date(decade + 6, 12, 31))
        else:
            kwargs.update(date_from=None, date_to=None)
        if title:
            kwargs["title"] = title
        memory = MemoryFactory(
            status=status,
            submitted_at=submitted,
            decided_at=decided,
            themes=list(themes),
            **kwargs,
        )
        assert memory.district == district
        assert memory.decade == decade
        self.specs.append(
            dict(
                pk=memory.pk,
                title=memory.title,
                status=status,
                submitted=submitted,
                decided=decided,
                themes=[t.name for t in themes],
                district=district.slug if district else None,
                decade=decade,
            )
        )
        return memory

    # -- expectations, computed in Python from the specs ---------------------------------

    def published(self):
        return [s for s in self.specs if s["status"] == Status.PUBLISHED]

    def expected_months(self):
        keys = [
            tuple(int(x) for x in months_ago(n).strftime("%Y %m").split())
            for n in range(MONTHS - 1, -1, -1)
        ]
        counts = Counter(month_key(s["submitted"]) for s in self.specs if s["submitted"])
        return [counts.get(key, 0) for key in keys]

    def expected_median(self):
        window = local_noon(months_ago(MONTHS - 1).replace(day=1)).replace(hour=0)
        days = [
            (s["decided"] - s["submitted"]).total_seconds() / 86400
            for s in self.specs
            if s["status"] in (Status.PUBLISHED, Status.REJECTED)
            and s["decided"]
            and s["submitted"]
            and s["decided"] >= window
        ]
        return statistics.median(days) if days else None


@pytest.fixture
def collection():
    c = Collection()
    today = timezone.localdate()
    # submissions spread over the months (some outside the 24-month window)
    c.add(
        Status.PUBLISHED,
        local_noon(months_ago(0)),
        local_noon(months_ago(0)) + dt.timedelta(days=1),
        [c.kindheit],
        c.mitte,
        1960,
    )
    c.add(
        Status.PUBLISHED,
        local_noon(months_ago(1)),
        local_noon(months_ago(1)) + dt.timedelta(days=3),
        [c.kindheit, c.verkehr],
        c.mitte,
        1960,
    )
    c.add(
        Status.PUBLISHED,
        local_noon(months_ago(5)),
        local_noon(months_ago(5)) + dt.timedelta(days=10),
        [c.verkehr],
        c.mitte,
        1970,
    )
    c.add(
        Status.PUBLISHED,
        local_noon(months_ago(23)),
        local_noon(months_ago(23)) + dt.timedelta(days=20),
        [],
        c.sued,
        None,
    )
    c.add(
        Status.PUBLISHED,
        local_noon(months_ago(30)),
        local_noon(months_ago(30)) + dt.timedelta(days=10),
        [c.verkehr],
        None,
        1950,
    )
    c.add(
        Status.REJECTED,
        local_noon(months_ago(5)),
        local_noon(months_ago(5)) + dt.timedelta(days=2),
        [c.kindheit],
        c.nord,
        1980,
    )
    c.add(
        Status.WITHDRAWN,
        local_noon(months_ago(2)),
        local_noon(months_ago(2)) + dt.timedelta(days=90),
        [],
        c.nord,
        1990,
    )
    # a submission just after midnight, local time, on the first of a month (UTC: the day before)
    first = months_ago(3).replace(day=1)
    c.add(
        Status.SUBMITTED,
        dt.datetime.combine(first, dt.time(0, 30), tzinfo=timezone.get_current_timezone()),
        None,
        [c.verkehr],
        c.sued,
        1960,
        title="Mitternacht <b>",
    )
    # the queue
    c.add(Status.SUBMITTED, local_noon(today - dt.timedelta(days=2)), None, [], c.mitte, None)
    c.add(
        Status.SUBMITTED,
        local_noon(today - dt.timedelta(days=40)),
        None,
        [],
        None,
        None,
        title="Vierzig Tage",
    )
    c.add(
        Status.CHANGES_REQUESTED, local_noon(today - dt.timedelta(days=300)), None, [], None, None
    )
    c.add(Status.DRAFT, None, None, [c.kindheit], c.mitte, 1960)
    return c


def test_figures_match_counts_computed_from_the_rows(collection):
    c = collection
    f = memory_figures()
    today = timezone.localdate()

    assert [n for _month, n in f.months] == c.expected_months()
    assert f.months[-1][0] == today.replace(day=1)
    assert len(f.months) == MONTHS
    assert sum(n for _m, n in f.months) == 10  # 12 rows: one draft, one outside the window

    published = c.published()
    assert f.published == len(published) == 5
    waiting = [s for s in c.specs if s["status"] == Status.SUBMITTED]
    assert f.waiting == len(waiting) == 3
    oldest = min(waiting, key=lambda s: s["submitted"])
    assert f.oldest_waiting["pk"] == oldest["pk"]
    # "Mitternacht" was submitted ~3 months ago, so it is the oldest
    assert f.oldest_waiting["title"] == "Mitternacht <b>"
    assert (
        f.oldest_waiting["age_days"]
        == (today - timezone.localtime(oldest["submitted"]).date()).days
    )

    # published 1, 3, 10, 20 days and rejected after 2 days; withdrawn and old decisions left out
    assert f.decided == 5
    assert f.median_days == pytest.approx(c.expected_median())
    assert f.median_days == pytest.approx(3)

    theme_counts = Counter(name for s in published for name in s["themes"])
    assert f.themes == [
        (name, theme_counts.get(name, 0)) for name in ("Kindheit", "Verkehr", "Handwerk")
    ]
    assert f.without_theme == sum(1 for s in published if not s["themes"]) == 1

    decade_counts = Counter(s["decade"] for s in published if s["decade"] is not None)
    assert f.decades == sorted(decade_counts.items())
    assert f.without_decade == sum(1 for s in published if s["decade"] is None) == 1

    district_counts = Counter(s["district"] for s in published if s["district"])
    by_slug = {d.slug: d for d in f.districts}
    assert {slug: d.published for slug, d in by_slug.items()} == {
        "mitte": district_counts["mitte"],
        "nord": district_counts["nord"],
        "sued": district_counts["sued"],
    }
    assert by_slug["mitte"].per_thousand == pytest.approx(district_counts["mitte"] * 1000 / 2000)
    assert by_slug["sued"].per_thousand == pytest.approx(district_counts["sued"] * 1000 / 500)
    assert by_slug["nord"].per_thousand is None  # population unknown
    assert by_slug["mitte"].feature["geometry"]["type"] == "Polygon"
    assert f.without_district == sum(1 for s in published if not s["district"]) == 1


def test_empty_collection(db):
    f = memory_figures()
    assert [n for _m, n in f.months] == [0] * MONTHS
    assert (f.published, f.waiting, f.oldest_waiting, f.median_days) == (0, 0, None, None)
    assert f.decades == [] and f.districts == []


def test_panel_shows_figures_charts_map_and_links(client, editor, collection):
    client.force_login(editor)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        '<h2 class="civic-dashboard__heading" id="stadtgedaechtnis-heading">Stadtgedächtnis</h2>'
        in html
    )

    def figure(name):
        match = re.search(rf'data-figure="{name}">\s*<dt>[^<]*</dt>\s*<dd>(.*?)</dd>', html, re.S)
        return re.sub(r"\s+", " ", match.group(1)).strip()

    assert figure("published").startswith("5")
    assert figure("waiting").startswith("3")
    queue = reverse("stadtgedaechtnis_memory:list") + "?status=submitted"
    assert f'href="{queue}"' in figure("waiting")
    oldest = collection.specs[7]
    age = (timezone.localdate() - timezone.localtime(oldest["submitted"]).date()).days
    assert figure("oldest").startswith(f"seit {age} Tagen")
    assert reverse("stadtgedaechtnis_memory:moderate", args=[oldest["pk"]]) in figure("oldest")
    assert figure("median").startswith("3,0 Tage")
    assert "aus 5 Entscheidungen der letzten 24 Monate" in figure("median")
    assert "Mitternacht &lt;b&gt;</a>" in figure("oldest")  # titles come from residents

    # charts with their tables
    for caption in (
        "Einsendungen je Monat (letzte 24 Monate)",
        "Veröffentlichte Erinnerungen je Thema",
        "Veröffentlichte Erinnerungen je Jahrzehnt",
        "Veröffentlichte Erinnerungen je Stadtteil",
        "Veröffentlichte Erinnerungen je 1.000 Einwohner",
    ):
        assert f"<caption>{caption}</caption>" in html
    assert html.count('role="img"') >= 4
    assert '<th scope="row">1960er</th><td class="civic-chart__num">2</td>' in html
    assert '<th scope="row">ohne Thema</th><td class="civic-chart__num">1</td>' in html
    # the map with its table beside it: Süd has 1 published memory and 500 residents
    assert "data-civic-choropleth" in html
    num = '<td class="civic-chart__num">'
    assert f'<th scope="row">Süd</th>{num}2,0</td>{num}1</td>' in html
    assert f'<th scope="row">Nord</th>{num}–</td>{num}0</td>' in html


def test_resident_and_anonymous_visitor_are_kept_out(client, resident, collection):
    response = client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(resident)
    assert client.get(URL).status_code == 403
    assert memory_dashboard_panels(type("R", (), {"user": resident})()) == []


def test_steering_group_sees_the_panel(client, steering, collection):
    client.force_login(steering)
    html = client.get(URL).content.decode()
    assert 'id="stadtgedaechtnis-heading"' in html


def _make(n, district, theme):
    for i in range(n):
        MemoryFactory(
            status=[Status.PUBLISHED, Status.SUBMITTED, Status.REJECTED][i % 3],
            submitted_at=local_noon(months_ago(i % 20)),
            decided_at=local_noon(months_ago(i % 20)) + dt.timedelta(days=i % 7),
            lat=50.205,
            lon=district.geometry["coordinates"][0][0][0] + 0.005,
            themes=[theme],
        )


def test_query_count_does_not_depend_on_the_number_of_memories(client, editor):
    districts = [DistrictFactory(geometry=square(10.90 + 0.02 * i, 50.2)) for i in range(4)]
    theme = ThemeFactory()
    client.force_login(editor)

    def count_queries():
        invalidate("stadtgedaechtnis")
        with CaptureQueriesContext(connection) as figures_queries:
            memory_figures()
        invalidate("stadtgedaechtnis")
        with CaptureQueriesContext(connection) as page_queries:
            assert client.get(URL).status_code == 200
        return len(figures_queries), len(page_queries)

    assert client.get(URL).status_code == 200  # warm up (session, site settings)
    _make(5, districts[0], theme)
    small = count_queries()
    for district in districts:
        _make(12, district, ThemeFactory())
    _make(5, districts[1], theme)
    big = count_queries()
    assert small == big
    assert small[0] <= 7


def test_figures_are_cached_until_invalidated(collection, django_assert_num_queries):
    first = cached_memory_figures()
    with django_assert_num_queries(0):
        again = cached_memory_figures()
    assert again.published == first.published == 5
    # a bulk update sends no signal: the cached figures stay until invalidated
    Memory.objects.filter(status=Status.DRAFT).update(status=Status.PUBLISHED)
    assert cached_memory_figures().published == 5
    invalidate("stadtgedaechtnis")
    assert cached_memory_figures().published == 6


def test_saving_a_memory_makes_the_figures_stale(collection):
    assert cached_memory_figures().waiting == 3
    memory = Memory.objects.get(title="Vierzig Tage")
    memory.status = Status.PUBLISHED
    memory.save()
    figures = cached_memory_figures()
    assert (figures.waiting, figures.published) == (2, 6)
    memory.themes.add(collection.leer)
    assert dict(cached_memory_figures().themes)["Handwerk"] == 1
    memory.delete()
    assert cached_memory_figures().published == 5


def test_panel_texts_in_english(collection):
    from django.utils import translation

    from stadtgedaechtnis.dashboard_registration import build_charts

    with translation.override("en"):
        built = build_charts(memory_figures())
        assert built["submissions"].title == "Submissions per month (last 24 months)"
        assert built["decades"].table.rows[:2] == [["1950s", "1"], ["1960s", "2"]]
        assert built["district_map"].table.headers == [
            "District",
            "per 1,000 residents",
            "Memories",
            "Class",
        ]
        assert ["Süd", "2.0", "1", "2.0"] in built["district_map"].table.rows
