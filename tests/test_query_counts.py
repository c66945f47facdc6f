"""The one place that guards them all: the query count of every key public page, API and the
steering dashboards does not grow with the data (issue 7).

Each page is measured with data made by the bench generators at two sizes; the cache is cleared
before each measured request (the uncached path) after one warm-up request (one-off work such as
the content-type cache). No growth is allowed.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agenda.bench_data import generate_round
from civic.bench_data import generate_users
from stadtgedaechtnis.bench_data import generate_memories
from tests.civic.factories import DistrictFactory, square

pytestmark = pytest.mark.django_db

BBOX = "10.9,50.2,11.1,50.32"
ORDERS = ["neu", "stimmen", "kommentare", "zufall"]
# Small is above the cuts of the lists (dashboard top 10, four related memories): a page may
# run one more query once a list is cut, but never more as the data grows beyond that.
SMALL = {"proposals": 15, "comments": 20, "votes": 40, "busy": 8, "memories": 40}
LARGE = {"proposals": 60, "comments": 120, "votes": 300, "busy": 60, "memories": 120}


def count(client, url) -> int:
    """Queries of one uncached request to ``url`` (after a warm-up request)."""
    client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.fixture
def city(home_page):
    from stadtgedaechtnis.models import MemoryMapPage, MemoryTimelinePage

    # Small districts: memories lie close together, so "nearby memories" is never empty.
    DistrictFactory(name="Nord", geometry=square(10.96, 50.254, 0.004))
    DistrictFactory(name="Süd", geometry=square(10.96, 50.25, 0.004))
    map_page = home_page.add_child(
        instance=MemoryMapPage(title="Entdecke", slug="erinnerungen", intro="<p>Karte</p>")
    )
    timeline = map_page.add_child(instance=MemoryTimelinePage(title="Erforsche", slug="zeitleiste"))
    generate_users(80)
    return {"home": home_page, "map": map_page, "timeline": timeline}


def _round(size, seed, phase="vote"):
    return generate_round(
        n_proposals=size["proposals"],
        n_comments=size["comments"],
        n_votes=size["votes"],
        busy_comments=size["busy"],
        seed=seed,
        slug=f"runde-{phase}-{seed}",
        phase=phase,
    )


def _memory_urls(city, memory):
    return {
        "home": city["home"].url,
        "map page": city["map"].url,
        "map page, filtered": city["map"].url + "?decade_from=1950&q=Erinnerung",
        "timeline": city["timeline"].url,
        "memory page": memory.get_absolute_url(),
        "map API zoom 12": f"/api/memories/map?bbox={BBOX}&zoom=12",
        "map API zoom 16": f"/api/memories/map?bbox={BBOX}&zoom=16",
        "map API zoom 18": f"/api/memories/map?bbox={BBOX}&zoom=18",
        "map API filtered": f"/api/memories/map?bbox={BBOX}&zoom=14&decade_from=1950",
        "memory list API": f"/api/memories/?bbox={BBOX}",
    }


def _assert_same(small: dict, large: dict):
    grown = {name: f"{small[name]} → {large[name]}" for name in small if large[name] > small[name]}
    assert not grown, f"query count grows with the data: {grown}"


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "resident"])
def test_stadtgedaechtnis_pages(client, city, resident, logged_in):
    from stadtgedaechtnis.models import Memory

    if logged_in:
        client.force_login(resident)
    generate_memories(SMALL["memories"])
    # A memory with both related lists filled (nearby, and from the same decade).
    decade = (
        Memory.objects.values("decade").annotate(n=Count("pk")).order_by("-n", "decade").first()
    )
    assert decade["n"] >= 6
    memory = Memory.objects.filter(decade=decade["decade"]).order_by("uid").first()
    small = {name: count(client, url) for name, url in _memory_urls(city, memory).items()}
    generate_memories(LARGE["memories"])  # the same seed: adds the missing 100
    large = {name: count(client, url) for name, url in _memory_urls(city, memory).items()}
    _assert_same(small, large)


def _round_urls(result):
    round_ = result["round"]
    urls = {"round page": round_.url}
    for order in ORDERS:
        urls[f"proposal list, {order}"] = f"{round_.url}?sortierung={order}"
    urls["proposal list, page 2"] = f"{round_.url}?sortierung=neu&seite=2"
    urls["proposal page, most comments"] = f"/agenda/vorschlaege/{result['busy_proposal_id']}/"
    return urls


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "resident"])
def test_round_pages(client, city, resident, logged_in):
    from agenda.models import Proposal
    from tests.agenda.factories import make_comment

    small_round = _round(SMALL, seed=1)
    large_round = _round(LARGE, seed=2)
    if logged_in:
        client.force_login(resident)
        # The resident has voted and commented in both rounds (per-user state on each page).
        for result in (small_round, large_round):
            busy = Proposal.objects.get(pk=result["busy_proposal_id"])
            make_comment(busy, resident, "Meine Meinung")
    small = {name: count(client, url) for name, url in _round_urls(small_round).items()}
    large = {name: count(client, url) for name, url in _round_urls(large_round).items()}
    _assert_same(small, large)
    busy_comments = LARGE["busy"]
    html = client.get(f"/agenda/vorschlaege/{large_round['busy_proposal_id']}/").content.decode()
    assert html.count('id="c') >= busy_comments // 2  # the comments are really on the page


def test_results_page(client, city):
    small_round = _round(SMALL, seed=3, phase="result")
    large_round = _round(LARGE, seed=4, phase="result")
    small = {"results": count(client, small_round["round"].results_url())}
    large = {"results": count(client, large_round["round"].results_url())}
    _assert_same(small, large)


def _drop_round(result):
    """Remove a generated round with everything in it (the dashboard shows every open round)."""
    from django.contrib.contenttypes.models import ContentType
    from django_comments.models import Comment

    from agenda.models import OfflineSource, Proposal, RoundPage

    proposals = Proposal.objects.filter(round=result["round"])
    Comment.objects.filter(
        content_type=ContentType.objects.get_for_model(Proposal),
        object_pk__in=[str(pk) for pk in proposals.values_list("pk", flat=True)],
    ).delete()
    proposals.delete()
    OfflineSource.objects.filter(round=result["round"]).delete()
    RoundPage.objects.get(pk=result["round"].pk).delete()


def test_steering_dashboards(client, city, steering):
    """Same number of rounds at both sizes: the dashboard has one panel per open round."""
    client.force_login(steering)
    generate_memories(SMALL["memories"])
    small_round = _round(SMALL, seed=5)
    small = {
        "dashboard": count(client, reverse("civic_dashboard:index")),
        "round dashboard": count(
            client, reverse("agenda_dashboard:round", args=[small_round["round"].pk])
        ),
    }
    generate_memories(LARGE["memories"])
    _drop_round(small_round)
    large_round = _round(LARGE, seed=6)
    large = {
        "dashboard": count(client, reverse("civic_dashboard:index")),
        "round dashboard": count(
            client, reverse("agenda_dashboard:round", args=[large_round["round"].pk])
        ),
    }
    _assert_same(small, large)


# -- issue 7, second part: the counters and the caches ---------------------------------------


def _queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in ctx.captured_queries]


def test_sorted_lists_and_the_ranking_read_the_counters_not_the_votes(client, city):
    """Sorting 30,000 proposals by votes or comments must not count 2M votes per request: the
    anonymous lists touch neither the vote nor the comment table, and the ranking of the
    results page is one query over the proposals alone."""
    from agenda.models import RoundPage

    result = _round(LARGE, seed=7, phase="result")
    round_ = RoundPage.objects.get(pk=result["round"].pk)
    for order in ("stimmen", "kommentare"):
        client.get(f"{round_.url}?sortierung={order}")  # warm-up
        cache.clear()
        sql = _queries(client, f"{round_.url}?sortierung={order}")
        assert not [q for q in sql if '"agenda_vote"' in q or "django_comments" in q], order
    cache.clear()
    sql = _queries(client, round_.results_url())
    ranking = [q for q in sql if '"score" DESC' in q or '"support_total" DESC' in q]
    assert ranking, "the ranking query sorts on the stored counters"
    assert not [q for q in ranking if '"agenda_vote"' in q or "agenda_offlinevotetally" in q]


def test_cached_map_and_timeline_need_fewer_queries(client, city):
    generate_memories(SMALL["memories"])
    url = f"/api/memories/map?bbox={BBOX}&zoom=14"
    first = _queries(client, url)
    second = _queries(client, url)
    assert len(second) < len(first)
    assert not [q for q in second if "GROUP BY" in q]
    timeline_first = _queries(client, city["timeline"].url)
    timeline_second = _queries(client, city["timeline"].url)
    assert len(timeline_second) < len(timeline_first)


def test_page_cache_serves_memory_and_proposal_pages_without_queries(client, city, settings):
    from wagtail.models import Site

    from civic.cache import connect_signals
    from civic.models import CitySettings
    from stadtgedaechtnis.models import Memory

    page_cache = "civic.cache.AnonymousPageCacheMiddleware"
    middleware = [m for m in settings.MIDDLEWARE if m != page_cache]
    middleware.insert(middleware.index("django.middleware.locale.LocaleMiddleware") + 1, page_cache)
    settings.MIDDLEWARE = middleware
    settings.CIVIC_PAGE_CACHE_SECONDS = 60
    connect_signals()
    generate_memories(SMALL["memories"])
    result = _round(SMALL, seed=8)
    # The site settings row is created on first use, and that save invalidates: create it now.
    CitySettings.for_site(Site.objects.get(is_default_site=True))
    memory = Memory.objects.published().order_by("pk").first()
    for url in (memory.get_absolute_url(), f"/agenda/vorschlaege/{result['busy_proposal_id']}/"):
        first = client.get(url)  # miss: rendered and stored
        assert first["X-Civic-Cache"] == "miss", (url, first.cookies, first.get("Cache-Control"))
        assert _queries(client, url) == [], url
