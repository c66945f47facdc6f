"""Importing district boundaries: `manage.py import_districts` and its service function."""

import io
import json
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from django.core.management import CommandError, call_command
from shapely import make_valid
from shapely.geometry import LineString, Point, Polygon, box, shape

import civic
from civic.district_import import DistrictImportError, import_districts
from civic.models import District
from tests.civic.factories import DistrictFactory, square

DEMO_FILE = Path(civic.__file__).parent / "demo" / "coburg_stadtteile.geojson"


def write(tmp_path, frame, filename, driver=None):
    path = tmp_path / filename
    frame.to_file(path, driver=driver, engine="pyogrio")
    return path


def frame(rows, crs="EPSG:4326"):
    """A GeoDataFrame from (name, population, geometry) tuples."""
    return gpd.GeoDataFrame(
        {"name": [r[0] for r in rows], "einwohner": [r[1] for r in rows]},
        geometry=[r[2] for r in rows],
        crs=crs,
    )


TWO = [
    ("Nord", 1200, box(10.90, 50.26, 10.95, 50.30)),
    ("Süd", 3400, box(10.90, 50.22, 10.95, 50.26)),
]


def run(path, *args):
    out = io.StringIO()
    call_command("import_districts", str(path), *args, stdout=out)
    return out.getvalue()


def snapshot():
    return [(d.name, d.geometry, d.population) for d in District.objects.order_by("name")]


# --------------------------------------------------------------------------------------------
# Formats


@pytest.mark.django_db
def test_import_geojson_creates_districts(tmp_path):
    path = write(tmp_path, frame(TWO), "stadtteile.geojson", "GeoJSON")

    output = run(
        path, "--name-field", "name", "--population-field", "einwohner", "--source", "Test 2026"
    )

    assert "2 neu" in output
    nord = District.objects.get(name="Nord")
    assert nord.population == 1200
    assert nord.source == "Test 2026"
    assert nord.slug == "nord"
    assert nord.geometry["type"] == "Polygon"
    assert isinstance(nord.geometry["coordinates"][0][0], list)
    assert (nord.min_lon, nord.min_lat, nord.max_lon, nord.max_lat) == pytest.approx(
        (10.90, 50.26, 10.95, 50.30)
    )
    assert District.objects.get(name="Süd").slug == "sud"


@pytest.mark.django_db
def test_import_geopackage(tmp_path):
    path = write(tmp_path, frame(TWO), "stadtteile.gpkg", "GPKG")

    report = import_districts(path, "name", population_field="einwohner")

    assert (report.created, report.updated, report.deleted) == (2, 0, 0)
    assert sorted(District.objects.values_list("name", "population")) == [
        ("Nord", 1200),
        ("Süd", 3400),
    ]


@pytest.mark.django_db
def test_import_zipped_shapefile_keeps_umlauts(tmp_path):
    rows = [
        ("Lützelbuch", 1500, box(11.00, 50.28, 11.01, 50.29)),
        ("Wüstenahorn", 3900, box(10.93, 50.25, 10.94, 50.26)),
    ]
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    write(shp_dir, frame(rows), "stadtteile.shp", "ESRI Shapefile")
    archive = tmp_path / "stadtteile.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in shp_dir.iterdir():
            zf.write(part, part.name)

    run(archive, "--name-field", "name", "--population-field", "einwohner")

    assert sorted(District.objects.values_list("name", "population")) == [
        ("Lützelbuch", 1500),
        ("Wüstenahorn", 3900),
    ]


