"""The public memory API: filters, paging, clustering, bad input, and no private data."""

import datetime
import json
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from stadtgedaechtnis.models import Memory, Status
from tests.stadtgedaechtnis.factories import (
    MemoryContactFactory,
    MemoryFactory,
    MemoryPhotoFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

CITY_BBOX = "10.90,50.22,11.05,50.32"
LIST_URL = "/api/memories/"
MAP_URL = "/api/memories/map"


def bulk_memories(count, *, seed=1, title=None, status=Status.PUBLISHED, **fields):
    """Many memories at once (bulk_create skips save(): public points are set here)."""
    rng = random.Random(seed)
    now = timezone.now()
    memories = []
    for i in range(count):
        lon = round(rng.uniform(10.91, 11.04), 6)
        lat = round(rng.uniform(50.23, 50.31), 6)
        memories.append(
            Memory(
                title=title or f"Massenerinnerung {seed}-{i}",
                summary="Kurz.",
                story="Text.",
                lat=lat,
                lon=lon,
                public_lat=lat,
                public_lon=lon,
                decade=1920 + 10 * (i % 10),
                status=status,
                published_at=now if status == Status.PUBLISHED else None,
                **fields,
            )
        )
    return Memory.objects.bulk_create(memories)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


# --------------------------------------------------------------------------------------------
# Bad input


@pytest.mark.parametrize(
    "query, fragment",
    [
        ("bbox=1,2,3&zoom=12", "vier"),
        ("bbox=a,b,c,d&zoom=12", "keine Zahl"),
        ("bbox=11,50,10,51&zoom=12", "West kleiner als Ost"),
        ("bbox=10,50,200,51&zoom=12", "Längengrade"),
        ("bbox=10,-95,11,51&zoom=12", "Breitengrade"),
        ("zoom=12", "Kartenausschnitt"),
        (f"bbox={CITY_BBOX}&zoom=23", "Zoomstufe"),
        (f"bbox={CITY_BBOX}&zoom=-1", "Zoomstufe"),
        (f"bbox={CITY_BBOX}&zoom=12&theme=gibt-es-nicht", "Thema"),
        (f"bbox={CITY_BBOX}&zoom=12&district=gibt-es-nicht", "Stadtteil"),
        (f"bbox={CITY_BBOX}&zoom=12&decade_from=1980&decade_to=1950", "Jahrzehnt"),
        (f"bbox={CITY_BBOX}&zoom=12&decade_from=99999", "Jahrzehnt"),
    ],
)
def test_map_refuses_bad_input_with_a_clear_message(client, query, fragment):
    response = client.get(f"{MAP_URL}?{query}")
    assert response.status_code == 400
    assert fragment in response.json()["detail"]


@pytest.mark.parametrize(
    "query",
    ["bbox=1,2,3", "theme=nix", "district=nix", "decade_from=1990&decade_to=1950"],
)
def test_list_refuses_bad_filters(client, query):
    response = client.get(f"{LIST_URL}?{query}")
    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "url",
    [
        f"{MAP_URL}?bbox={CITY_BBOX}",  # zoom missing
        f"{MAP_URL}?bbox={CITY_BBOX}&zoom=zwölf",
        f"{LIST_URL}?limit=101",
        f"{LIST_URL}?limit=0",
        f"{LIST_URL}?offset=-1",
    ],
)
def test_malformed_parameters_are_422(client, url):
    assert client.get(url).status_code == 422


def test_unpublished_memory_is_404(client):
    for status in (Status.DRAFT, Status.SUBMITTED, Status.REJECTED, Status.WITHDRAWN):
        memory = MemoryFactory(status=status)
        response = client.get(reverse("api:memory_detail", args=[memory.pk]))
        assert response.status_code == 404
        assert response.json()["detail"]
    assert client.get("/api/memories/999999").status_code == 404


# --------------------------------------------------------------------------------------------
# Content


def test_list_is_geojson_with_public_fields(client):
    theme = ThemeFactory(name="Verkehr", slug="verkehr")
    memory = MemoryFactory(
        title="Die Straßenbahn", date_text="Sommer 1972", place_name="Bahnhof", themes=[theme]
    )
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert data["numberMatched"] == 1
    feature = data["features"][0]
    assert feature["id"] == memory.pk
    assert feature["geometry"]["type"] == "Point"
    assert feature["geometry"]["coordinates"] == [
        pytest.approx(memory.public_lon, abs=1e-5),
        pytest.approx(memory.public_lat, abs=1e-5),
    ]
    props = feature["properties"]
    assert props["title"] == "Die Straßenbahn"
    assert props["date_text"] == "Sommer 1972"
    assert props["themes"] == [{"slug": "verkehr", "name": "Verkehr"}]
    assert props["url"].endswith(memory.get_absolute_url())
    assert props["attribution"] == "Erika Mustermann"
    assert "Straßenbahn" in response.content.decode()  # UTF-8, not \u escapes


