"""Server-side grid clustering for the memory map (Entdecke), independent of the models.

The map asks for the memories in its bounding box at its zoom level. Instead of sending every
point (100,000 memories would be megabytes), the server groups the points into square-ish grid
cells of about ``CELL_PX`` screen pixels and returns one feature per non-empty cell: a cluster
(count, centroid, bounding box) or, when a cell holds exactly one memory, that memory. The
number of cells is capped (``MAX_CELLS``), so a response never grows with the data.

The grid is anchored at lon/lat 0 and its cell size depends only on the zoom (and, for the
latitude, on the whole-degree latitude of the view), so clusters stay put while the map is panned.
Cell sizes are powers of two apart, like zoom levels: when a client asks for a huge box at a
high zoom, the cells double in size until at most ``MAX_CELLS`` of them cover the box.

Everything here is pure (numbers in, numbers out) except :func:`cluster_queryset`, which runs
the same grouping as one SQL aggregate over any queryset with longitude/latitude columns.
"""

import hashlib
import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db.models import Avg, Count, F, FloatField, Max, Min, Value
from django.db.models.functions import Floor
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

MIN_ZOOM = 0
MAX_ZOOM = 22
#: Edge of a grid cell on screen, in pixels (Leaflet's 256 px tiles).
CELL_PX = 80
#: Upper bound of cells (and so of features) in one response. With the compact feature
#: format of the map API this keeps a response well under 100 KB.
MAX_CELLS = 300
#: Decimal places of coordinates in responses (about 1 m; public points are blurred anyway).
COORD_DIGITS = 5


class BBoxError(ValueError):
    """A bounding box that cannot be used; ``str(error)`` is a translated message."""


@dataclass(frozen=True)
class BBox:
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    def as_list(self) -> list[float]:
        return [self.min_lon, self.min_lat, self.max_lon, self.max_lat]

    def as_param(self) -> str:
        return ",".join(_fmt(v) for v in self.as_list())

    def contains(self, lon: float, lat: float) -> bool:
        return self.min_lon <= lon <= self.max_lon and self.min_lat <= lat <= self.max_lat

    def lookups(self, lon_field: str = "public_lon", lat_field: str = "public_lat") -> dict:
        """ORM filter keyword arguments selecting the points inside the box."""
        return {
            f"{lon_field}__gte": self.min_lon,
            f"{lon_field}__lte": self.max_lon,
            f"{lat_field}__gte": self.min_lat,
            f"{lat_field}__lte": self.max_lat,
        }

    def padded(self, degrees: float) -> "BBox":
        return BBox(
            max(-180.0, self.min_lon - degrees),
            max(-90.0, self.min_lat - degrees),
            min(180.0, self.max_lon + degrees),
            min(90.0, self.max_lat + degrees),
        )


