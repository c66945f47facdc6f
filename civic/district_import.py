"""Import district boundaries (Stadtteile) from any vector file GDAL reads.

Used by ``manage.py import_districts`` and the demo seed. The whole import is one transaction:
bad input raises :class:`DistrictImportError` before or while writing, and the table is left
exactly as it was.
"""

from __future__ import annotations

import math
import numbers
import os
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from civic.models import District

#: Coordinates are stored with six decimals (about 10 cm), plenty for district boundaries.
COORDINATE_PRECISION = 6
_NAME_MAX_LENGTH = District._meta.get_field("name").max_length
_SOURCE_MAX_LENGTH = District._meta.get_field("source").max_length
_POPULATION_MAX = 2_147_483_647  # PositiveIntegerField on PostgreSQL


class DistrictImportError(Exception):
    """The file cannot be imported; the message says why (in the active language)."""


@dataclass
class ImportReport:
    """What an import did, counted per district (feature)."""

    created: int = 0
    updated: int = 0
    deleted: int = 0
    repaired: int = 0
    skipped: int = 0


@dataclass
class _Row:
    name: str
    geometry: dict
    population: int | None


def import_districts(
    path,
    name_field: str,
    population_field: str | None = None,
    replace: bool = False,
    source: str = "",
    stdout=None,
) -> ImportReport:
    """Create or update districts from the polygons in ``path``; return the counts.

    * ``path``: any file GDAL reads (GeoJSON, GeoPackage, Shapefile, also zipped as ``.zip``).
    * ``name_field``: the attribute holding the district name (matched exactly with
      existing districts, which are updated).
    * ``population_field``: optional attribute with the number of inhabitants.
    * ``replace``: delete districts whose name is not in the file.
    * ``source``: stored as the districts' ``source`` (kept unchanged on update when empty).
    * ``stdout``: optional stream for notes on skipped or repaired features.

    Features that are not polygons (points, lines, empty geometries) are skipped; invalid
    polygons are repaired with ``shapely.make_valid``. Everything else that is wrong with the file
    raises :class:`DistrictImportError` and writes nothing.
    """
    if len(source) > _SOURCE_MAX_LENGTH:
        raise DistrictImportError(
            _("Die Quellenangabe ist länger als %(max)d Zeichen.") % {"max": _SOURCE_MAX_LENGTH}
        )
    report = ImportReport()
    rows, skipped_names = _read_rows(path, name_field, population_field, report, stdout)

    with transaction.atomic():
        existing = {d.name: d for d in District.objects.select_for_update()}
        used_slugs = {d.slug for d in existing.values()}
        for row in rows:
            district = existing.get(row.name)
            if district is None:
                district = District(name=row.name, slug=_unique_slug(row.name, used_slugs))
                report.created += 1
            else:
                report.updated += 1
            district.geometry = row.geometry
            if population_field:
                district.population = row.population
            if source:
                district.source = source
            district.save()

        if replace:
            # A name in the file whose geometry was unusable still counts as "in the file":
            # a broken feature must not silently delete the district it describes.
            keep = {row.name for row in rows} | skipped_names
            obsolete = [d.pk for name, d in existing.items() if name not in keep]
            if obsolete:
                # Residents of a deleted district keep their account (User.district is SET_NULL).
                District.objects.filter(pk__in=obsolete).delete()
                report.deleted = len(obsolete)
    return report


def _note(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message + ("" if message.endswith("\n") else "\n"))


