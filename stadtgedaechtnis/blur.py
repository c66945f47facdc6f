"""Blurring private places: the public map shows a point near, not at, a private address.

The offset is deterministic per memory (derived from its ``uid`` and the ``SECRET_KEY``), so the
public point does not jump on every save, and it cannot be reversed by averaging several saves.
Its size depends on the precision:

* ``exact`` and not private: the point itself;
* ``exact`` and private: about 100 m away;
* ``street``: about 150 m away;
* ``district``: the district's centroid, or about 750 m away when no district is known.
"""

import hashlib
import hmac
import math

from django.conf import settings

EXACT_PRIVATE_METRES = 100
STREET_METRES = 150
DISTRICT_METRES = 750
_METRES_PER_DEGREE_LAT = 111_320.0


def _unit_values(seed: str) -> tuple[float, float]:
    """Two pseudo-random numbers in [0, 1) from the seed (stable across processes)."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"stadtgedaechtnis-blur:{seed}".encode(), hashlib.sha256
    ).digest()
    a = int.from_bytes(digest[:8], "big") / 2**64
    b = int.from_bytes(digest[8:16], "big") / 2**64
    return a, b


def offset_point(lon: float, lat: float, metres: float, seed: str) -> tuple[float, float]:
    """(lon, lat) moved by between half and the full ``metres`` in a seed-determined direction."""
    a, b = _unit_values(seed)
    angle = 2 * math.pi * a
    distance = metres * (0.5 + 0.5 * b)
    dlat = distance * math.cos(angle) / _METRES_PER_DEGREE_LAT
    cos_lat = max(math.cos(math.radians(lat)), 0.01)
    dlon = distance * math.sin(angle) / (_METRES_PER_DEGREE_LAT * cos_lat)
    return round(lon + dlon, 6), round(lat + dlat, 6)


def district_centre(district) -> tuple[float, float] | None:
    """A point inside the district (its centroid, or a representative point for odd shapes)."""
    if district is None or not district.geometry:
        return None
    from shapely.geometry import shape

    try:
        geom = shape(district.geometry)
    except Exception:
        return None
    if geom.is_empty:
        return None
    point = geom.centroid
    if not geom.covers(point):
        point = geom.representative_point()
    return round(point.x, 6), round(point.y, 6)


def public_point(
    lon: float | None,
    lat: float | None,
    *,
    precision: str,
    private: bool,
    seed: str,
    district=None,
) -> tuple[float | None, float | None]:
    """The point the public may see, as (lon, lat); (None, None) without a point."""
    if lon is None or lat is None:
        if precision == "district":
            centre = district_centre(district)
            if centre:
                return centre
        return None, None
    if precision == "district":
        centre = district_centre(district)
        if centre:
            return centre
        return offset_point(lon, lat, DISTRICT_METRES, seed)
    if precision == "street":
        return offset_point(lon, lat, STREET_METRES, seed)
    if private:
        return offset_point(lon, lat, EXACT_PRIVATE_METRES, seed)
    return round(lon, 6), round(lat, 6)
