"""Domain verbs of the civic app: finding the district of a point, searching the site."""

import secrets
import threading

from django.core.cache import cache
from wagtail import hooks
from wagtail.models import Page, Site

from civic.models import District
from civic.registry import SearchHit

_DISTRICT_INDEX_VERSION_KEY = "civic:district-index-version"
_local = threading.local()


def invalidate_district_index() -> None:
    """Mark the district index stale in every process (called when districts change)."""
    try:
        cache.incr(_DISTRICT_INDEX_VERSION_KEY)
    except ValueError:
        cache.set(_DISTRICT_INDEX_VERSION_KEY, _fresh_version(), None)


def _fresh_version() -> int:
    # Random, not 1: after the cache was cleared (restart, flush), a process must not mistake
    # its old index, built under an earlier version 1, for the current one.
    return secrets.randbits(62)


def _current_version() -> int:
    version = cache.get(_DISTRICT_INDEX_VERSION_KEY)
    if version is None:
        fresh = _fresh_version()
        cache.add(_DISTRICT_INDEX_VERSION_KEY, fresh, None)
        version = cache.get(_DISTRICT_INDEX_VERSION_KEY, fresh)
    return version


class DistrictIndex:
    """An STRtree over all district polygons, for point-in-district look-ups."""

    def __init__(self, districts):
        from shapely import STRtree
        from shapely.geometry import shape
        from shapely.prepared import prep

        self.ids = []
        self.geoms = []
        for district in districts:
            geom = shape(district.geometry)
            self.ids.append(district.pk)
            self.geoms.append(geom)
        self.prepared = [prep(g) for g in self.geoms]
        self.tree = STRtree(self.geoms) if self.geoms else None

    def find(self, lon: float, lat: float) -> int | None:
        from shapely.geometry import Point

        if self.tree is None:
            return None
        point = Point(lon, lat)
        for i in sorted(self.tree.query(point)):
            if self.prepared[i].covers(point):
                return self.ids[i]
        return None


def district_index() -> DistrictIndex:
    """The process-local index, rebuilt when the shared version number changes."""
    version = _current_version()
    cached = getattr(_local, "district_index", None)
    if cached is None or cached[0] != version:
        index = DistrictIndex(District.objects.only("pk", "geometry"))
        _local.district_index = (version, index)
        return index
    return cached[1]


def district_id_for_point(lon: float, lat: float) -> int | None:
    """The primary key of the district containing (lon, lat), or None outside all districts."""
    return district_index().find(lon, lat)


def district_for_point(lon: float, lat: float) -> District | None:
    """The district containing the WGS84 point (lon, lat), or None."""
    district_id = district_id_for_point(lon, lat)
    if district_id is None:
        return None
    return District.objects.filter(pk=district_id).first()


def site_search(request, query: str, limit: int = 100) -> list:
    """Live, public pages of the request's site matching ``query``, then the hits that domain
    apps add through the ``civic_search_results`` hook, as :class:`civic.registry.SearchHit`."""
    pages = Page.objects.live().public()
    site = Site.find_for_request(request)
    if site:
        pages = pages.descendant_of(site.root_page, inclusive=True)
    hits = [
        SearchHit(
            title=page.title,
            url=page.get_url(request) or "",
            summary=page.search_description or getattr(page, "intro", ""),
            kind=str(page._meta.verbose_name),
        )
        for page in pages.specific().search(query)[:limit]
    ]
    for fn in hooks.get_hooks("civic_search_results"):
        hits.extend(fn(request, query) or [])
    return hits