def test_only_published_memories_are_listed_and_mapped(client):
    published = MemoryFactory(title="Öffentlich")
    for status in (Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.REJECTED):
        MemoryFactory(status=status, title=f"Geheim {status}")
    data = client.get(LIST_URL).json()
    assert [f["id"] for f in data["features"]] == [published.pk]
    data = client.get(f"{MAP_URL}?bbox={CITY_BBOX}&zoom=18").json()
    assert data["numberMatched"] == 1
    assert data["features"][0]["properties"]["id"] == published.pk
    assert "Geheim" not in json.dumps(data)


def test_no_private_data_in_any_response(client):
    """Exact points of private places, contact data, e-mails and chosen-away names stay out."""
    secret_lat, secret_lon = 50.2612345, 10.9712345
    memory = MemoryFactory(
        title="Unsere Wohnung",
        lat=secret_lat,
        lon=secret_lon,
        private_place=True,
        precision="exact",
        attribution="anonymous",
        contributor_name="Hildegard Geheimname",
        author__email="autorin-geheim@example.org",
        author__display_name="Autorin Geheimkonto",
        on_behalf_consent="mündlich am Telefon",
    )
    memory.refresh_from_db()
    assert (memory.public_lat, memory.public_lon) != (secret_lat, secret_lon)
    # The public point lies at least ~50 m away (in a random direction, so a shorter prefix of a
    # coordinate may coincide by chance; the full secret values must never appear).
    dy = (memory.public_lat - secret_lat) * 111_320
    dx = (memory.public_lon - secret_lon) * 111_320 * 0.64  # cos(50.26°)
    assert (dx * dx + dy * dy) ** 0.5 > 45
    MemoryContactFactory(memory=memory, email="kontakt-geheim@example.net", name="Karla Kontakt")
    urls = [
        LIST_URL,
        f"{LIST_URL}?q=Wohnung",
        f"{MAP_URL}?bbox={CITY_BBOX}&zoom=18",
        f"{MAP_URL}?bbox={CITY_BBOX}&zoom=10",
        reverse("api:memory_detail", args=[memory.pk]),
    ]
    for url in urls:
        text = client.get(url).content.decode()
        assert "Unsere Wohnung" in text or '"cluster"' in text
        for secret in (
            "geheim@example",
            "@example",
            "Geheimname",
            "Geheimkonto",
            "Karla Kontakt",
            "Telefon",
            "50.2612345",
            "10.9712345",
            '"lat"',
            '"lon"',
            "email",
        ):
            assert secret not in text, (url, secret)
    detail = client.get(reverse("api:memory_detail", args=[memory.pk])).json()
    assert detail["properties"]["attribution"] == "Anonym"


def test_detail_has_story_photos_and_licence(client):
    memory = MemoryFactory(story="Erster Absatz.\n\nZweiter <b>Absatz</b>.", licence="cc0")
    MemoryPhotoFactory(memory=memory, alt_text="Der Marktplatz 1965", caption="Markttag")
    data = client.get(reverse("api:memory_detail", args=[memory.pk])).json()
    props = data["properties"]
    assert props["story"] == ["Erster Absatz.", "Zweiter <b>Absatz</b>."]
    assert props["licence"] == "cc0"
    assert props["licence_url"].startswith("https://creativecommons.org/publicdomain/zero")
    assert props["photos"][0]["alt"] == "Der Marktplatz 1965"
    assert props["photos"][0]["url"].startswith("http")
    assert props["audio"] is None


def test_filters_work_together(client, centre_district):
    kind = ThemeFactory(slug="kindheit", name="Kindheit & Schule")
    other = ThemeFactory(slug="verkehr", name="Verkehr")
    y1955 = {"date_from": datetime.date(1955, 1, 1), "date_to": datetime.date(1955, 12, 31)}
    y1985 = {"date_from": datetime.date(1985, 1, 1), "date_to": datetime.date(1985, 12, 31)}
    hit = MemoryFactory(title="Die Schultüte", themes=[kind, other], **y1955)
    MemoryFactory(title="Die Schultüte 2", themes=[other], **y1955)
    MemoryFactory(title="Die Schultüte 3", themes=[kind], **y1985)
    MemoryFactory(title="Anderswo", themes=[kind], lat=50.30, lon=11.03, **y1955)
    hit.refresh_from_db()
    assert hit.district == centre_district
    query = "theme=kindheit&decade_from=1950&decade_to=1950&district=" + centre_district.slug
    data = client.get(f"{LIST_URL}?{query}&q=schultüte").json()
    assert [f["id"] for f in data["features"]] == [hit.pk]
    data = client.get(f"{MAP_URL}?{query}&bbox={CITY_BBOX}&zoom=14").json()
    assert data["numberMatched"] == 1
    assert data["features"][0]["properties"]["id"] == hit.pk
    data = client.get(f"{LIST_URL}?bbox=11.02,50.29,11.04,50.31").json()
    assert [f["properties"]["title"] for f in data["features"]] == ["Anderswo"]


