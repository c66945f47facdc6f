"""The map API's clusters and the timeline's decades are cached (issue 7), and a change of a
memory shows at once: the cache keys carry the memories' data version (civic.cache)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stadtgedaechtnis.models import MemoryMapPage, MemoryTimelinePage, Status
from tests.stadtgedaechtnis.factories import MemoryFactory, ThemeFactory

pytestmark = pytest.mark.django_db

COBURG = "10.90,50.22,11.05,50.32"


def decade(year):
    return {"date_from": datetime.date(year, 1, 1), "date_to": datetime.date(year, 12, 31)}


def get(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return response, [q["sql"] for q in ctx.captured_queries]


def map_view(client, **params):
    response, queries = get(
        client, reverse("api:memory_map"), {"bbox": COBURG, "zoom": 14, **params}
    )
    return response.json(), queries


def aggregates(queries):
    """The clustering aggregate (GROUP BY over the memories in the box)."""
    return [q for q in queries if "GROUP BY" in q and "public_lon" in q]


def test_map_clusters_come_from_the_cache_until_a_memory_changes(client):
    memories = [MemoryFactory(lat=50.2585 + i * 0.0001, lon=10.9645) for i in range(5)]
    first, queries = map_view(client)
    assert first["numberMatched"] == 5
    assert len(aggregates(queries)) == 1
    again, queries = map_view(client)
    assert again == first
    assert aggregates(queries) == []  # served from the cache

    # Another box or zoom is another key.
    _other, queries = map_view(client, zoom=12)
    assert len(aggregates(queries)) == 1

    # A new memory, an unpublished one and a moved one show at once.
    MemoryFactory(lat=50.27, lon=10.99)
    assert map_view(client)[0]["numberMatched"] == 6
    hidden = memories[0]
    hidden.status = Status.REJECTED
    hidden.save()
    assert map_view(client)[0]["numberMatched"] == 5
    moved = memories[1]
    moved.lat, moved.lon = 48.0, 11.5  # out of the box (Munich)
    moved.save()
    assert map_view(client)[0]["numberMatched"] == 4
    memories[2].delete()
    assert map_view(client)[0]["numberMatched"] == 3


def test_map_filter_by_theme_is_cached_separately_and_follows_theme_changes(client):
    theme = ThemeFactory(slug="feste", name="Feste")
    tagged = MemoryFactory(themes=[theme])
    MemoryFactory()
    assert map_view(client)[0]["numberMatched"] == 2
    assert map_view(client, theme="feste")[0]["numberMatched"] == 1
    other = MemoryFactory()
    other.themes.add(theme)  # only the many-to-many table changes
    assert map_view(client, theme="feste")[0]["numberMatched"] == 2
    tagged.themes.clear()
    assert map_view(client, theme="feste")[0]["numberMatched"] == 1


def test_cache_off_computes_every_time(client, settings):
    settings.CIVIC_EXPLORE_CACHE_SECONDS = 0
    MemoryFactory()
    map_view(client)
    _again, queries = map_view(client)
    assert len(aggregates(queries)) == 1


@pytest.fixture
def timeline_page(home_page):
    map_page = home_page.add_child(instance=MemoryMapPage(title="Entdecke", slug="erinnerungen"))
    return map_page.add_child(instance=MemoryTimelinePage(title="Erforsche", slug="zeitleiste"))


def test_timeline_decades_are_cached_and_a_change_shows_at_once(client, timeline_page):
    MemoryFactory(title="Fünfziger Jahre am Markt", **decade(1955))
    first, first_queries = get(client, timeline_page.url)
    html = first.content.decode()
    assert "Die 1950er Jahre" in html and "Fünfziger Jahre am Markt" in html
    windowed = [q for q in first_queries if "ROW_NUMBER" in q.upper()]
    assert len(windowed) == 1
    again, queries = get(client, timeline_page.url)
    assert again.content == first.content
    assert [q for q in queries if "ROW_NUMBER" in q.upper()] == []  # decades from the cache
    assert len(queries) < len(first_queries)

    MemoryFactory(title="Siebziger Sommer", **decade(1974))
    html = client.get(timeline_page.url).content.decode()
    assert "Die 1970er Jahre" in html and "Siebziger Sommer" in html
    old = MemoryFactory(title="Verschwundene Erinnerung", **decade(1962))
    assert "Verschwundene Erinnerung" in client.get(timeline_page.url).content.decode()
    old.status = Status.REJECTED
    old.save()
    html = client.get(timeline_page.url).content.decode()
    assert "Verschwundene Erinnerung" not in html and "Die 1960er Jahre" not in html


def test_timeline_theme_filter_has_its_own_entry(client, timeline_page):
    theme = ThemeFactory(slug="kindheit", name="Kindheit")
    MemoryFactory(title="Schulweg", themes=[theme], **decade(1958))
    MemoryFactory(title="Tanzabend", **decade(1966))
    plain = client.get(timeline_page.url).content.decode()
    filtered = client.get(timeline_page.url + "?theme=kindheit").content.decode()
    assert "Tanzabend" in plain and "Schulweg" in plain
    assert "Schulweg" in filtered and "Tanzabend" not in filtered
    # Both answered again from their own entries, unchanged.
    assert client.get(timeline_page.url + "?theme=kindheit").content.decode() == filtered
