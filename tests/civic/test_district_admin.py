"""Districts in the Wagtail admin: list, map editor, validation, access."""

import json

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from civic.forms_admin import PolygonGeoJSONField
from civic.models import District
from civic.roles import EDITORS, RESIDENTS
from tests.civic.factories import DistrictFactory, UserFactory, square

LIST_URL = "wagtailsnippets_civic_district:list"
ADD_URL = "wagtailsnippets_civic_district:add"
EDIT_URL = "wagtailsnippets_civic_district:edit"


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


@pytest.fixture
def editor_client(client, db):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(user)
    return client


def form_data(**overrides):
    data = {
        "name": "Neustadt",
        "slug": "",
        "geometry": json.dumps(square(10.95, 50.25)),
        "population": "1200",
        "source": "Redaktion",
    }
    data.update(overrides)
    return data


def test_list_page(admin_client):
    DistrictFactory(name="Lützelbuch", population=1500, source="Demo-Daten")
    DistrictFactory(name="Rögen")

    response = admin_client.get(reverse(LIST_URL))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Lützelbuch" in content and "Rögen" in content
    assert "Demo-Daten" in content


def test_list_search_by_name(admin_client):
    DistrictFactory(name="Lützelbuch")
    DistrictFactory(name="Rögen")

    response = admin_client.get(reverse(LIST_URL), {"q": "lützel"})

    content = response.content.decode()
    assert "Lützelbuch" in content
    assert "Rögen" not in content


def test_list_export_csv(admin_client):
    DistrictFactory(name="Wüstenahorn", population=3900)

    response = admin_client.get(reverse(LIST_URL), {"export": "csv"})

    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    assert "Wüstenahorn" in body and "3900" in body


def test_admin_menu_has_districts(admin_client):
    response = admin_client.get(reverse("wagtailadmin_home"))

    assert response.status_code == 200
    assert "Stadtteile" in response.content.decode()


def test_add_page_renders_map_widget(admin_client):
    response = admin_client.get(reverse(ADD_URL))

    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="geometry"' in content
    assert "leaflet/leaflet.js" in content
    assert "leaflet/leaflet.extras.css" in content
    assert "leaflet/draw/leaflet.draw.js" in content


def test_edit_page_shows_current_geometry(admin_client):
    district = DistrictFactory(geometry=square(10.95, 50.25))

    response = admin_client.get(reverse(EDIT_URL, args=[district.pk]))

    assert response.status_code == 200
    assert "[[[10.95, 50.25]" in response.content.decode()


def test_create_with_valid_polygon(admin_client):
    response = admin_client.post(reverse(ADD_URL), form_data())

    assert response.status_code == 302
    district = District.objects.get(name="Neustadt")
    assert district.geometry == square(10.95, 50.25)
    assert district.slug == "neustadt"
    assert district.population == 1200
    assert (district.min_lon, district.min_lat) == pytest.approx((10.95, 50.25))


def test_create_accepts_a_pasted_feature(admin_client):
    feature = {"type": "Feature", "properties": {}, "geometry": square(10.95, 50.25)}

    admin_client.post(reverse(ADD_URL), form_data(geometry=json.dumps(feature)))

    assert District.objects.get(name="Neustadt").geometry == square(10.95, 50.25)


def test_editor_can_change_geometry(editor_client):
    district = DistrictFactory(name="Creidlitz", geometry=square(10.95, 50.25))
    multipolygon = {
        "type": "MultiPolygon",
        "coordinates": [square(10.96, 50.22)["coordinates"], square(10.98, 50.22)["coordinates"]],
    }

    response = editor_client.post(
        reverse(EDIT_URL, args=[district.pk]),
        form_data(name="Creidlitz", slug="creidlitz", geometry=json.dumps(multipolygon)),
    )

    assert response.status_code == 302
    district.refresh_from_db()
    assert district.geometry == multipolygon
    assert district.max_lon == pytest.approx(10.99)


@pytest.mark.parametrize(
    "geometry, message",
    [
        ("{kaputt", "kein gültiges GeoJSON"),
        (
            json.dumps({"type": "Point", "coordinates": [10.9, 50.2]}),
            "Polygon oder Multipolygon, nicht Point",
        ),
        (
            json.dumps(
                {
                    "type": "Polygon",
                    "coordinates": [
                        [[10.9, 50.2], [10.92, 50.22], [10.92, 50.2], [10.9, 50.22], [10.9, 50.2]]
                    ],
                }
            ),
            "überschneidet sich selbst",
        ),
        (json.dumps(square(640000, 5569000, 500)), "nicht in WGS84"),
    ],
    ids=["syntax", "point", "self-intersecting", "utm"],
)
def test_invalid_geometry_shows_german_error_and_keeps_input(admin_client, geometry, message):
    response = admin_client.post(reverse(ADD_URL), form_data(geometry=geometry))

    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    # The submitted text is back in the field, so it can be corrected.
    escaped = geometry.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    assert escaped in content
    assert not District.objects.exists()


def test_missing_geometry_is_required(admin_client):
    response = admin_client.post(reverse(ADD_URL), form_data(geometry=""))

    assert response.status_code == 200
    assert not District.objects.exists()


def test_slug_clash_is_a_form_error(admin_client):
    DistrictFactory(name="Lützelbuch", slug="lutzelbuch")

    response = admin_client.post(reverse(ADD_URL), form_data(name="Lutzelbuch"))

    assert response.status_code == 200
    assert "existiert bereits" in response.content.decode()
    assert District.objects.count() == 1


def test_resident_has_no_access(client, db):
    resident = UserFactory()
    resident.groups.add(Group.objects.get(name=RESIDENTS))
    client.force_login(resident)

    for url in (reverse(LIST_URL), reverse(ADD_URL)):
        response = client.get(url)
        assert response.status_code == 403
        if response.status_code == 302:
            assert "login" in response["Location"]

    response = client.post(reverse(ADD_URL), form_data())
    assert response.status_code == 403
    assert not District.objects.exists()


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse(ADD_URL))

    assert response.status_code == 302
    assert "login" in response["Location"]


# --------------------------------------------------------------------------------------------
# The form field on its own


def test_field_cleans_to_dict():
    field = PolygonGeoJSONField()
    assert field.clean(json.dumps(square(10.9, 50.2))) == square(10.9, 50.2)


@pytest.mark.parametrize("value", ["{kaputt", "", None, 42, ["x"], {"type": "Nonsense"}])
def test_field_prepare_value_never_raises(value):
    assert isinstance(PolygonGeoJSONField().prepare_value(value), str)


def test_widget_renders_invalid_text_unchanged():
    html = PolygonGeoJSONField().widget.render("geometry", "{kaputt", attrs={"id": "id_geometry"})
    assert "{kaputt</textarea>" in html
