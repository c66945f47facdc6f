"""GeoJSON helpers shared by every app (validation, bounds), built on shapely."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

POLYGON_TYPES = {"Polygon", "MultiPolygon"}


def to_shape(geojson: dict):
    """Return a shapely geometry for a GeoJSON geometry dict; raise ValueError when unusable."""
    from shapely.geometry import shape

    if not isinstance(geojson, dict) or "type" not in geojson:
        raise ValueError("not a GeoJSON geometry")
    try:
        return shape(geojson)
    except Exception as exc:  # shapely raises several types for malformed input
        raise ValueError(str(exc)) from exc


def validate_polygon_geojson(value) -> None:
    """Model/form validator: a valid (Multi)Polygon in WGS84 coordinates."""
    try:
        geom = to_shape(value)
    except ValueError as exc:
        raise ValidationError(_("Das ist keine gültige GeoJSON-Geometrie.")) from exc
    if geom.geom_type not in POLYGON_TYPES:
        raise ValidationError(
            _("Erwartet wird ein Polygon oder Multipolygon, nicht %(type)s."),
            params={"type": geom.geom_type},
        )
    if geom.is_empty or not geom.is_valid:
        raise ValidationError(_("Die Fläche ist leer oder überschneidet sich selbst."))
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise ValidationError(_("Die Koordinaten liegen nicht in WGS84 (Längen- und Breitengrad)."))


def geometry_bounds(geojson) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) of a GeoJSON geometry; zeros when unusable."""
    try:
        geom = to_shape(geojson)
    except ValueError:
        return (0.0, 0.0, 0.0, 0.0)
    if geom.is_empty:
        return (0.0, 0.0, 0.0, 0.0)
    return tuple(float(v) for v in geom.bounds)  # type: ignore[return-value]