@pytest.mark.django_db
def test_import_reprojects_utm_to_wgs84(tmp_path):
    # On the central meridian of UTM zone 32 (9° E), easting is 500 000 m and the northing of
    # 50° N is 0.9996 × the GRS80 meridian arc (5 540 847.04 m) = 5 538 630.70 m.
    # A second check point: Coburg's market square, about 10.9646° E, 50.2585° N.
    meridian = box(500_000, 5_538_630.70, 501_000, 5_539_630.70)
    coburg = box(640_035.77, 5_569_218.97, 640_535.77, 5_569_718.97)
    path = write(
        tmp_path,
        frame([("Meridian", 1, meridian), ("Coburg", 2, coburg)], crs="EPSG:25832"),
        "utm.gpkg",
        "GPKG",
    )

    run(path, "--name-field", "name")

    for name, (lon, lat) in [("Meridian", (9.0, 50.0)), ("Coburg", (10.9646, 50.2585))]:
        district = District.objects.get(name=name)
        # The south-west corner of the square in UTM.
        ring = district.geometry["coordinates"][0]
        assert any(abs(x - lon) < 1e-4 and abs(y - lat) < 1e-4 for x, y in ring)


@pytest.mark.django_db
def test_import_without_crs_assumes_wgs84_when_coordinates_fit(tmp_path):
    path = tmp_path / "ohne_crs.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "properties": {"name": "A"}, "geometry": square(10.9, 50.2)}
                ],
            }
        ),
        encoding="utf-8",
    )

    run(path, "--name-field", "name")

    assert shape(District.objects.get().geometry).equals(shape(square(10.9, 50.2)))


@pytest.mark.django_db
def test_import_demo_file():
    output = run(DEMO_FILE, "--name-field", "name", "--population-field", "population")

    assert District.objects.count() == 13
    names = set(District.objects.values_list("name", flat=True))
    assert {"Innenstadt", "Lützelbuch", "Wüstenahorn", "Rögen", "Löbelstein"} <= names
    assert District.objects.get(name="Wüstenahorn").slug == "wustenahorn"
    assert sum(District.objects.values_list("population", flat=True)) == 41_000
    assert "13 neu" in output


def test_demo_file_polygons_are_valid_and_do_not_overlap():
    collection = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    shapes = [shape(f["geometry"]) for f in collection["features"]]
    assert all(s.is_valid and s.geom_type == "Polygon" for s in shapes)
    for i, a in enumerate(shapes):
        for b in shapes[i + 1 :]:
            assert a.intersection(b).area < 1e-12
    assert all("keine amtlichen Grenzen" in f["properties"]["note"] for f in collection["features"])
    assert sum(1 for s in shapes if s.covers(Point(10.9646, 50.2585))) == 1


# --------------------------------------------------------------------------------------------
# Updating, replacing, repairing


@pytest.mark.django_db
def test_existing_district_is_updated_and_others_left_alone(tmp_path):
    nord = DistrictFactory(name="Nord", population=5, source="alt", geometry=square(1, 1))
    other = DistrictFactory(name="Anderswo", geometry=square(2, 2))
    path = write(tmp_path, frame(TWO), "stadtteile.geojson", "GeoJSON")

    output = run(path, "--name-field", "name", "--population-field", "einwohner")

    assert "1 neu, 1 aktualisiert, 0 gelöscht" in output
    nord.refresh_from_db()
    assert nord.population == 1200
    assert nord.source == "alt"  # no --source given: kept
    assert nord.min_lon == pytest.approx(10.90)
    assert District.objects.filter(pk=other.pk).exists()
    assert District.objects.count() == 3


@pytest.mark.django_db
def test_update_without_population_field_keeps_population(tmp_path):
    DistrictFactory(name="Nord", population=77)
    path = write(tmp_path, frame(TWO), "stadtteile.geojson", "GeoJSON")

    run(path, "--name-field", "name")

    assert District.objects.get(name="Nord").population == 77


@pytest.mark.django_db
def test_replace_deletes_districts_not_in_file(tmp_path):
    DistrictFactory(name="Nord")
    DistrictFactory(name="Alt 1")
    DistrictFactory(name="Alt 2")
    path = write(tmp_path, frame(TWO), "stadtteile.geojson", "GeoJSON")

    output = run(path, "--name-field", "name", "--replace")

    assert sorted(District.objects.values_list("name", flat=True)) == ["Nord", "Süd"]
    assert "1 neu, 1 aktualisiert, 2 gelöscht" in output


