"""Rundgänge: the route of a tour (stops in order, distances, walking time) and page contexts.

Only published memories with a public point are stops; a memory that is unpublished later simply
drops out, and the distances are computed from what remains. Every point here is the memory's
*public* (blurred) point — the exact ``lat``/``lon`` is never read.

The walking distance is the straight-line distance ("Luftlinie") between consecutive stops on a
sphere (haversine), not a distance along streets; the page says so.
"""

import math
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from stadtgedaechtnis.explore import map_options, period_label
from stadtgedaechtnis.models import Memory, Status

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
MINUTES_STEP = 5  # walking times are rounded up to 5 minutes: an estimate, not a timetable


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (lat, lon) points in degrees."""
    lat1, lon1 = map(math.radians, a)
    lat2, lon2 = map(math.radians, b)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def walking_minutes(distance_km: float, speed_kmh: float) -> int:
    """Estimated walking time, rounded up to :data:`MINUTES_STEP` minutes (0 for no distance)."""
    if distance_km <= 0 or not speed_kmh or speed_kmh <= 0:
        return 0
    minutes = distance_km / speed_kmh * 60
    return max(MINUTES_STEP, math.ceil(minutes / MINUTES_STEP - 1e-9) * MINUTES_STEP)


def format_distance(distance_km: float) -> str:
    """ "350 m" below one kilometre (to 10 m), else "2,4 km" (one decimal, German comma)."""
    from django.utils.formats import number_format

    if distance_km < 1:
        return _("%(metres)s m") % {"metres": int(round(distance_km * 1000, -1))}
    return _("%(km)s km") % {"km": number_format(round(distance_km, 1), decimal_pos=1)}


def format_duration(minutes: int) -> str:
    """ "35 Minuten", "1 Stunde", "1 Std. 20 Min."."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return ngettext("%(count)d Minute", "%(count)d Minuten", rest) % {"count": rest}
    if not rest:
        return ngettext("%(count)d Stunde", "%(count)d Stunden", hours) % {"count": hours}
    return _("%(hours)d Std. %(minutes)d Min.") % {"hours": hours, "minutes": rest}


@dataclass
class Stop:
    """A stop as shown: its number in the tour, the memory and the distance from the previous."""

    number: int
    memory: Memory
    title: str
    text: str
    lat: float
    lon: float
    leg_km: float | None = None  # None for the first stop
    period: str = ""  # the parsed date range as years ("1963–1967")

    @property
    def anchor(self) -> str:
        return f"station-{self.number}"

    @property
    def leg_label(self) -> str:
        return format_distance(self.leg_km) if self.leg_km is not None else ""

    @property
    def geo_uri(self) -> str:
        """A ``geo:`` link for the phone's map app (RFC 5870), at the public point."""
        return f"geo:{self.lat:.6f},{self.lon:.6f}"


@dataclass
class Route:
    stops: list[Stop] = field(default_factory=list)
    distance_km: float = 0.0
    speed_kmh: float = 4.5

    @property
    def minutes(self) -> int:
        return walking_minutes(self.distance_km, self.speed_kmh)

    @property
    def distance_label(self) -> str:
        return format_distance(self.distance_km)

    @property
    def duration_label(self) -> str:
        return format_duration(self.minutes)

    @property
    def speed_label(self) -> str:
        from django.utils.formats import number_format

        return number_format(self.speed_kmh, decimal_pos=1)

    def map_data(self) -> dict:
        """What the map script needs: the stops in order at their public points."""
        return {
            "stops": [
                {
                    "number": stop.number,
                    "title": stop.title,
                    "lat": round(stop.lat, 6),
                    "lon": round(stop.lon, 6),
                    "url": stop.memory.get_absolute_url(),
                    "anchor": stop.anchor,
                }
                for stop in self.stops
            ]
        }


def is_visible(memory: Memory | None) -> bool:
    """A memory can be a stop while it is published and has a public point."""
    return memory is not None and memory.status == Status.PUBLISHED and memory.has_point


def build_route(pairs, speed_kmh: float) -> Route:
    """The route through ``pairs`` of (TourStop, its memory or None), in tour order, leaving out
    memories that are not visible; legs and the total are computed from what remains."""
    route = Route(speed_kmh=speed_kmh or 4.5)
    previous = None
    for row, memory in pairs:
        if not is_visible(memory):
            continue
        point = (memory.public_lat, memory.public_lon)
        leg = haversine_km(previous, point) if previous is not None else None
        if leg is not None:
            route.distance_km += leg
        route.stops.append(
            Stop(
                number=len(route.stops) + 1,
                memory=memory,
                title=row.title.strip() or memory.title,
                text=row.text,
                lat=point[0],
                lon=point[1],
                leg_km=leg,
                period=period_label(memory),
            )
        )
        previous = point
    return route


def visible_stop_queryset():
    """TourStops whose memory may be shown, with the memory, in tour order (for prefetching)."""
    from stadtgedaechtnis.models_tours import TourStop

    return (
        TourStop.objects.filter(
            memory__status=Status.PUBLISHED,
            memory__public_lat__isnull=False,
            memory__public_lon__isnull=False,
        )
        .select_related("memory", "memory__district")
        .order_by("sort_order", "pk")
    )


def tour_route(page) -> Route:
    """The route of one tour page (live or a preview with unsaved stops), in two queries."""
    rows = sorted(page.stops.all(), key=lambda row: (row.sort_order or 0, row.pk or 0))
    memory_ids = {row.memory_id for row in rows if row.memory_id}
    # Loaded afresh (not from a preview's cached objects): a memory unpublished since is None.
    memories = Memory.objects.for_map().in_bulk(memory_ids)
    return build_route([(row, memories.get(row.memory_id)) for row in rows], page.walking_speed)


def tour_context(page, request) -> dict:
    route = tour_route(page)
    parent = page.get_parent() if page.path else None
    index = parent.specific if parent is not None else None
    return {
        "route": route,
        "stops": route.stops,
        "tour_map": {
            "options": map_options(request),
            "strings": {
                "marker": _("Station %(number)s: %(title)s"),
                "toList": _("Zur Station in der Liste"),
                "toMemory": _("Zur Erinnerung"),
            },
            **route.map_data(),
        },
        "tour_index": index,
    }


def tours_for_index(index_page):
    """The live tours below ``index_page`` with their routes (a fixed number of queries)."""
    from stadtgedaechtnis.models_tours import TourPage

    tours = list(
        TourPage.objects.child_of(index_page)
        .live()
        .public()
        .select_related("theme")
        .prefetch_related(Prefetch("stops", queryset=visible_stop_queryset(), to_attr="shown"))
        .order_by("path")
    )
    for tour in tours:
        tour.route = build_route([(row, row.memory) for row in tour.shown], tour.walking_speed)
    return tours


def index_context(page, request) -> dict:
    return {"tours": tours_for_index(page)}
