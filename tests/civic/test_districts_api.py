"""The public district API: GeoJSON for maps and other systems."""

import pytest

from tests.civic.factories import DistrictFactory, square


@pytest.mark.django_db
def test_districts_feature_collection(client):
    DistrictFactory(name="Wüstenahorn", population=3900, source="Demo-Daten")
    DistrictFactory(name="Innenstadt", geometry=square(10.96, 50.25))

    response = client.get("/api/districts")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert [f["properties"]["name"] for f in data["features"]] == ["Innenstadt", "Wüstenahorn"]
    feature = data["features"][1]
    assert feature["type"] == "Feature"
    assert feature["id"] == "wustenahorn"
    assert feature["geometry"]["type"] == "Polygon"
    assert feature["properties"] == {
        "name": "Wüstenahorn",
        "slug": "wustenahorn",
        "population": 3900,
        "source": "Demo-Daten",
    }
    assert data["features"][0]["geometry"] == square(10.96, 50.25)


@pytest.mark.django_db
def test_districts_empty(client):
    assert client.get("/api/districts").json() == {"type": "FeatureCollection", "features": []}


@pytest.mark.django_db
def test_single_district(client):
    DistrictFactory(name="Lützelbuch")

    response = client.get("/api/districts/lutzelbuch")

    assert response.status_code == 200
    assert response.json()["properties"]["name"] == "Lützelbuch"


@pytest.mark.django_db
def test_unknown_district_is_404_json(client):
    response = client.get("/api/districts/gibt-es-nicht")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


@pytest.mark.django_db
def test_openapi_lists_district_paths(client):
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/districts" in paths
    assert "/api/districts/{slug}" in paths


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 30])
def test_district_list_query_count_is_constant(client, django_assert_max_num_queries, count):
    DistrictFactory.create_batch(count)

    with django_assert_max_num_queries(1):
        response = client.get("/api/districts")

    assert len(response.json()["features"]) == count
