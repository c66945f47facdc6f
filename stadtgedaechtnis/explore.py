"""Context for the Entdecke (map) and Erforsche (timeline) pages and the memory page.

Every list here is built with a fixed number of queries (select_related / prefetch_related /
one window query for the timeline), whatever the number of memories.
"""

import json
import logging
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, F, Prefetch, Window
from django.db.models.functions import RowNumber
from django.db.models.signals import m2m_changed
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from civic.cache import bump_data_version, data_version
from civic.models import CitySettings
from stadtgedaechtnis.explore_clusters import cluster_cache_seconds
from stadtgedaechtnis.explore_filters import (
    MemoryFilterForm,
    apply_filters,
    filter_query,
)
from stadtgedaechtnis.models import Attribution, Memory, MemoryPhoto, MemoryTimelinePage

logger = logging.getLogger(__name__)

LIST_PER_PAGE = 20
TIMELINE_PER_DECADE = 6
TIMELINE_PER_PAGE = 24
PAGE_PARAM = "seite"

# JSON inside <script> must not be able to close the element (same escapes as json_script).
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


# --------------------------------------------------------------------------------------------
# Shared helpers


def card_queryset(queryset=None):
    """Published memories with what a card shows (district, themes, first photo's renditions)."""
    queryset = Memory.objects.published() if queryset is None else queryset
    return queryset.select_related("district").prefetch_related(
        "themes",
        Prefetch(
            "photos",
            queryset=MemoryPhoto.objects.select_related("image")
            .prefetch_related("image__renditions")
            .order_by("sort_order", "pk"),
        ),
    )


def period_label(memory) -> str:
    """The parsed range as years: "1965", "1963–1967", "ab 1950", "bis 1945", or ""."""
    low, high = memory.date_from, memory.date_to
    if low and high:
        if low.year == high.year:
            return str(low.year)
        return f"{low.year}–{high.year}"
    if low:
        return _("ab %(year)s") % {"year": low.year}
    if high:
        return _("bis %(year)s") % {"year": high.year}
    return ""


