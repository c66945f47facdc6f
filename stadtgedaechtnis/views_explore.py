"""The memory page: a published memory for everyone; unpublished ones only for their author
and editors (the editors' preview), with a clear status banner."""

from django.db.models import F, Prefetch
from django.http import Http404
from django.shortcuts import render

from civic.cache import cacheable
from civic.comments import is_commentable
from stadtgedaechtnis.explore import (
    card_queryset,
    doors,
    map_options,
    map_page_for,
    memory_json_ld,
    period_label,
    script_json,
    tell_url,
    timeline_of,
)
from stadtgedaechtnis.models import Memory, MemoryAudio, MemoryPhoto

RELATED_COUNT = 4
#: Half the edge of the box searched for nearby memories (degrees; about 700 m by 1 km).
NEARBY_DEGREES = 0.007


def nearby_memories(memory, limit: int = RELATED_COUNT):
    """Published memories close to this one's public point, nearest first (one bbox query)."""
    if not memory.has_point:
        return []
    lat, lon = memory.public_lat, memory.public_lon
    return list(
        card_queryset()
        .filter(
            public_lat__gte=lat - NEARBY_DEGREES,
            public_lat__lte=lat + NEARBY_DEGREES,
            public_lon__gte=lon - NEARBY_DEGREES * 1.5,
            public_lon__lte=lon + NEARBY_DEGREES * 1.5,
        )
        .exclude(pk=memory.pk)
        .annotate(
            _distance=(F("public_lat") - lat) * (F("public_lat") - lat)
            + (F("public_lon") - lon) * (F("public_lon") - lon) * 0.41
        )
        .order_by("_distance", "pk")[:limit]
    )


def same_decade_memories(memory, exclude=(), limit: int = RELATED_COUNT):
    if not memory.decade:
        return []
    return list(
        card_queryset()
        .filter(decade=memory.decade)
        .exclude(pk__in=[memory.pk, *exclude])
        .order_by("-published_at", "-pk")[:limit]
    )


@cacheable  # anonymous visitors: civic.cache (a memory's change invalidates it)
def memory_detail(request, pk: int):
    memory = (
        Memory.objects.select_related("district", "author")
        .prefetch_related(
            "themes",
            Prefetch(
                "photos",
                queryset=MemoryPhoto.objects.select_related("image")
                .prefetch_related("image__renditions")
                .order_by("sort_order", "pk"),
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if memory is None or not request.user.has_perm("stadtgedaechtnis.view_memory", memory):
        raise Http404
    photos = list(memory.photos.all())
    try:
        audio = memory.audio
    except MemoryAudio.DoesNotExist:
        audio = None
    nearby = nearby_memories(memory)
    same_decade = same_decade_memories(memory, exclude=[m.pk for m in nearby])
    map_page = map_page_for(request)
    timeline_page = timeline_of(map_page)
    context = {
        "memory": memory,
        "photos": photos,
        "audio": audio,
        "period": period_label(memory),
        "nearby": nearby,
        "same_decade": same_decade,
        "map_page": map_page,
        "timeline_page": timeline_page,
        "doors": doors(request, map_page, timeline_page),
        "tell_url": tell_url(),
        "comments_enabled": memory.is_published and is_commentable(memory),
        "json_ld": script_json(memory_json_ld(memory, request, photos)),
        "point_map": {
            "options": map_options(request),
            "point": [memory.public_lat, memory.public_lon] if memory.has_point else None,
            "label": memory.place_name or memory.title,
        },
    }
    return render(request, "stadtgedaechtnis/memory_detail.html", context)
