"""The grid clustering behind the memory map, as pure functions and as one SQL aggregate."""

import random

import pytest

from stadtgedaechtnis.explore_clusters import (
    MAX_CELLS,
    BBox,
    BBoxError,
    Grid,
    check_zoom,
    cluster_points,
    cluster_queryset,
    grid_for,
    parse_bbox,
)

COBURG = BBox(10.90, 50.22, 11.05, 50.32)


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "   ",
        "1,2,3",
        "1,2,3,4,5",
        "a,b,c,d",
        "10.9;50.2;11;50.3",
        "nan,50,11,51",
        "10,inf,11,51",
        "-181,50,11,51",
        "10,50,181,51",
        "10,-91,11,51",
        "10,50,11,91",
        "11,50,10,51",  # west east of east
        "10,51,11,50",  # south north of north
        "10,50,10,51",  # empty width
    ],
)
def test_bad_bbox_is_refused_with_a_message(value):
    with pytest.raises(BBoxError) as excinfo:
        parse_bbox(value)
    assert str(excinfo.value)


def test_bbox_is_parsed_in_leaflet_order():
    bbox = parse_bbox(" 10.9, 50.22 ,11.05,50.32")
    assert bbox == COBURG
    assert bbox.as_param() == "10.9,50.22,11.05,50.32"
    assert bbox.contains(10.95, 50.3)
    assert not bbox.contains(11.1, 50.3)


@pytest.mark.parametrize("zoom", [-1, 23, 100])
def test_zoom_out_of_range(zoom):
    with pytest.raises(ValueError):
        check_zoom(zoom)


def test_cells_shrink_as_the_zoom_grows():
    sizes = [grid_for(COBURG, z).cell_lon for z in range(10, 19)]
    assert sizes == sorted(sizes, reverse=True)
    # One zoom level halves the cell (as long as the cap does not apply).
    view = BBox(10.95, 50.25, 10.97, 50.26)
    z14, z15 = grid_for(view, 14), grid_for(view, 15)
    assert z14.cell_lon == pytest.approx(2 * z15.cell_lon)
    # Latitude cells are shorter (Web Mercator), so cells are about square on screen.
    assert z14.cell_lat < z14.cell_lon


@pytest.mark.parametrize("zoom", range(0, 23))
def test_the_number_of_cells_is_capped_for_any_box(zoom):
    world = BBox(-180, -85, 180, 85)
    for bbox in (world, COBURG, BBox(10.9, 50.2, 10.9001, 50.2001)):
        assert grid_for(bbox, zoom).cells_in(bbox) <= MAX_CELLS


def test_grid_does_not_move_when_the_map_is_panned():
    a = grid_for(BBox(10.90, 50.22, 11.00, 50.28), 14)
    b = grid_for(BBox(10.93, 50.24, 11.03, 50.30), 14)
    assert a == b


def test_reference_clustering_counts_every_point_once():
    rng = random.Random(4)
    points = [(i, rng.uniform(10.9, 11.05), rng.uniform(50.22, 50.32)) for i in range(1, 2001)]
    for zoom in (10, 13, 15, 18):
        grid = grid_for(COBURG, zoom)
        cells = cluster_points(points, grid)
        assert sum(c.count for c in cells) == len(points)
        assert len(cells) <= MAX_CELLS
        for cell in cells:
            min_lon, min_lat, max_lon, max_lat = cell.bbox
            assert min_lon <= cell.lon <= max_lon
            assert min_lat <= cell.lat <= max_lat
    # At a very high zoom almost every point is alone in its cell.
    fine = cluster_points(points[:50], Grid(1e-6, 1e-6))
    assert all(cell.is_single for cell in fine)
    assert {cell.member_id for cell in fine} == {p[0] for p in points[:50]}


@pytest.mark.django_db
def test_sql_clustering_matches_the_reference(django_assert_num_queries):
    """cluster_queryset works on any model with coordinate columns; districts have some."""
    from civic.models import District
    from tests.civic.factories import square

    rng = random.Random(7)
    points = []
    for i in range(60):
        lon = round(rng.uniform(10.91, 11.04), 5)
        lat = round(rng.uniform(50.23, 50.31), 5)
        district = District.objects.create(name=f"Bezirk {i}", geometry=square(lon, lat, 0.001))
        points.append((district.pk, lon, lat))
    for zoom in (11, 13, 14, 16):
        grid = grid_for(COBURG, zoom)
        with django_assert_num_queries(1):
            cells = cluster_queryset(
                District.objects.filter(**COBURG.lookups("min_lon", "min_lat")),
                grid,
                lon_field="min_lon",
                lat_field="min_lat",
            )
        expected = cluster_points(points, grid)
        assert [(c.ix, c.iy, c.count, c.member_id) for c in cells] == [
            (c.ix, c.iy, c.count, c.member_id) for c in expected
        ]
        assert sum(c.count for c in cells) == len(points)
