"""Rundgänge (tours): order, distance, dropped memories, blurred points, index, admin, demo."""

import json
import math
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from civic.models import HomePage
from stadtgedaechtnis import services
from stadtgedaechtnis.models import Status, TourIndexPage, TourPage, TourStop
from stadtgedaechtnis.tours import format_distance, haversine_km, walking_minutes
from tests.stadtgedaechtnis.factories import MemoryFactory, ThemeFactory
from tests.stadtgedaechtnis.factories_tours import POINTS, make_index, make_memories, make_tour

pytestmark = pytest.mark.django_db


def reference_km(points):
    """Independent haversine (mean Earth radius 6371.0088 km) summed along ``points``."""
    radius = 6371.0088
    total = 0.0
    for (lat1, lon1), (lat2, lon2) in zip(points, points[1:], strict=False):
        p1, p2 = math.radians(lat1), math.radians(lat2)
        dp, dl = p2 - p1, math.radians(lon2 - lon1)
        a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        total += 2 * radius * math.atan2(math.sqrt(a), math.sqrt(1 - a))
    return total


def map_config(html):
    match = re.search(r'<script id="tour-map-config" type="application/json">(.*?)</script>', html)
    assert match, "no map configuration on the page"
    return json.loads(match.group(1))


def list_ids(html):
    """The memory ids of the stops in the <ol>, in document order."""
    ol = re.search(r'<ol class="tour-stops".*?</ol>', html, re.S)
    assert ol, "no ordered list of stops"
    return [int(i) for i in re.findall(r'<li class="tour-stop"[^>]*data-memory-id="(\d+)"', ol[0])]


@pytest.fixture
def index(home_page):
    return make_index(home_page)


# --------------------------------------------------------------------------------------------
# Distance arithmetic


def test_haversine_matches_known_distances():
    # One degree of latitude along a meridian: 2 * pi * R / 360.
    assert haversine_km((50.0, 10.0), (51.0, 10.0)) == pytest.approx(111.1951, abs=1e-3)
    # Berlin Brandenburger Tor -> Munich Marienplatz: about 504 km as the crow flies.
    assert haversine_km((52.5163, 13.3777), (48.1374, 11.5755)) == pytest.approx(504.3, abs=1.0)
    assert haversine_km((50.2585, 10.9645), (50.2585, 10.9645)) == 0


def test_walking_time_and_labels():
    assert walking_minutes(4.5, 4.5) == 60
    assert walking_minutes(1.0, 4.5) == 15  # 13.3 minutes, rounded up to 5
    assert walking_minutes(0.0, 4.5) == 0
    assert format_distance(0.3456) == "350 m"
    assert format_distance(2.449) == "2,4 km"


# --------------------------------------------------------------------------------------------
# The tour page