@pytest.mark.django_db
def test_invalid_polygon_is_repaired_and_other_geometries_skipped(tmp_path):
    bowtie = Polygon([(10.90, 50.20), (10.92, 50.22), (10.92, 50.20), (10.90, 50.22)])
    assert not bowtie.is_valid
    rows = [
        ("Schleife", 10, bowtie),
        ("Punkt", 20, Point(10.95, 50.25)),
        ("Linie", 30, LineString([(10.9, 50.2), (10.91, 50.21)])),
        ("Gut", 40, box(10.95, 50.20, 10.96, 50.21)),
    ]
    path = write(tmp_path, frame(rows), "gemischt.gpkg", "GPKG")

    report = import_districts(path, "name", population_field="einwohner")

    assert (report.created, report.repaired, report.skipped) == (2, 1, 2)
    repaired = District.objects.get(name="Schleife")
    assert repaired.geometry["type"] == "MultiPolygon"
    assert shape(repaired.geometry).is_valid
    assert shape(repaired.geometry).area == pytest.approx(make_valid(bowtie).area, rel=1e-3)
    assert shape(repaired.geometry).area == pytest.approx(2e-4, rel=1e-3)  # both lobes kept


@pytest.mark.django_db
def test_replace_keeps_district_whose_feature_was_skipped(tmp_path):
    DistrictFactory(name="Punkt")
    rows = [("Punkt", 1, Point(10.95, 50.25)), ("Gut", 2, box(10.95, 50.20, 10.96, 50.21))]
    path = write(tmp_path, frame(rows), "gemischt.gpkg", "GPKG")

    report = import_districts(path, "name", replace=True)

    assert report.deleted == 0
    assert District.objects.filter(name="Punkt").exists()


@pytest.mark.django_db
def test_import_failure_in_the_middle_rolls_back(tmp_path, monkeypatch):
    DistrictFactory(name="Nord", population=5, geometry=square(1, 1))
    before = snapshot()
    path = write(tmp_path, frame(TWO), "stadtteile.geojson", "GeoJSON")
    original_save = District.save

    def failing_save(self, *args, **kwargs):
        if self.name == "Süd":
            raise RuntimeError("Datenbank weg")
        original_save(self, *args, **kwargs)

    monkeypatch.setattr(District, "save", failing_save)
    with pytest.raises(RuntimeError):
        import_districts(path, "name", population_field="einwohner", replace=True)

    assert snapshot() == before


# --------------------------------------------------------------------------------------------
# Bad input: a clear German message, and the table exactly as it was