def _read_frame(path):
    """Read the file with geopandas, as a GeoDataFrame in WGS84."""
    import geopandas

    path = os.fspath(path)
    if not os.path.exists(path):
        raise DistrictImportError(_("Die Datei „%(path)s“ gibt es nicht.") % {"path": path})
    try:
        frame = geopandas.read_file(path, engine="pyogrio")
    except Exception as exc:  # pyogrio raises DataSourceError and friends; all mean "unreadable"
        raise DistrictImportError(
            _(
                "Die Datei „%(path)s“ lässt sich nicht als Geodaten lesen "
                "(erwartet: GeoJSON, GeoPackage oder Shapefile, auch als ZIP). Grund: %(reason)s"
            )
            % {"path": path, "reason": exc}
        ) from exc

    if not isinstance(frame, geopandas.GeoDataFrame):
        raise DistrictImportError(_("Die Datei enthält keine Geometrien."))
    if frame.empty:
        raise DistrictImportError(_("Die Datei enthält keine Flächen (Polygone)."))

    if frame.crs is None:
        minx, miny, maxx, maxy = _total_bounds(frame)
        if not _is_lon_lat(minx, miny, maxx, maxy):
            raise DistrictImportError(
                _(
                    "Die Datei gibt kein Koordinatensystem an, und die Koordinaten sind keine "
                    "Längen- und Breitengrade. Bitte die Datei mit Koordinatensystem "
                    "(z. B. EPSG:25832) speichern."
                )
            )
        frame = frame.set_crs(4326)
    elif frame.crs.to_epsg() != 4326:
        try:
            frame = frame.to_crs(4326)
        except Exception as exc:
            raise DistrictImportError(
                _("Die Koordinaten lassen sich nicht nach WGS84 umrechnen: %(reason)s")
                % {"reason": exc}
            ) from exc

    minx, miny, maxx, maxy = _total_bounds(frame)
    if not _is_lon_lat(minx, miny, maxx, maxy):
        raise DistrictImportError(
            _(
                "Die Koordinaten liegen nach der Umrechnung nicht im Bereich von Längen- und "
                "Breitengraden. Ist das Koordinatensystem der Datei richtig angegeben?"
            )
        )
    return frame


def _total_bounds(frame) -> tuple[float, float, float, float]:
    bounds = frame.geometry.total_bounds
    if any(math.isnan(v) for v in bounds):
        return (0.0, 0.0, 0.0, 0.0)
    return tuple(float(v) for v in bounds)  # type: ignore[return-value]


def _is_lon_lat(minx, miny, maxx, maxy) -> bool:
    return -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90


def _read_rows(path, name_field, population_field, report, stdout):
    """Validate the whole file and return ([_Row], names of skipped features)."""
    frame = _read_frame(path)
    columns = [c for c in frame.columns if c != frame.geometry.name]
    available = ", ".join(str(c) for c in columns) or _("keine")
    if name_field not in columns:
        raise DistrictImportError(
            _(
                "Das Namensfeld „%(field)s“ gibt es in der Datei nicht. "
                "Vorhandene Felder: %(fields)s"
            )
            % {"field": name_field, "fields": available}
        )
    if population_field and population_field not in columns:
        raise DistrictImportError(
            _(
                "Das Feld für die Einwohnerzahl „%(field)s“ gibt es in der Datei nicht. "
                "Vorhandene Felder: %(fields)s"
            )
            % {"field": population_field, "fields": available}
        )

    rows: list[_Row] = []
    skipped_names: set[str] = set()
    seen: dict[str, int] = {}
    names = frame[name_field].tolist()
    geometries = frame.geometry.tolist()
    populations = frame[population_field].tolist() if population_field else [None] * len(frame)
    for number, (raw_name, raw_geometry, raw_population) in enumerate(
        zip(names, geometries, populations, strict=True), start=1
    ):
        name = _clean_name(raw_name)
        geometry, repaired = _polygonal(raw_geometry)
        if geometry is None:
            report.skipped += 1
            if name:
                skipped_names.add(name)
            _note(
                stdout,
                _("Objekt %(number)d (%(name)s) übersprungen: keine gültige Fläche.")
                % {"number": number, "name": name or "?"},
            )
            continue

        if not name:
            raise DistrictImportError(
                _("Objekt %(number)d hat keinen Namen im Feld „%(field)s“.")
                % {"number": number, "field": name_field}
            )
        if len(name) > _NAME_MAX_LENGTH:
            raise DistrictImportError(
                _("Der Name „%(name)s“ ist länger als %(max)d Zeichen.")
                % {"name": name, "max": _NAME_MAX_LENGTH}
            )
        if name in seen:
            raise DistrictImportError(
                _("Der Name „%(name)s“ kommt mehrfach vor (Objekte %(first)d und %(second)d).")
                % {"name": name, "first": seen[name], "second": number}
            )
        seen[name] = number

        population = None
        if population_field:
            population = _clean_population(raw_population, name)

        if repaired:
            report.repaired += 1
            _note(stdout, _("Fläche von „%(name)s“ repariert.") % {"name": name})
        rows.append(_Row(name=name, geometry=geometry, population=population))

    if not rows:
        raise DistrictImportError(_("Die Datei enthält keine Flächen (Polygone)."))
    return rows, skipped_names - set(seen)


