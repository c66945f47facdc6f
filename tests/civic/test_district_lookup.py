"""Finding the district of a point, and keeping the cached index fresh."""

import pytest
from django.core.cache import cache

from civic import services
from civic.district_import import import_districts
from civic.models import District
from civic.services import district_for_point
from tests.civic.factories import DistrictFactory, square


@pytest.fixture
def two_districts(db):
    # West: 10.90–10.92, East: 10.92–10.94 (sharing the edge lon=10.92), both lat 50.20–50.22.
    west = DistrictFactory(name="West", geometry=square(10.90, 50.20, 0.02))
    east = DistrictFactory(name="Ost", geometry=square(10.92, 50.20, 0.02))
    return west, east


def test_point_inside(two_districts):
    west, east = two_districts
    assert district_for_point(10.91, 50.21) == west
    assert district_for_point(10.93, 50.21) == east


def test_point_outside(two_districts):
    assert district_for_point(10.80, 50.21) is None
    assert district_for_point(10.91, 50.30) is None


def test_point_on_outer_boundary_belongs_to_district(two_districts):
    west, _ = two_districts
    assert district_for_point(10.90, 50.21) == west  # on the western edge
    assert district_for_point(10.90, 50.20) == west  # on a corner


def test_point_on_shared_boundary_is_deterministic(two_districts):
    found = {district_for_point(10.92, 50.21) for _ in range(3)}
    assert len(found) == 1
    assert found.pop() in two_districts


@pytest.mark.django_db
def test_multipolygon_and_hole():
    outer = [[10.0, 50.0], [10.1, 50.0], [10.1, 50.1], [10.0, 50.1], [10.0, 50.0]]
    hole = [[10.04, 50.04], [10.04, 50.06], [10.06, 50.06], [10.06, 50.04], [10.04, 50.04]]
    island = square(10.2, 50.0, 0.01)["coordinates"]
    district = DistrictFactory(
        geometry={"type": "MultiPolygon", "coordinates": [[outer, hole], island]}
    )

    assert district_for_point(10.02, 50.02) == district
    assert district_for_point(10.205, 50.005) == district  # in the second polygon
    assert district_for_point(10.05, 50.05) is None  # in the hole
    assert district_for_point(10.15, 50.05) is None  # between the parts


@pytest.mark.django_db
def test_no_districts():
    assert district_for_point(10.91, 50.21) is None


@pytest.mark.django_db
def test_index_invalidated_on_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        west = DistrictFactory(name="West", geometry=square(10.90, 50.20))
    assert district_for_point(10.905, 50.205) == west
    assert district_for_point(10.925, 50.205) is None  # index now built and cached

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        east = DistrictFactory(name="Ost", geometry=square(10.92, 50.20))
    assert callbacks
    assert district_for_point(10.925, 50.205) == east


@pytest.mark.django_db
def test_index_not_invalidated_before_commit():
    """Until the transaction commits, look-ups use the index as it was."""
    DistrictFactory(name="West", geometry=square(10.90, 50.20))
    assert district_for_point(10.905, 50.205) is not None
    DistrictFactory(name="Ost", geometry=square(10.92, 50.20))  # on_commit never runs here
    assert district_for_point(10.925, 50.205) is None


@pytest.mark.django_db(transaction=True)
def test_index_follows_added_changed_and_deleted_districts():
    west = DistrictFactory(name="West", geometry=square(10.90, 50.20))
    assert district_for_point(10.905, 50.205) == west

    east = DistrictFactory(name="Ost", geometry=square(10.92, 50.20))
    assert district_for_point(10.925, 50.205) == east

    west.geometry = square(11.50, 50.50)
    west.save()
    assert district_for_point(10.905, 50.205) is None
    assert district_for_point(11.505, 50.505) == west

    east.delete()
    assert district_for_point(10.925, 50.205) is None


@pytest.mark.django_db(transaction=True)
def test_failed_import_leaves_index_version_alone(tmp_path):
    DistrictFactory(name="West", geometry=square(10.90, 50.20))
    assert district_for_point(10.905, 50.205) is not None
    version = services._current_version()
    path = tmp_path / "kaputt.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")

    with pytest.raises(Exception):  # noqa: B017 - any error; the point is what did not happen
        import_districts(path, "name", replace=True)

    assert services._current_version() == version
    assert District.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_successful_import_invalidates_index(tmp_path):
    import json

    DistrictFactory(name="West", geometry=square(10.90, 50.20))
    assert district_for_point(10.925, 50.205) is None
    path = tmp_path / "neu.geojson"
    feature = {"type": "Feature", "properties": {"name": "Ost"}, "geometry": square(10.92, 50.20)}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))

    import_districts(path, "name")

    assert district_for_point(10.925, 50.205) == District.objects.get(name="Ost")


@pytest.mark.django_db
def test_cleared_cache_does_not_revive_an_old_index():
    """A process-local index must not survive a cache flush (version numbers restart)."""
    district = DistrictFactory(geometry=square(10.90, 50.20))
    assert district_for_point(10.905, 50.205) == district
    # Change the row behind the signals' back, then lose the cache (restart, flush).
    District.objects.filter(pk=district.pk).update(geometry=square(12.0, 50.0))
    cache.clear()

    assert district_for_point(10.905, 50.205) is None
