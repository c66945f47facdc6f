"""Entdecke (map page + list), Erforsche (timeline), the memory page, search and home page."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stadtgedaechtnis.models import MemoryMapPage, MemoryTimelinePage, Status
from tests.stadtgedaechtnis.factories import MemoryFactory, MemoryPhotoFactory, ThemeFactory

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def map_page(home_page):
    page = home_page.add_child(
        instance=MemoryMapPage(title="Entdecke", slug="erinnerungen", intro="<p>Die Karte.</p>")
    )
    return page


@pytest.fixture
def timeline_page(map_page):
    return map_page.add_child(instance=MemoryTimelinePage(title="Erforsche", slug="zeitleiste"))


def decade(year):
    return {"date_from": datetime.date(year, 1, 1), "date_to": datetime.date(year, 12, 31)}


def queries_for(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# --------------------------------------------------------------------------------------------
# Entdecke


def test_map_page_has_map_filters_list_and_doors(client, map_page, timeline_page):
    MemoryFactory(title="Der Wochenmarkt")
    MemoryFactory(title="Noch nicht frei", status=Status.SUBMITTED)
    response = client.get(map_page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-explore-map="explore-map-config"' in html
    config = json.loads(
        re.search(r'id="explore-map-config"[^>]*>(.*?)</script>', html, re.S).group(1)
    )
    assert config["apiUrl"] == "/api/memories/map"
    assert config["memoryUrl"].endswith("/{id}/")
    assert "tileUrl" in config["options"]
    assert "Der Wochenmarkt" in html
    assert "Noch nicht frei" not in html
    assert "1 Erinnerung" in html
    # The three doors: Erzähle (when M1's form exists), Entdecke, Erforsche.
    assert timeline_page.url in html
    assert 'aria-current="page"' in html
    for name in ("q", "theme", "decade_from", "decade_to", "district"):
        assert f'name="{name}"' in html
    assert "<script>" not in re.sub(r"<script (src|type|id)[^>]*>", "", html)


def test_list_follows_the_filters_and_keeps_bad_input(client, map_page):
    kind = ThemeFactory(slug="kindheit", name="Kindheit & Schule")
    MemoryFactory(title="Einschulung", themes=[kind], **decade(1956))
    MemoryFactory(title="Die Straßenbahn", **decade(1972))
    html = client.get(map_page.url + "?theme=kindheit").content.decode()
    assert "Einschulung" in html and "Die Straßenbahn" not in html
    config = json.loads(
        re.search(r'id="explore-map-config"[^>]*>(.*?)</script>', html, re.S).group(1)
    )
    assert config["filters"] == {"theme": "kindheit"}
    html = client.get(map_page.url + "?decade_from=1970&q=bahn").content.decode()
    assert "Die Straßenbahn" in html and "Einschulung" not in html
    # Bad input: a clear message, the typed text kept, the valid filters still applied.
    response = client.get(
        map_page.url + "?q=Stra%C3%9Fe&theme=gibt-es-nicht&decade_from=1990&decade_to=1950"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dieses Thema gibt es nicht." in html
    assert "Das Jahrzehnt „bis“ darf nicht vor dem Jahrzehnt „von“ liegen." in html
    assert 'value="Straße"' in html
    assert "Die Straßenbahn" in html


def test_list_can_be_limited_to_a_bbox(client, map_page):
    MemoryFactory(title="Im Zentrum")
    MemoryFactory(title="Am Stadtrand", lat=50.30, lon=11.03)
    html = client.get(map_page.url + "?bbox=11.0,50.29,11.04,50.31&ausschnitt=1").content.decode()
    assert "Am Stadtrand" in html and "Im Zentrum" not in html
    assert "im Kartenausschnitt" in html
    assert "Alle Filter zurücksetzen" in html


def test_list_is_paginated(client, map_page):
    for i in range(23):
        MemoryFactory(title=f"Erinnerung Nummer {i:02d}")
    html = client.get(map_page.url + "?q=Nummer").content.decode()
    assert "23 Erinnerungen" in html
    assert "Seite 1 von 2" in html
    assert "?q=Nummer&amp;seite=2#erinnerungsliste" in html
    html = client.get(map_page.url + "?q=Nummer&seite=2").content.decode()
    assert html.count('class="card memory-card"') == 3


def test_map_page_query_count_does_not_grow(client, map_page):
    theme = ThemeFactory(slug="arbeit")

    def add(n):
        for _ in range(n):
            memory = MemoryFactory(themes=[theme])
            MemoryPhotoFactory(memory=memory)

    add(3)
    client.get(map_page.url)  # renditions are created on the first view
    before = queries_for(client, map_page.url)
    before_filtered = queries_for(client, map_page.url + "?theme=arbeit&q=Erinnerung")
    add(25)
    client.get(map_page.url)
    client.get(map_page.url + "?seite=2")
    assert queries_for(client, map_page.url) == before
    assert queries_for(client, map_page.url + "?theme=arbeit&q=Erinnerung") == before_filtered


# --------------------------------------------------------------------------------------------
# The memory page


def test_memory_page_shows_the_story(client, map_page):
    theme = ThemeFactory(name="Feste & Vereine", slug="feste")
    memory = MemoryFactory(
        title="Das Vogelschießen",
        summary="Jeden Sommer auf dem Anger.",
        story="Erster Absatz.\n\nZweiter Absatz\nmit Zeilenumbruch.",
        date_text="Sommer 1972",
        place_name="Anger",
        place_note="heute Parkplatz",
        themes=[theme],
        licence="cc-by-sa-4.0",
        **decade(1972),
    )
    MemoryPhotoFactory(
        memory=memory, alt_text="Kinder am Karussell", caption="Das Karussell", creator="Foto Meier"
    )
    html = client.get(memory.get_absolute_url()).content.decode()
    assert '<h1 id="memory-title">Das Vogelschießen</h1>' in html
    assert "<p>Erster Absatz.</p>" in html
    assert "<p>Zweiter Absatz<br>mit Zeilenumbruch.</p>" in html
    assert "„Sommer 1972“" in html and "(<time" in html and "1972" in html
    assert "heute Parkplatz" in html
    assert 'alt="Kinder am Karussell"' in html
    assert "Das Karussell" in html and "Foto: Foto Meier" in html
    assert 'href="https://creativecommons.org/licenses/by-sa/4.0/" rel="license"' in html
    assert "Erika Mustermann" in html
    assert f"{map_page.url}?theme=feste" in html
    assert "Nicht veröffentlicht" not in html
    assert 'data-explore-point="memory-point-map"' in html


def test_memory_page_json_ld(client, map_page):
    memory = MemoryFactory(title="Der Bahnhof", place_name="Bahnhof", **decade(1962))
    html = client.get(memory.get_absolute_url()).content.decode()
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(raw)
    assert data["@type"] == "CreativeWork"
    assert data["name"] == "Der Bahnhof"
    assert data["temporalCoverage"] == "1962-01-01/1962-12-31"
    assert data["spatialCoverage"]["name"] == "Bahnhof"
    assert data["spatialCoverage"]["geo"]["latitude"] == pytest.approx(memory.public_lat, abs=1e-4)
    assert data["creator"]["name"] == "Erika Mustermann"
    assert data["license"].startswith("https://creativecommons.org/")


def test_anonymous_stays_anonymous(client):
    memory = MemoryFactory(
        attribution="anonymous",
        contributor_name="Hilde Heimlich",
        author__display_name="Konto Heimlich",
        author__email="heimlich@example.org",
    )
    html = client.get(memory.get_absolute_url()).content.decode()
    assert "Anonym" in html
    for secret in ("Heimlich", "heimlich@example.org"):
        assert secret not in html
    assert '"creator"' not in html


def test_private_place_shows_only_the_blurred_point(client):
    memory = MemoryFactory(lat=50.2612345, lon=10.9712345, private_place=True)
    memory.refresh_from_db()
    html = client.get(memory.get_absolute_url()).content.decode()
    assert "50.2612345" not in html and "10.9712345" not in html
    assert "nur ungefähr" in html


@pytest.mark.parametrize(
    "status",
    [Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.REJECTED, Status.WITHDRAWN],
)
def test_unpublished_memory_only_for_author_and_editors(
    client, status, resident, other_resident, editor, steering
):
    memory = MemoryFactory(status=status, author=resident, title="Vorschau-Erinnerung")
    url = memory.get_absolute_url()
    assert client.get(url).status_code == 404
    for user in (other_resident, steering):
        client.force_login(user)
        assert client.get(url).status_code == 404
    for user in (resident, editor):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Nicht veröffentlicht – Status: " + str(memory.get_status_display()) in html


def test_published_memory_for_everyone(client, resident, editor):
    memory = MemoryFactory(author=resident)
    for user in (None, resident, editor):
        if user:
            client.force_login(user)
        assert client.get(memory.get_absolute_url()).status_code == 200
    assert client.get("/erinnerungen/999999/").status_code == 404


def test_nearby_and_same_decade(client, map_page, timeline_page):
    memory = MemoryFactory(title="Hier", **decade(1965))
    near = MemoryFactory(title="Gleich nebenan", lat=50.2590, lon=10.9650, **decade(1985))
    MemoryFactory(title="Weit weg", lat=50.31, lon=11.04, **decade(1995))
    same = MemoryFactory(title="Auch in den Sechzigern", lat=50.30, lon=11.03, **decade(1961))
    MemoryFactory(title="Unveröffentlicht nebenan", status=Status.SUBMITTED, **decade(1965))
    html = client.get(memory.get_absolute_url()).content.decode()
    nearby = html.split('id="memory-nearby-title"')[1].split("</section>")[0]
    assert near.title in nearby and "Weit weg" not in nearby and "Unveröffentlicht" not in nearby
    decade_part = html.split('id="memory-decade-title"')[1].split("</section>")[0]
    assert same.title in decade_part and "1960er" in decade_part
    assert f"{timeline_page.url}?jahrzehnt=1960" in decade_part


def test_memory_page_query_count_is_bounded(client, django_assert_max_num_queries):
    memory = MemoryFactory(**decade(1965))
    for _ in range(10):
        neighbour = MemoryFactory(**decade(1965))
        MemoryPhotoFactory(memory=neighbour)
    client.get(memory.get_absolute_url())
    with django_assert_max_num_queries(25):
        assert client.get(memory.get_absolute_url()).status_code == 200


# --------------------------------------------------------------------------------------------
# XSS


def test_xss_payloads_are_inert(client, map_page, timeline_page, home_page):
    memory = MemoryFactory(
        title="T" + XSS,
        summary="S" + XSS,
        story="Story " + XSS + "\n\n</script><script>alert(2)</script>",
        date_text="D" + XSS,
        place_name="P" + XSS,
        place_note="N" + XSS,
        featured_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        **decade(1965),
    )
    MemoryPhotoFactory(memory=memory, alt_text='A" onload="alert(3)', caption="C" + XSS)
    pages = [
        memory.get_absolute_url(),
        map_page.url,
        timeline_page.url,
        timeline_page.url + "?jahrzehnt=1960",
        "/suche/?q=Story",
        home_page.url,
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url
        assert 'onload="alert' not in html, url
        assert "&lt;script&gt;" in html or "\\u003Cscript\\u003E" in html, url
    # The JSON-LD cannot be broken out of.
    html = client.get(memory.get_absolute_url()).content.decode()
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "</script" not in raw
    assert json.loads(raw)["name"] == "T" + XSS


# --------------------------------------------------------------------------------------------
# Erforsche


def test_timeline_by_decade(client, timeline_page):
    kind = ThemeFactory(slug="kindheit", name="Kindheit & Schule")
    for i in range(8):
        MemoryFactory(title=f"Fünfziger {i}", **decade(1950 + i))
    MemoryFactory(title="Siebziger", themes=[kind], **decade(1974))
    MemoryFactory(title="Ohne Datum", date_from=None, date_to=None)
    html = client.get(timeline_page.url).content.decode()
    assert html.index("Die 1950er Jahre") < html.index("Die 1970er Jahre")
    assert "8 Erinnerungen" in html
    assert html.count("Fünfziger") == 6  # limited per decade ...
    assert "?jahrzehnt=1950" in html and "Alle 8 Erinnerungen aus den 1950er Jahren" in html
    assert 'href="#jahrzehnt-1970"' in html
    assert "1 Erinnerung ohne genaue Zeitangabe" in html
    html = client.get(timeline_page.url + "?jahrzehnt=1950").content.decode()
    assert html.count("Fünfziger") == 8
    assert "Siebziger" not in html
    html = client.get(timeline_page.url + "?theme=kindheit").content.decode()
    assert "Siebziger" in html and "Fünfziger" not in html


def test_timeline_query_count_does_not_grow(client, timeline_page):
    theme = ThemeFactory(slug="feste")
    for year in (1951, 1962, 1973):
        MemoryPhotoFactory(memory=MemoryFactory(themes=[theme], **decade(year)))
    client.get(timeline_page.url)
    before = queries_for(client, timeline_page.url)
    before_theme = queries_for(client, timeline_page.url + "?theme=feste")
    for year in range(1920, 2020, 3):
        MemoryPhotoFactory(memory=MemoryFactory(themes=[theme], **decade(year)))
    client.get(timeline_page.url)
    assert queries_for(client, timeline_page.url) == before
    assert queries_for(client, timeline_page.url + "?theme=feste") == before_theme


# --------------------------------------------------------------------------------------------
# Search and home page


def test_site_search_finds_memories(client):
    memory = MemoryFactory(title="Das Hofbräuhaus", story="Dort tanzten wir jeden Samstag.")
    MemoryFactory(title="Geheimes Hofbräuhaus", status=Status.SUBMITTED)
    html = client.get("/suche/?q=tanzten").content.decode()
    assert "Das Hofbräuhaus" in html
    assert memory.get_absolute_url() in html
    html = client.get("/suche/?q=Hofbräuhaus").content.decode()
    assert "Geheimes" not in html


def test_home_page_shows_the_memory_of_the_month(client, home_page):
    MemoryFactory(title="Ältere", featured_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))
    MemoryFactory(
        title="Die Erinnerung des Monats",
        featured_at=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC),
    )
    MemoryFactory(
        title="Nicht mehr öffentlich",
        status=Status.WITHDRAWN,
        featured_at=datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC),
    )
    html = client.get(home_page.url).content.decode()
    assert "Erinnerung des Monats" in html
    assert "Die Erinnerung des Monats" in html
    assert "Nicht mehr öffentlich" not in html and "Ältere" not in html


def test_memory_page_in_english(client):
    from django.utils import translation

    memory = MemoryFactory(title="Der Bahnhof")
    with translation.override("en"):
        url = memory.get_absolute_url()
    assert url == f"/en/memories/{memory.pk}/"
    html = client.get(url).content.decode()
    assert 'lang="en"' in html
    assert "Told by" in html and "Licence and credit" in html


def test_comment_section_on_a_published_memory(client):
    memory = MemoryFactory()
    html = client.get(memory.get_absolute_url()).content.decode()
    assert 'id="ergaenzungen"' in html