def test_paging_with_links(client):
    bulk_memories(7)
    data = client.get(f"{LIST_URL}?limit=3&offset=3&theme=").json()
    assert data["numberMatched"] == 7
    assert data["numberReturned"] == 3
    rels = {link["rel"]: link["href"] for link in data["links"]}
    assert "offset=6" in rels["next"] and "limit=3" in rels["next"]
    assert "offset=0" in rels["prev"]
    last = client.get(rels["next"]).json()
    assert last["numberReturned"] == 1
    assert "next" not in {link["rel"] for link in last["links"]}
    seen = {f["id"] for f in client.get(f"{LIST_URL}?limit=7").json()["features"]}
    assert len(seen) == 7


# --------------------------------------------------------------------------------------------
# Clustering


@pytest.mark.parametrize("zoom", [0, 8, 12, 14, 16, 18, 22])
def test_cluster_sizes_sum_to_the_filtered_count(client, zoom):
    theme = ThemeFactory(slug="feste")
    memories = bulk_memories(150, seed=3)
    for memory in memories[::3]:
        memory.themes.add(theme)
    data = client.get(f"{MAP_URL}?bbox={CITY_BBOX}&zoom={zoom}").json()
    assert data["numberMatched"] == 150
    assert sum(f["properties"]["count"] for f in data["features"]) == 150
    filtered = client.get(f"{MAP_URL}?bbox={CITY_BBOX}&zoom={zoom}&theme=feste").json()
    assert sum(f["properties"]["count"] for f in filtered["features"]) == 50
    half = "10.90,50.22,10.975,50.32"
    inside = Memory.objects.filter(public_lon__lte=10.975).count()
    data = client.get(f"{MAP_URL}?bbox={half}&zoom={zoom}").json()
    assert sum(f["properties"]["count"] for f in data["features"]) == inside


def test_clusters_and_single_points(client):
    bulk_memories(40, seed=5)
    coarse = client.get(f"{MAP_URL}?bbox={CITY_BBOX}&zoom=10").json()
    assert any(f["properties"]["cluster"] for f in coarse["features"])
    cluster = next(f for f in coarse["features"] if f["properties"]["cluster"])
    min_lon, min_lat, max_lon, max_lat = cluster["properties"]["bbox"]
    lon, lat = cluster["geometry"]["coordinates"]
    assert min_lon <= lon <= max_lon and min_lat <= lat <= max_lat
    fine = client.get(f"{MAP_URL}?bbox={CITY_BBOX}&zoom=19").json()
    singles = [f for f in fine["features"] if not f["properties"]["cluster"]]
    assert singles and all(f["properties"]["title"].startswith("Massen") for f in singles)
    assert all("bbox" not in f["properties"] for f in singles)


def test_stacked_points_stay_a_cluster_at_the_highest_zoom(client):
    """Memories blurred to the same district centre cannot be split by zooming."""
    for _ in range(3):
        MemoryFactory(lat=50.2585, lon=10.9645)
    data = client.get(f"{MAP_URL}?bbox={CITY_BBOX}&zoom=22").json()
    assert len(data["features"]) == 1
    assert data["features"][0]["properties"]["count"] == 3


def test_map_response_stays_small_with_many_memories(client):
    # Worst case: long titles full of umlauts, spread so that every cell holds one memory.
    bulk_memories(3000, seed=9, title="Ü" * 200)
    for zoom in (10, 13, 15, 17, 19, 22):
        for bbox in (CITY_BBOX, "-180,-85,180,85", "10.95,50.25,10.99,50.27"):
            response = client.get(f"{MAP_URL}?bbox={bbox}&zoom={zoom}")
            assert response.status_code == 200
            assert len(response.content) < 100_000, (zoom, bbox, len(response.content))
    response = client.get(f"{LIST_URL}?limit=100")
    assert len(response.content) < 200_000


# --------------------------------------------------------------------------------------------
# Query counts


def test_query_counts_do_not_grow_with_the_data(client):
    theme = ThemeFactory(slug="arbeit")
    first = bulk_memories(5, seed=11)
    for memory in first:
        memory.themes.add(theme)
    urls = [
        LIST_URL,
        f"{LIST_URL}?theme=arbeit&decade_from=1920&q=Massen",
        f"{MAP_URL}?bbox={CITY_BBOX}&zoom=12",
        f"{MAP_URL}?bbox={CITY_BBOX}&zoom=18&theme=arbeit",
        f"{MAP_URL}?bbox={CITY_BBOX}&zoom=22",
    ]
    before = [count_queries(client, url) for url in urls]
    more = bulk_memories(120, seed=12)
    for memory in more[:60]:
        memory.themes.add(theme)
    after = [count_queries(client, url) for url in urls]
    assert before == after
    assert max(after) <= 5


def test_openapi_schema_lists_the_memory_endpoints(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/memories/" in schema["paths"]
    assert "/api/memories/map" in schema["paths"]
    assert any(p.startswith("/api/memories/{") for p in schema["paths"])
    params = {p["name"] for p in schema["paths"]["/api/memories/map"]["get"]["parameters"]}
    assert {"bbox", "zoom", "theme", "decade_from", "decade_to", "district", "q"} <= params