def test_stop_order_is_kept_on_the_page_and_in_the_map_json(client, index):
    memories = make_memories()
    order = [memories[i] for i in (2, 0, 4, 1, 3)]  # not the order of creation or of ids
    tour = make_tour(index, order)

    response = client.get(tour.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert list_ids(html) == [m.pk for m in order]
    titles = re.findall(r'class="tour-stop__title"[^>]*>.*?Station \d+: </span>([^<]+)</h3>', html)
    assert titles == [m.title for m in order]

    config = map_config(html)
    assert [s["number"] for s in config["stops"]] == [1, 2, 3, 4, 5]
    assert [s["title"] for s in config["stops"]] == [m.title for m in order]
    assert [(s["lat"], s["lon"]) for s in config["stops"]] == [
        (m.public_lat, m.public_lon) for m in order
    ]
    assert [s["url"] for s in config["stops"]] == [m.get_absolute_url() for m in order]


def test_editor_reordering_changes_the_route(client, index):
    memories = make_memories()[:3]
    tour = make_tour(index, memories)
    stops = list(tour.stops.order_by("sort_order"))
    stops[0].sort_order, stops[2].sort_order = 2, 0
    for stop in stops:
        stop.save()
    html = client.get(tour.url).content.decode()
    assert list_ids(html) == [memories[2].pk, memories[1].pk, memories[0].pk]


def test_distance_is_the_haversine_sum_along_the_public_points(client, index):
    memories = make_memories()
    tour = make_tour(index, memories, walking_speed=4.0)
    points = [(m.public_lat, m.public_lon) for m in memories]
    assert points == POINTS  # exact, public places: the public point is the point
    expected = reference_km(points)
    assert 2.0 < expected < 5.0  # a walk, not a typo in the test data

    response = client.get(tour.url)
    route = response.context["route"]
    assert route.distance_km == pytest.approx(expected, rel=1e-9)
    legs = [stop.leg_km for stop in route.stops]
    assert legs[0] is None
    assert legs[1:] == pytest.approx([reference_km(points[i : i + 2]) for i in range(4)])

    html = response.content.decode()
    shown = f"{expected:.1f}".replace(".", ",") + " km"
    assert f"<span data-tour-distance>{shown}</span>" in html
    assert "Luftlinie" in html
    minutes = math.ceil(expected / 4.0 * 60 / 5) * 5
    assert route.minutes == minutes
    assert "bei 4,0 km/h" in html
    # each stop says how far it is from the previous one
    for leg in legs[1:]:
        assert f"{format_distance(leg)} vom vorigen Halt" in html
    assert "Startpunkt" in html


def test_unpublished_memory_drops_out_and_the_distance_is_recomputed(client, index, editor):
    memories = make_memories()
    tour = make_tour(index, memories)
    services.withdraw(memories[2], actor=editor)
    memories[2].refresh_from_db()
    assert memories[2].status == Status.WITHDRAWN

    response = client.get(tour.url)
    html = response.content.decode()
    remaining = [m for m in memories if m.pk != memories[2].pk]
    assert list_ids(html) == [m.pk for m in remaining]
    assert memories[2].get_absolute_url() not in html
    assert memories[2].title not in html
    config = map_config(html)
    assert [s["number"] for s in config["stops"]] == [1, 2, 3, 4]
    expected = reference_km([(m.public_lat, m.public_lon) for m in remaining])
    assert response.context["route"].distance_km == pytest.approx(expected)
    assert expected < reference_km(POINTS)
    assert "<dd data-tour-stop-count>4</dd>" in html

    # and on the index
    html = client.get(index.url).content.decode()
    assert f"{expected:.1f}".replace(".", ",") + " km" in html


def test_a_tour_whose_stops_all_dropped_out_says_so(client, index):
    memories = make_memories()[:2]
    tour = make_tour(index, memories)
    for memory in memories:
        memory.status = Status.REJECTED
        memory.save()
    html = client.get(tour.url).content.decode()
    assert "keine Stationen" in html
    assert "tour-map-config" not in html


def test_only_the_blurred_public_point_reaches_the_page(client, index):
    exact = [(50.2612345, 10.9712345), (50.2598765, 10.9587654), (50.2633333, 10.9666666)]
    memories = [
        MemoryFactory(title=f"Privat {i}", lat=lat, lon=lon, private_place=True, precision="street")
        for i, (lat, lon) in enumerate(exact)
    ]
    for memory in memories:
        memory.refresh_from_db()
        assert (memory.public_lat, memory.public_lon) != (memory.lat, memory.lon)
    tour = make_tour(index, memories)

    html = client.get(tour.url).content.decode()
    # The blur moves a point 75-150 m in a random direction, so a public coordinate can share
    # its first 4-5 decimals with the exact one by chance; such a prefix gives nothing away.
    public = [f"{v:.6f}" for m in memories for v in (m.public_lat, m.public_lon)]
    for lat, lon in exact:
        for value in (lat, lon):
            for text in (str(value), f"{value:.6f}", f"{value:.5f}", f"{value:.4f}"):
                if any(p.startswith(text) for p in public):
                    continue
                assert text not in html, text
    config = map_config(html)
    assert [(s["lat"], s["lon"]) for s in config["stops"]] == [
        (round(m.public_lat, 6), round(m.public_lon, 6)) for m in memories
    ]
    assert f'href="geo:{memories[0].public_lat:.6f},{memories[0].public_lon:.6f}"' in html
    expected = reference_km([(m.public_lat, m.public_lon) for m in memories])
    html_distance = f"{expected:.1f}".replace(".", ",") if expected >= 1 else None
    if html_distance:
        assert html_distance in html


def test_tour_page_has_no_inline_script_or_style(client, index):
    tour = make_tour(index, make_memories()[:3])
    html = client.get(tour.url).content.decode()
    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert all('type="application/json"' in attrs for attrs in scripts), scripts
    assert "style=" not in html
    assert "stadtgedaechtnis/tours/tour.js" in html and "js/civic-map.js" in html
    assert "data-tour-print hidden" in html  # the print button appears only with JavaScript


def test_stop_title_override_and_editorial_text(client, index):
    memories = make_memories()[:2]
    tour = make_tour(index, memories, texts=["<p>Schauen Sie nach <b>oben</b>.</p>", ""])
    stop = tour.stops.order_by("sort_order").first()
    stop.title = "Der Brunnen"
    stop.save()
    html = client.get(tour.url).content.decode()
    assert "Der Brunnen</h3>" in html
    assert "Schauen Sie nach <b>oben</b>." in html
    # the link still names the memory
    assert f"Zur Erinnerung „{memories[0].title}“" in html


def test_tour_page_query_count_does_not_grow_with_stops(
    client, index, django_assert_max_num_queries
):
    small = make_tour(index, make_memories()[:2], title="Klein")
    points = [(50.25 + i * 0.001, 10.96 + i * 0.001) for i in range(20)]
    big = make_tour(index, make_memories(points), title="Gross")
    client.get(small.url)  # warm caches (site, settings)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small_ctx:
        assert client.get(small.url).status_code == 200
    with django_assert_max_num_queries(len(small_ctx.captured_queries)):
        response = client.get(big.url)
    assert len(response.context["stops"]) == 20


# --------------------------------------------------------------------------------------------
# The index


def test_index_lists_tours_with_stops_distance_and_time(client, index):
    theme = ThemeFactory(name="Bauten & Plätze", slug="bauten")
    memories = make_memories()
    make_tour(index, memories, title="Markt und Veste", theme=theme)
    make_tour(index, memories[:2], title="Kurz")
    draft = make_tour(index, memories, title="Entwurf")
    draft.unpublish()

    html = client.get(index.url).content.decode()
    assert "Markt und Veste" in html and "Kurz" in html
    assert "Entwurf" not in html
    assert "Bauten &amp; Plätze" in html
    full = reference_km(POINTS)
    assert f"{full:.1f}".replace(".", ",") + " km" in html
    assert f"ca. {walking_minutes(full, 4.5)} Minuten" in html or "Std." in html
    facts = re.findall(r"<dt>Stationen</dt><dd>(\d+)</dd>", html)
    assert facts == ["5", "2"]


def test_index_query_count_does_not_grow_with_tours(client, index, django_assert_max_num_queries):
    memories = make_memories()
    make_tour(index, memories, title="Eins")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(index.url)
    with CaptureQueriesContext(connection) as ctx:
        client.get(index.url)
    for i in range(8):
        make_tour(index, memories, title=f"Weitere {i}")
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        response = client.get(index.url)
    assert len(response.context["tours"]) == 9


def test_page_tree_rules():
    assert "stadtgedaechtnis.TourIndexPage" in [
        f"{m._meta.app_label}.{m.__name__}" for m in HomePage.allowed_subpage_models()
    ]
    assert TourPage.allowed_parent_page_models() == [TourIndexPage]
    assert TourIndexPage.allowed_subpage_models() == [TourPage]


def test_english_page(client, index):
    tour = make_tour(index, make_memories()[:3])
    html = client.get("/en" + tour.url).content.decode()
    assert "Stops" in html or "stops" in html
    assert "as the crow flies" in html


# --------------------------------------------------------------------------------------------
# Validation and the admin


@pytest.mark.parametrize(
    "status",
    [Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.REJECTED, Status.WITHDRAWN],
)
def test_unpublished_memory_cannot_be_a_stop(index, status):
    tour = make_tour(index, make_memories()[:2])
    memory = MemoryFactory(status=status)
    with pytest.raises(ValidationError) as excinfo:
        TourStop(page=tour, memory=memory, sort_order=5).full_clean()
    assert "nicht veröffentlicht" in " ".join(excinfo.value.message_dict["memory"])


def test_memory_without_a_point_cannot_be_a_stop(index):
    tour = make_tour(index, make_memories()[:2])
    memory = MemoryFactory(lat=None, lon=None, precision="exact")
    with pytest.raises(ValidationError) as excinfo:
        TourStop(page=tour, memory=memory, sort_order=5).full_clean()
    assert "keinen Ort" in " ".join(excinfo.value.message_dict["memory"])


def tour_form_data(memory_ids, *, publish):
    data = nested_form_data(
        {
            "title": "Neuer Rundgang",
            "slug": "neuer-rundgang",
            "intro": rich_text(""),
            "theme": "",
            "walking_speed": "4.5",
            "stops": inline_formset(
                [
                    {"memory": str(pk), "title": "", "text": rich_text("<p>Hier.</p>")}
                    for pk in memory_ids
                ]
            ),
        }
    )
    if publish:
        data["action-publish"] = "action-publish"
    return data


def add_url(index):
    return reverse("wagtailadmin_pages:add", args=["stadtgedaechtnis", "tourpage", index.pk])


def test_admin_refuses_an_unpublished_memory_on_its_field(client, superuser, index):
    good = make_memories()[:2]
    draft = MemoryFactory(status=Status.SUBMITTED, title="Noch in Prüfung")
    client.force_login(superuser)
    response = client.post(add_url(index), tour_form_data([good[0].pk, draft.pk], publish=False))
    assert response.status_code == 200
    formset = response.context["form"].formsets["stops"]
    assert "nicht veröffentlicht" in " ".join(formset.forms[1].errors["memory"])
    assert not formset.forms[0].errors
    assert not TourPage.objects.filter(slug="neuer-rundgang").exists()


def test_admin_needs_two_stops_to_publish_but_not_for_a_draft(client, superuser, index):
    memories = make_memories()[:2]
    client.force_login(superuser)
    response = client.post(add_url(index), tour_form_data([memories[0].pk], publish=True))
    assert response.status_code == 200
    assert "mindestens 2 Stationen" in " ".join(response.context["form"].non_field_errors())
    assert not TourPage.objects.filter(slug="neuer-rundgang").exists()

    response = client.post(add_url(index), tour_form_data([memories[0].pk], publish=False))
    assert response.status_code == 302
    draft = TourPage.objects.get(slug="neuer-rundgang")
    assert not draft.live

    response = client.post(
        add_url(index),
        {**tour_form_data([m.pk for m in memories], publish=True), "slug": "zweiter"},
    )
    assert response.status_code == 302
    tour = TourPage.objects.get(slug="zweiter")
    assert tour.live
    assert [s.memory_id for s in tour.stops.order_by("sort_order")] == [m.pk for m in memories]


def test_admin_add_page_offers_the_tour_memory_chooser(client, superuser, index):
    client.force_login(superuser)
    response = client.get(add_url(index))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("stadtgedaechtnis_tour_memory_chooser:choose") in html
    assert "Gehgeschwindigkeit (km/h)" in html and 'value="4.5"' in html


def test_preview_with_unsaved_stops_uses_the_stops_in_the_form_order(index):
    from stadtgedaechtnis.tours import tour_route

    memories = make_memories()[:3]
    withdrawn = MemoryFactory(status=Status.WITHDRAWN)
    page = TourPage(
        title="Vorschau",
        walking_speed=3.0,
        stops=[
            TourStop(memory=memories[1], sort_order=0),
            TourStop(memory=withdrawn, sort_order=1),
            TourStop(memory=memories[0], sort_order=2, title="Eigener Titel"),
            TourStop(memory=memories[2], sort_order=3),
        ],
    )
    route = tour_route(page)
    assert [s.memory.pk for s in route.stops] == [memories[1].pk, memories[0].pk, memories[2].pk]
    assert [s.title for s in route.stops][1] == "Eigener Titel"
    points = [(m.public_lat, m.public_lon) for m in (memories[1], memories[0], memories[2])]
    assert route.distance_km == pytest.approx(reference_km(points))
    assert route.minutes == walking_minutes(reference_km(points), 3.0)


def test_memory_chooser_lists_only_published_memories_with_a_point(client, editor):
    shown = MemoryFactory(title="Sichtbar am Markt")
    MemoryFactory(title="Ohne Ort", lat=None, lon=None)
    MemoryFactory(title="Eingereicht", status=Status.SUBMITTED)
    client.force_login(editor)
    url = reverse("stadtgedaechtnis_tour_memory_chooser:choose")
    response = client.get(url)
    assert response.status_code == 200
    html = json.loads(response.content)["html"]
    assert "Sichtbar am Markt" in html
    assert "Ohne Ort" not in html and "Eingereicht" not in html

    results = client.get(
        reverse("stadtgedaechtnis_tour_memory_chooser:choose_results"), {"q": "markt"}
    )
    assert "Sichtbar am Markt" in results.content.decode()
    chosen = client.get(reverse("stadtgedaechtnis_tour_memory_chooser:chosen", args=[shown.pk]))
    assert json.loads(chosen.content)["result"]["title"] == "Sichtbar am Markt"


def test_residents_cannot_open_the_chooser(client, resident):
    client.force_login(resident)
    response = client.get(reverse("stadtgedaechtnis_tour_memory_chooser:choose"))
    assert response.status_code in (302, 403)


# --------------------------------------------------------------------------------------------
# Demo data


def test_demo_seed_adds_a_tour_and_is_idempotent(home_page):
    from stadtgedaechtnis.demo_tours import STOPS, TOUR_TITLE, seed

    memories = [
        MemoryFactory(title=title, lat=lat, lon=lon)
        for (title, _), (lat, lon) in zip(STOPS, POINTS + [(50.262, 10.975)], strict=True)
    ]
    context = {"home": home_page, "pages": {}}
    seed(context)
    seed(context)
    index = TourIndexPage.objects.child_of(home_page).get()
    assert context["pages"]["rundgaenge"] == index and index.slug == "rundgaenge"
    tour = TourPage.objects.child_of(index).get(title=TOUR_TITLE)
    assert tour.live
    assert [s.memory_id for s in tour.stops.order_by("sort_order")] == [m.pk for m in memories]


def test_seed_demo_builds_the_demo_tour(client):
    from django.core.management import call_command

    from stadtgedaechtnis.demo_tours import STOPS, TOUR_TITLE

    call_command("seed_demo", verbosity=0)
    tour = TourPage.objects.get(title=TOUR_TITLE)
    titles = [s.memory.title for s in tour.stops.order_by("sort_order")]
    assert titles == [title for title, _ in STOPS]
    response = client.get(tour.url)
    assert response.status_code == 200
    assert len(response.context["stops"]) == len(STOPS) == 6
    assert client.get(tour.get_parent().url).status_code == 200
    call_command("seed_demo", verbosity=0)
    assert TourPage.objects.filter(title=TOUR_TITLE).count() == 1


def test_admin_preview_of_a_new_tour_shows_its_stops(client, superuser, index):
    memories = make_memories()[:3]
    client.force_login(superuser)
    url = reverse(
        "wagtailadmin_pages:preview_on_add", args=["stadtgedaechtnis", "tourpage", index.pk]
    )
    data = tour_form_data([memories[2].pk, memories[0].pk], publish=False)
    assert json.loads(client.post(url, data).content)["is_valid"] is True
    html = client.get(url).content.decode()
    assert list_ids(html) == [memories[2].pk, memories[0].pk]
    assert [s["number"] for s in map_config(html)["stops"]] == [1, 2]