def _is_missing(value) -> bool:
    import pandas

    try:
        return bool(pandas.isna(value))
    except (TypeError, ValueError):  # lists and other non-scalars
        return False


def _clean_name(value) -> str:
    if _is_missing(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _clean_population(value, name: str) -> int | None:
    if _is_missing(value):
        return None
    error = DistrictImportError(
        _("Die Einwohnerzahl von „%(name)s“ ist keine ganze Zahl ab 0: „%(value)s“.")
        % {"name": name, "value": value}
    )
    if isinstance(value, bool):
        raise error
    if isinstance(value, numbers.Integral):
        number = int(value)
    elif isinstance(value, numbers.Real):
        if not float(value).is_integer():
            raise error
        number = int(value)
    else:
        text = str(value).strip()
        if not text:
            return None
        try:
            number = int(text)
        except ValueError:
            raise error from None
    if not 0 <= number <= _POPULATION_MAX:
        raise error
    return number


def _polygonal(geom) -> tuple[dict | None, bool]:
    """Return (GeoJSON dict, repaired?) for a usable (Multi)Polygon, (None, False) otherwise."""
    import shapely
    from shapely.geometry import mapping

    from civic.geo import validate_polygon_geojson

    if geom is None or geom.is_empty:
        return None, False
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        return None, False
    geom = shapely.force_2d(geom)
    repaired = False
    if not geom.is_valid:
        geom = _polygonal_parts(shapely.make_valid(geom))
        repaired = True
        if geom is None:
            return None, False
    # Snapping to the stored precision keeps the result valid (GEOS fixes what rounding breaks).
    geom = shapely.set_precision(geom, 10**-COORDINATE_PRECISION)
    geom = _polygonal_parts(geom)
    if geom is None:
        return None, False
    # RFC 7946: exterior rings counter-clockwise, holes clockwise.
    geom = shapely.orient_polygons(geom)
    geojson = _rounded(mapping(geom))
    try:
        validate_polygon_geojson(geojson)
    except Exception:
        return None, False
    return geojson, repaired


def _polygonal_parts(geom):
    """The polygonal part of any geometry as Polygon/MultiPolygon, or None when there is none."""
    from shapely.geometry import MultiPolygon

    if geom is None or geom.is_empty:
        return None
    if geom.geom_type == "Polygon":
        return geom
    if geom.geom_type == "MultiPolygon":
        return geom if len(geom.geoms) > 1 else geom.geoms[0]
    if hasattr(geom, "geoms"):  # GeometryCollection from make_valid
        polygons = []
        for part in geom.geoms:
            part = _polygonal_parts(part)
            if part is None:
                continue
            polygons.extend(part.geoms if part.geom_type == "MultiPolygon" else [part])
        if not polygons:
            return None
        return polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)
    return None


def _rounded(value):
    """GeoJSON mapping with lists instead of tuples and coordinates rounded."""
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(item) for item in value]
    if isinstance(value, float):
        return round(value, COORDINATE_PRECISION)
    return value


def _unique_slug(name: str, used: set[str]) -> str:
    base = District.slug_for(name)
    slug, counter = base, 2
    while slug in used:
        slug = f"{base}-{counter}"
        counter += 1
    used.add(slug)
    return slug