def url_or_empty(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def tell_url() -> str:
    return url_or_empty("stadtgedaechtnis:tell")


def memory_url_template() -> str:
    """The memory page's URL with ``{id}`` in place of the key (for the map's JavaScript)."""
    return reverse("stadtgedaechtnis:memory", args=[999999999]).replace("999999999", "{id}")


def map_options(request) -> dict:
    return CitySettings.for_request(request).map_options()


def script_json(data) -> str:
    """JSON safe to place inside a ``<script type="application/ld+json">`` element."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe(text.translate(_JSON_SCRIPT_ESCAPES))  # noqa: S308 - escaped above


def map_page_for(request):
    """The live Entdecke page of the request's site (or any), for links from memory pages."""
    from wagtail.models import Site

    from stadtgedaechtnis.models import MemoryMapPage

    pages = MemoryMapPage.objects.live().public()
    site = Site.find_for_request(request)
    if site is not None:
        local = pages.descendant_of(site.root_page).first()
        if local is not None:
            return local
    return pages.first()


def doors(request, map_page=None, timeline_page=None) -> list[dict]:
    """The three doors of the Stadtgedächtnis: Erzähle, Entdecke, Erforsche."""
    items = []
    url = tell_url()
    if url:
        items.append(
            {
                "key": "tell",
                "title": _("Erzähle"),
                "text": _("Teilen Sie Ihre Erinnerung an unsere Stadt."),
                "url": url,
            }
        )
    if map_page is not None:
        items.append(
            {
                "key": "map",
                "title": _("Entdecke"),
                "text": _("Erinnerungen auf der Karte und in der Liste."),
                "url": map_page.get_url(request),
            }
        )
    if timeline_page is not None:
        items.append(
            {
                "key": "timeline",
                "title": _("Erforsche"),
                "text": _("Erinnerungen nach Jahrzehnten."),
                "url": timeline_page.get_url(request),
            }
        )
    return items


def timeline_of(map_page):
    if map_page is None:
        return None
    return MemoryTimelinePage.objects.live().public().child_of(map_page).first()


def _page_query(request, **changes) -> str:
    """The current GET parameters without the page number (for pagination links)."""
    params = {k: v for k, v in request.GET.items() if k != PAGE_PARAM and v != ""}
    params.update({k: v for k, v in changes.items() if v is not None})
    return urlencode(params)


# --------------------------------------------------------------------------------------------
# Entdecke


def map_page_context(page, request):
    """The filter form, the filtered and paginated list, and what the map's JavaScript needs."""
    form = MemoryFilterForm(data=request.GET)
    data = form.valid_data()
    queryset = apply_filters(Memory.objects.published(), data)
    ordered = card_queryset(queryset).order_by("-published_at", "-pk")
    page_obj = Paginator(ordered, LIST_PER_PAGE).get_page(request.GET.get(PAGE_PARAM))
    timeline_page = timeline_of(page)
    api_filters = filter_query(data, exclude=("bbox",))
    return {
        "filter_form": form,
        "filters_active": form.is_active(),
        "list_bbox": data.get("bbox"),
        "page_obj": page_obj,
        "memories": page_obj.object_list,
        "result_count": page_obj.paginator.count,
        "page_query": _page_query(request),
        "reset_url": page.get_url(request),
        "timeline_page": timeline_page,
        "doors": doors(request, page, timeline_page),
        "tell_url": tell_url(),
        "explore_map": {
            "options": map_options(request),
            "apiUrl": reverse("api:memory_map"),
            "listApiUrl": reverse("api:memory_list"),
            "memoryUrl": memory_url_template(),
            "filters": api_filters,
            "bbox": data["bbox"].as_list() if data.get("bbox") else None,
            "strings": map_strings(),
        },
    }


def map_strings() -> dict:
    """Texts the map's JavaScript shows (translated on the server)."""
    return {
        "cluster": _("%(count)s Erinnerungen – zum Vergrößern anklicken"),
        "stack": _("%(count)s Erinnerungen an diesem Ort"),
        "showList": _("In der Liste zeigen"),
        "memory": _("Erinnerung"),
        "open": _("Erinnerung lesen"),
        "loading": _("Die Karte lädt Erinnerungen …"),
        "loaded": _("Die Karte zeigt %(count)s Erinnerungen in diesem Ausschnitt."),
        "error": _("Die Erinnerungen konnten nicht geladen werden. Die Liste unten zeigt sie."),
        "listUpdated": _("Die Liste zeigt jetzt %(count)s Erinnerungen im Kartenausschnitt."),
    }


# --------------------------------------------------------------------------------------------
# Erforsche


def timeline_context(page, request):
    """Memories by decade: a decade navigation with counts, a few memories per decade with a
    "mehr" link, or (``?jahrzehnt=1950``) one decade, paginated. Filterable by theme."""
    form = MemoryFilterForm(data=request.GET)
    data = form.valid_data()
    timeline_data = {key: data.get(key) for key in ("theme",)}
    queryset = apply_filters(Memory.objects.published(), timeline_data)

    counts, top_ids = _timeline_overview(queryset, data.get("theme"))
    decades = [{"decade": row["decade"], "count": row["n"]} for row in counts if row["decade"]]
    undated = sum(row["n"] for row in counts if not row["decade"])
    total = sum(row["n"] for row in counts)

    selected = None
    raw = request.GET.get("jahrzehnt", "")
    if raw.isdigit() and any(d["decade"] == int(raw) for d in decades):
        selected = int(raw)

    theme_query = {"theme": data["theme"].slug} if data.get("theme") else {}
    context = {
        "filter_form": form,
        "decades": decades,
        "undated_count": undated,
        "total_count": total,
        "selected_decade": selected,
        "theme_query": urlencode(theme_query),
        "map_page": page.get_parent().specific if page.get_parent() else None,
        "tell_url": tell_url(),
    }
    if selected is not None:
        ordered = card_queryset(queryset.filter(decade=selected)).order_by(
            F("date_from").asc(nulls_last=True), "pk"
        )
        page_obj = Paginator(ordered, TIMELINE_PER_PAGE).get_page(request.GET.get(PAGE_PARAM))
        context.update(page_obj=page_obj, memories=page_obj.object_list)
        context["page_query"] = _page_query(request)
    else:
        cards = {m.pk: m for m in card_queryset(queryset.filter(pk__in=top_ids))} if top_ids else {}
        by_decade: dict[int, list] = {}
        for pk in top_ids:
            memory = cards.get(pk)
            if memory is not None:
                by_decade.setdefault(memory.decade, []).append(memory)
        for item in decades:
            item["memories"] = by_decade.get(item["decade"], [])
            item["more"] = item["count"] > len(item["memories"])
    context["doors"] = doors(request, context["map_page"], page)
    return context


def _timeline_overview(queryset, theme) -> tuple[list[dict], list[int]]:
    """The counts per decade and the ids of the first memories of each decade (in order).

    Both scan every published memory (465 ms at 100,000 memories), so they are cached per
    theme and :func:`civic.cache.data_version` of the memories (``CIVIC_EXPLORE_CACHE_SECONDS``);
    the cards themselves are loaded fresh by primary key.
    """
    seconds = cluster_cache_seconds()
    key = None
    if seconds > 0:
        key = f"civic:timeline:{data_version(Memory._meta.label)}:{theme.pk if theme else 0}"
        try:
            cached = cache.get(key)
        except Exception:  # a cache outage: compute as if there were no cache
            logger.exception("Timeline cache unavailable")
            key = cached = None
        if cached is not None:
            return cached
    counts = list(queryset.order_by().values("decade").annotate(n=Count("pk")).order_by("decade"))
    ranked = (
        queryset.filter(decade__isnull=False)
        .annotate(
            _rank=Window(
                RowNumber(),
                partition_by=F("decade"),
                order_by=[F("date_from").asc(nulls_last=True), F("pk").asc()],
            )
        )
        .filter(_rank__lte=TIMELINE_PER_DECADE)
        .order_by("decade", "_rank")
    )
    result = (counts, list(ranked.values_list("pk", flat=True)))
    if key is not None:
        try:
            cache.set(key, result, seconds)
        except Exception:
            logger.exception("Could not cache the timeline")
    return result


def _themes_changed(sender, **kwargs):
    # Themes are saved after the memory (post_save has already passed): a new version again.
    bump_data_version(Memory._meta.label)


m2m_changed.connect(
    _themes_changed, sender=Memory.themes.through, dispatch_uid="stadtgedaechtnis_explore_themes"
)


# --------------------------------------------------------------------------------------------
# The memory page


def memory_json_ld(memory, request, photos) -> dict:
    """schema.org CreativeWork with temporal and spatial coverage (public data only)."""
    data = {
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "name": memory.title,
        "url": request.build_absolute_uri(memory.get_absolute_url()),
        "inLanguage": "de",
        "text": "\n\n".join(memory.paragraphs),
        "license": memory.licence_url,
        "isAccessibleForFree": True,
    }
    if memory.summary:
        data["abstract"] = memory.summary
    if memory.published_at:
        data["datePublished"] = memory.published_at.date().isoformat()
    if memory.attribution != Attribution.ANONYMOUS:
        data["creator"] = {"@type": "Person", "name": memory.public_attribution}
    if memory.date_from and memory.date_to:
        data["temporalCoverage"] = f"{memory.date_from.isoformat()}/{memory.date_to.isoformat()}"
    elif memory.date_from:
        data["temporalCoverage"] = f"{memory.date_from.isoformat()}/.."
    elif memory.date_to:
        data["temporalCoverage"] = f"../{memory.date_to.isoformat()}"
    elif memory.date_text:
        data["temporalCoverage"] = memory.date_text
    place = {"@type": "Place"}
    name = memory.place_name or (memory.district.name if memory.district_id else "")
    if name:
        place["name"] = name
    if memory.has_point:
        place["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": round(memory.public_lat, 5),
            "longitude": round(memory.public_lon, 5),
        }
    if memory.district_id and memory.place_name:
        place["containedInPlace"] = {"@type": "Place", "name": memory.district.name}
    if len(place) > 1:
        data["spatialCoverage"] = place
    keywords = [theme.name for theme in memory.themes.all()]
    if keywords:
        data["keywords"] = keywords
    if photos:
        data["image"] = [
            request.build_absolute_uri(photo.image.get_rendition("max-1200x1200").url)
            for photo in photos
        ]
    return data