def _bad_files(tmp_path):
    """name -> (path, command-line arguments, part of the expected message)."""

    def gj(name, features):
        path = tmp_path / f"{name}.geojson"
        path.write_text(
            json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8"
        )
        return path

    def feature(props, geometry=None):
        return {"type": "Feature", "properties": props, "geometry": geometry or square(10.9, 50.2)}

    unknown = tmp_path / "notiz.txt"
    unknown.write_text("Das ist keine Geodatei.", encoding="utf-8")
    broken = tmp_path / "kaputt.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    # GeoJSON is WGS84 by definition; a Shapefile without .prj has no CRS at all.
    utm_without_crs = tmp_path / "ohne_prj.shp"
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="'crs' was not provided")
        gpd.GeoDataFrame(
            {"name": ["X"]}, geometry=[box(640_000, 5_569_000, 640_500, 5_569_500)], crs=None
        ).to_file(utm_without_crs, engine="pyogrio")
    utm_as_geojson = gj("utm", [feature({"name": "X"}, square(640_000, 5_569_000, 500))])
    good = [feature({"name": "A", "einwohner": 10})]
    return {
        "missing file": (
            tmp_path / "gibt-es-nicht.gpkg",
            ["--name-field", "name"],
            "gibt es nicht",
        ),
        "unknown format": (unknown, ["--name-field", "name"], "nicht als Geodaten lesen"),
        "broken json": (broken, ["--name-field", "name"], "nicht als Geodaten lesen"),
        "unknown name field": (
            gj("felder", good),
            ["--name-field", "NAME"],
            "Vorhandene Felder: name, einwohner",
        ),
        "unknown population field": (
            gj("felder2", good),
            ["--name-field", "name", "--population-field", "ew"],
            "Einwohnerzahl „ew“",
        ),
        "non-integer population": (
            gj("ew1", [feature({"name": "A", "ew": "viele"})]),
            ["--name-field", "name", "--population-field", "ew"],
            "keine ganze Zahl",
        ),
        "fractional population": (
            gj("ew2", [feature({"name": "A", "ew": 12.5})]),
            ["--name-field", "name", "--population-field", "ew"],
            "keine ganze Zahl",
        ),
        "negative population": (
            gj("ew3", [feature({"name": "A", "ew": -3})]),
            ["--name-field", "name", "--population-field", "ew"],
            "keine ganze Zahl",
        ),
        "no polygons": (
            gj("punkte", [feature({"name": "A"}, {"type": "Point", "coordinates": [10.9, 50.2]})]),
            ["--name-field", "name"],
            "keine Flächen",
        ),
        "empty file": (gj("leer", []), ["--name-field", "name"], "keine Flächen"),
        "empty name": (
            gj("ohne_name", [feature({"name": "A"}), feature({"name": "   "})]),
            ["--name-field", "name"],
            "Objekt 2 hat keinen Namen",
        ),
        "missing name": (
            gj("null_name", [feature({"name": None}), feature({"name": "B"})]),
            ["--name-field", "name"],
            "Objekt 1 hat keinen Namen",
        ),
        "duplicate names": (
            gj("doppelt", [feature({"name": "A"}), feature({"name": "A "}, square(11, 50.2))]),
            ["--name-field", "name"],
            "„A“ kommt mehrfach vor",
        ),
        "projected coordinates without crs": (
            utm_without_crs,
            ["--name-field", "name"],
            "kein Koordinatensystem",
        ),
        "source too long": (
            gj("quelle", good),
            ["--name-field", "name", "--source", "x" * 256],
            "Quellenangabe ist länger als 255 Zeichen",
        ),
        "projected coordinates in geojson": (
            utm_as_geojson,
            ["--name-field", "name"],
            "nicht im Bereich von Längen- und Breitengraden",
        ),
    }


BAD_CASES = [
    "missing file",
    "unknown format",
    "broken json",
    "unknown name field",
    "unknown population field",
    "non-integer population",
    "fractional population",
    "negative population",
    "no polygons",
    "empty file",
    "empty name",
    "missing name",
    "duplicate names",
    "projected coordinates without crs",
    "projected coordinates in geojson",
    "source too long",
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", BAD_CASES)
@pytest.mark.parametrize("replace", [False, True], ids=["update", "replace"])
def test_bad_input_changes_nothing(tmp_path, case, replace):
    DistrictFactory(name="A", population=1, geometry=square(1, 1))
    DistrictFactory(name="Bleibt", population=2, geometry=square(3, 3))
    before = snapshot()
    path, args, message = _bad_files(tmp_path)[case]
    if replace:
        args = [*args, "--replace"]

    with pytest.raises(CommandError) as excinfo:
        run(path, *args)

    assert message in str(excinfo.value)
    assert "nichts wurde geändert" in str(excinfo.value)
    assert snapshot() == before


@pytest.mark.django_db
def test_service_raises_district_import_error(tmp_path):
    with pytest.raises(DistrictImportError, match="gibt es nicht"):
        import_districts(tmp_path / "fehlt.geojson", "name")