def _fmt(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def parse_bbox(value: str | None) -> BBox:
    """Parse ``"min_lon,min_lat,max_lon,max_lat"`` (WGS84, as Leaflet's ``toBBoxString()``).

    Raises :class:`BBoxError` with a translated message for anything else.
    """
    if value is None or not str(value).strip():
        raise BBoxError(_("Bitte einen Kartenausschnitt (bbox) angeben."))
    parts = [p.strip() for p in str(value).split(",")]
    if len(parts) != 4:
        raise BBoxError(
            _(
                "Der Kartenausschnitt (bbox) braucht vier durch Kommas getrennte Zahlen: "
                "West, Süd, Ost, Nord."
            )
        )
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise BBoxError(
            _("Der Kartenausschnitt (bbox) enthält etwas, das keine Zahl ist.")
        ) from None
    if not all(math.isfinite(n) for n in numbers):
        raise BBoxError(_("Der Kartenausschnitt (bbox) enthält etwas, das keine Zahl ist."))
    min_lon, min_lat, max_lon, max_lat = numbers
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
        raise BBoxError(_("Die Längengrade im Kartenausschnitt liegen zwischen -180 und 180."))
    if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
        raise BBoxError(_("Die Breitengrade im Kartenausschnitt liegen zwischen -90 und 90."))
    if min_lon >= max_lon or min_lat >= max_lat:
        raise BBoxError(
            _(
                "Im Kartenausschnitt muss West kleiner als Ost und Süd kleiner als Nord sein "
                "(Reihenfolge: West, Süd, Ost, Nord)."
            )
        )
    return BBox(min_lon, min_lat, max_lon, max_lat)


def check_zoom(zoom: int) -> int:
    """Return ``zoom`` if it is a usable zoom level, else raise ``ValueError`` (translated)."""
    if not (MIN_ZOOM <= zoom <= MAX_ZOOM):
        raise ValueError(
            _("Die Zoomstufe liegt zwischen %(min)s und %(max)s.")
            % {"min": MIN_ZOOM, "max": MAX_ZOOM}
        )
    return zoom


@dataclass(frozen=True)
class Grid:
    """A lon/lat grid anchored at (0, 0) with cells of ``cell_lon`` x ``cell_lat`` degrees."""

    cell_lon: float
    cell_lat: float

    def index(self, lon: float, lat: float) -> tuple[int, int]:
        return math.floor(lon / self.cell_lon), math.floor(lat / self.cell_lat)

    def cells_in(self, bbox: BBox) -> int:
        """How many grid cells the box touches (an upper bound of non-empty cells)."""
        x0, y0 = self.index(bbox.min_lon, bbox.min_lat)
        x1, y1 = self.index(bbox.max_lon, bbox.max_lat)
        return (x1 - x0 + 1) * (y1 - y0 + 1)

    def doubled(self) -> "Grid":
        return Grid(self.cell_lon * 2, self.cell_lat * 2)


def grid_for(bbox: BBox, zoom: int, *, cell_px: int = CELL_PX, max_cells: int = MAX_CELLS) -> Grid:
    """The grid for a map view: cells of about ``cell_px`` pixels at ``zoom``, at most
    ``max_cells`` of them in ``bbox`` (cells double in size until they fit)."""
    check_zoom(zoom)
    cell_lon = 360.0 / (256 * 2**zoom) * cell_px
    # Web Mercator: a degree of latitude is 1/cos(lat) times longer on screen than a degree of
    # longitude. Whole degrees keep the grid still while the map is panned.
    mid_lat = round((bbox.min_lat + bbox.max_lat) / 2)
    factor = max(math.cos(math.radians(mid_lat)), 0.05)
    grid = Grid(cell_lon, cell_lon * factor)
    while grid.cells_in(bbox) > max_cells:
        grid = grid.doubled()
    return grid


@dataclass
class Cell:
    """The memories of one grid cell: how many, their centroid, their bounding box, and the
    smallest primary key (the memory itself when ``count == 1``)."""

    ix: int
    iy: int
    count: int
    lon: float
    lat: float
    bbox: tuple[float, float, float, float]
    member_id: int

    @property
    def is_single(self) -> bool:
        return self.count == 1


def cluster_points(points: Iterable[tuple[int, float, float]], grid: Grid) -> list[Cell]:
    """Reference implementation in Python: group ``(id, lon, lat)`` points into grid cells."""
    cells: dict[tuple[int, int], list[tuple[int, float, float]]] = {}
    for pk, lon, lat in points:
        cells.setdefault(grid.index(lon, lat), []).append((pk, lon, lat))
    result = []
    for (ix, iy), members in cells.items():
        lons = [m[1] for m in members]
        lats = [m[2] for m in members]
        result.append(
            Cell(
                ix=ix,
                iy=iy,
                count=len(members),
                lon=sum(lons) / len(lons),
                lat=sum(lats) / len(lats),
                bbox=(min(lons), min(lats), max(lons), max(lats)),
                member_id=min(m[0] for m in members),
            )
        )
    result.sort(key=lambda c: (c.iy, c.ix))
    return result


def cluster_cache_seconds() -> int:
    """Lifetime of cached results (``CIVIC_EXPLORE_CACHE_SECONDS``, default 300; 0 = off)."""
    return int(getattr(settings, "CIVIC_EXPLORE_CACHE_SECONDS", 300) or 0)


def cluster_queryset(
    queryset, grid: Grid, *, lon_field: str = "public_lon", lat_field: str = "public_lat"
) -> list[Cell]:
    """Group the rows of ``queryset`` into the cells of ``grid`` with one SQL aggregate.

    The queryset should already be limited to the bounding box (see :meth:`BBox.lookups`); rows
    without coordinates are skipped. Returns at most as many cells as the grid has in the box.

    The result is cached (``CIVIC_EXPLORE_CACHE_SECONDS``) under the exact SQL and parameters
    (box, filters), the grid and the :func:`civic.cache.data_version` of the queryset's model:
    saving or deleting a memory starts a new version, so nobody gets clusters of old data. The
    grid is anchored and the map's first view is the same for every visitor, so the expensive
    aggregate (linear in the memories in the box) runs once per view and data version. Models
    not registered with :func:`civic.cache.invalidate_on_change` are never cached.
    """
    from civic.cache import has_data_version

    seconds = cluster_cache_seconds()
    key = None
    # Only models whose saves start a new data version (memories) are cached.
    if seconds > 0 and has_data_version(queryset.model._meta.label):
        try:
            key = _cluster_key(queryset, grid, lon_field, lat_field)
            cached = cache.get(key)
        except EmptyResultSet:
            return []
        except Exception:  # a cache outage: compute as if there were no cache
            logger.exception("Cluster cache unavailable")
            key = cached = None
        if cached is not None:
            return cached
    cells = _cluster_rows(queryset, grid, lon_field, lat_field)
    if key is not None:
        try:
            cache.set(key, cells, seconds)
        except Exception:
            logger.exception("Could not cache clusters")
    return cells


def _cluster_key(queryset, grid: Grid, lon_field: str, lat_field: str) -> str:
    from civic.cache import data_version

    sql, params = queryset.query.sql_with_params()
    raw = repr((sql, params, grid.cell_lon, grid.cell_lat, lon_field, lat_field)).encode()
    version = data_version(queryset.model._meta.label)
    return f"civic:clusters:{version}:{hashlib.sha256(raw).hexdigest()}"


def _cluster_rows(queryset, grid: Grid, lon_field: str, lat_field: str) -> list[Cell]:
    rows = (
        queryset.filter(**{f"{lon_field}__isnull": False, f"{lat_field}__isnull": False})
        .order_by()
        .annotate(
            _cx=Floor(F(lon_field) / Value(grid.cell_lon, output_field=FloatField())),
            _cy=Floor(F(lat_field) / Value(grid.cell_lat, output_field=FloatField())),
        )
        .values("_cx", "_cy")
        .annotate(
            _n=Count("pk"),
            _lon=Avg(lon_field),
            _lat=Avg(lat_field),
            _min_lon=Min(lon_field),
            _min_lat=Min(lat_field),
            _max_lon=Max(lon_field),
            _max_lat=Max(lat_field),
            _id=Min("pk"),
        )
        .order_by("_cy", "_cx")
    )
    return [
        Cell(
            ix=int(row["_cx"]),
            iy=int(row["_cy"]),
            count=row["_n"],
            lon=row["_lon"],
            lat=row["_lat"],
            bbox=(row["_min_lon"], row["_min_lat"], row["_max_lon"], row["_max_lat"]),
            member_id=row["_id"],
        )
        for row in rows
    ]


def rounded(value: float) -> float:
    return round(value, COORD_DIGITS)
