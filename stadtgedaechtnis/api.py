"""Public API of the Stadtgedächtnis (django-ninja, mounted at /api/memories/).

Only published memories, only public fields, only the public (blurred) point: never the exact
point, never contact data or e-mail addresses, never the contributor's name unless they chose
to be named. Every response is validated against its schema before it is sent, so a field that
is not in the schema cannot leak.

* ``GET /api/memories/``: GeoJSON FeatureCollection, filtered and paged (``limit``/``offset``).
* ``GET /api/memories/map``: the map's view (``bbox`` + ``zoom``), clustered on the server into a
  bounded number of features (see :mod:`stadtgedaechtnis.explore_clusters`).
* ``GET /api/memories/{id}``: one memory with its story, photos and audio.
"""

import datetime
from typing import Literal
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.utils.text import Truncator
from ninja import Field, Query, Router, Schema
from pydantic import BaseModel

from civic.api import ErrorOut, ValidationErrorOut, geojson_response, id_path
from stadtgedaechtnis.explore_clusters import (
    MAX_ZOOM,
    MIN_ZOOM,
    BBoxError,
    check_zoom,
    cluster_queryset,
    grid_for,
    parse_bbox,
    rounded,
)
from stadtgedaechtnis.explore_filters import (
    BBOX_PATTERN,
    DECADE_MAX,
    DECADE_MIN,
    QUERY_MAX_LENGTH,
    MemoryFilterForm,
    apply_filters,
)
from stadtgedaechtnis.models import Licence, Memory, MemoryAudio

router = Router(tags=["Stadtgedächtnis"])

GEOJSON = "application/geo+json"
MAX_LIMIT = 100
DEFAULT_LIMIT = 50
MAP_TITLE_CHARS = 80
CACHE_SECONDS = 60


# --------------------------------------------------------------------------------------------
# Schemas


class PointGeometry(Schema):
    type: Literal["Point"] = "Point"
    coordinates: list[float]


class ThemeOut(Schema):
    slug: str
    name: str


class MemoryProperties(Schema):
    id: int
    title: str
    summary: str
    url: str
    date_text: str
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    decade: int | None = None
    place_name: str
    place_note: str
    district: str | None = None
    themes: list[ThemeOut]
    licence: str
    licence_url: str
    attribution: str
    published_at: datetime.datetime | None = None


class MemoryFeature(Schema):
    type: Literal["Feature"] = "Feature"
    id: int
    geometry: PointGeometry | None = None
    properties: MemoryProperties


class Link(Schema):
    rel: str
    href: str
    type: str = GEOJSON


class MemoryCollection(Schema):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    numberMatched: int
    numberReturned: int
    limit: int
    offset: int
    links: list[Link]
    features: list[MemoryFeature]


class PhotoOut(Schema):
    url: str
    width: int
    height: int
    alt: str
    caption: str
    creator: str
    year: int | None = None
    licence: str
    licence_url: str


class AudioOut(Schema):
    url: str
    mime: str
    transcript: str


class MemoryDetailProperties(MemoryProperties):
    story: list[str]
    photos: list[PhotoOut]
    audio: AudioOut | None = None


class MemoryDetail(Schema):
    type: Literal["Feature"] = "Feature"
    id: int
    geometry: PointGeometry | None = None
    properties: MemoryDetailProperties


class MapFeatureProperties(Schema):
    cluster: bool
    count: int
    bbox: list[float] | None = None
    id: int | None = None
    title: str | None = None


class MapFeature(Schema):
    type: Literal["Feature"] = "Feature"
    geometry: PointGeometry
    properties: MapFeatureProperties


class MapCollection(Schema):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    zoom: int
    bbox: list[float]
    numberMatched: int
    features: list[MapFeature]


# The ranges and the bbox pattern below are checked by MemoryFilterForm (a 400 with a German
# message, as the map page shows it); they are in the schema so that clients know them.
_DECADE = {"minimum": DECADE_MIN, "maximum": DECADE_MAX}


class FilterParams(Schema):
    bbox: str | None = Field(
        None,
        description=(
            "West,Süd,Ost,Nord in WGS84, z. B. 10.90,50.22,11.05,50.32 (leer: kein Ausschnitt)"
        ),
        # An empty value means "no box", as in the map page's links.
        json_schema_extra={"pattern": f"^$|{BBOX_PATTERN}"},
    )
    theme: str | None = Field(None, description="Slug eines Themas")
    decade_from: int | None = Field(
        None, description="Jahrzehnt, z. B. 1950", json_schema_extra=_DECADE
    )
    decade_to: int | None = Field(
        None, description="Jahrzehnt, z. B. 1970", json_schema_extra=_DECADE
    )
    district: str | None = Field(None, description="Slug eines Stadtteils")
    q: str | None = Field(
        None, description="Suchbegriff", json_schema_extra={"maxLength": QUERY_MAX_LENGTH}
    )


class MapParams(FilterParams):
    zoom: int = Field(
        ...,
        description=f"Zoomstufe {MIN_ZOOM} bis {MAX_ZOOM}",
        json_schema_extra={"minimum": MIN_ZOOM, "maximum": MAX_ZOOM},
    )


# --------------------------------------------------------------------------------------------
# Helpers


class InvalidFilter(Exception):
    pass


def _filtered(params: dict, *, require_bbox: bool = False):
    data = {k: v for k, v in params.items() if v is not None}
    form = MemoryFilterForm(data=data)
    if not form.is_valid():
        raise InvalidFilter(form.first_error())
    cleaned = form.cleaned_data
    if require_bbox and cleaned.get("bbox") is None:
        try:
            parse_bbox(None)
        except BBoxError as error:
            raise InvalidFilter(str(error)) from None
    return cleaned, apply_filters(Memory.objects.published(), cleaned)


def _json(model: BaseModel, *, status: int = 200, content_type: str = "application/json"):
    """Compact UTF-8 JSON of a validated schema (no ASCII escapes: umlauts cost 2 bytes)."""
    response = HttpResponse(
        model.model_dump_json(exclude_none=False),
        status=status,
        content_type=f"{content_type}; charset=utf-8",
    )
    if status == 200:
        response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response


def _error(message: str, status: int = 400):
    return _json(ErrorOut(detail=message), status=status)


def _geometry(memory) -> dict | None:
    if memory.public_lon is None or memory.public_lat is None:
        return None
    return {
        "type": "Point",
        "coordinates": [rounded(memory.public_lon), rounded(memory.public_lat)],
    }


def memory_properties(memory, request) -> dict:
    """The public properties of a memory (themes and district must be prefetched)."""
    return {
        "id": memory.pk,
        "title": memory.title,
        "summary": memory.summary,
        "url": request.build_absolute_uri(memory.get_absolute_url()),
        "date_text": memory.date_text,
        "date_from": memory.date_from,
        "date_to": memory.date_to,
        "decade": memory.decade,
        "place_name": memory.place_name,
        "place_note": memory.place_note,
        "district": memory.district.name if memory.district_id else None,
        "themes": [{"slug": t.slug, "name": t.name} for t in memory.themes.all()],
        "licence": memory.licence,
        "licence_url": Licence.url(memory.licence),
        "attribution": memory.public_attribution,
        "published_at": memory.published_at,
    }


def public_memories():
    return (
        Memory.objects.published().select_related("district", "author").prefetch_related("themes")
    )


# --------------------------------------------------------------------------------------------
# Endpoints


@router.get(
    "/",
    response={200: MemoryCollection, 400: ErrorOut, 422: ValidationErrorOut},
    openapi_extra=geojson_response("MemoryCollection"),
    url_name="memory_list",
    summary="Veröffentlichte Erinnerungen als GeoJSON (gefiltert, seitenweise)",
)
def list_memories(
    request: HttpRequest,
    filters: Query[FilterParams],
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Höchstens 100"),
    offset: int = Query(0, ge=0, le=1_000_000),
):
    """Published memories, newest first. ``bbox`` is ``West,Süd,Ost,Nord`` in WGS84; ``theme``
    and ``district`` are slugs; ``decade_from``/``decade_to`` years such as 1950; ``q`` a text."""
    try:
        cleaned, queryset = _filtered(filters.dict())
    except InvalidFilter as error:
        return _error(str(error))
    total = queryset.count()
    ids = list(
        queryset.order_by("-published_at", "-pk").values_list("pk", flat=True)[
            offset : offset + limit
        ]
    )
    by_id = {m.pk: m for m in public_memories().filter(pk__in=ids)} if ids else {}
    features = [
        {
            "id": pk,
            "geometry": _geometry(by_id[pk]),
            "properties": memory_properties(by_id[pk], request),
        }
        for pk in ids
        if pk in by_id
    ]
    base = request.build_absolute_uri(request.path)
    query = {k: v for k, v in request.GET.items() if k not in ("offset", "limit")}
    links = [{"rel": "self", "href": request.build_absolute_uri()}]
    if offset + limit < total:
        links.append(
            {
                "rel": "next",
                "href": base + "?" + urlencode({**query, "limit": limit, "offset": offset + limit}),
            }
        )
    if offset > 0:
        links.append(
            {
                "rel": "prev",
                "href": base
                + "?"
                + urlencode({**query, "limit": limit, "offset": max(0, offset - limit)}),
            }
        )
    payload = MemoryCollection.model_validate(
        {
            "numberMatched": total,
            "numberReturned": len(features),
            "limit": limit,
            "offset": offset,
            "links": links,
            "features": features,
        }
    )
    return _json(payload, content_type=GEOJSON)


@router.get(
    "/map",
    response={200: MapCollection, 400: ErrorOut, 422: ValidationErrorOut},
    openapi_extra=geojson_response("MapCollection"),
    url_name="memory_map",
    summary="Kartenansicht: Erinnerungen im Ausschnitt, auf dem Server zu Gruppen gebündelt",
)
def map_memories(request: HttpRequest, filters: Query[MapParams]):
    """The memories in ``bbox`` (required) grouped into grid cells of about 80 pixels at
    ``zoom``. A cell with one memory is that memory (``cluster: false``, ``id``, ``title``);
    a cell with more is a cluster (``count``, ``bbox`` of its members). The response has at
    most a few hundred features whatever the data, and ``numberMatched`` is the sum of counts."""
    params = filters.dict()
    zoom = params.pop("zoom")
    try:
        check_zoom(zoom)
    except ValueError as error:
        return _error(str(error))
    try:
        cleaned, queryset = _filtered(params, require_bbox=True)
    except InvalidFilter as error:
        return _error(str(error))
    bbox = cleaned["bbox"]
    grid = grid_for(bbox, zoom)
    cells = cluster_queryset(queryset, grid)
    single_ids = [cell.member_id for cell in cells if cell.is_single]
    titles = (
        dict(Memory.objects.filter(pk__in=single_ids).values_list("pk", "title"))
        if single_ids
        else {}
    )
    features = []
    for cell in cells:
        point = {"type": "Point", "coordinates": [rounded(cell.lon), rounded(cell.lat)]}
        if cell.is_single:
            properties = {
                "cluster": False,
                "count": 1,
                "id": cell.member_id,
                "title": Truncator(titles.get(cell.member_id, "")).chars(MAP_TITLE_CHARS),
            }
        else:
            properties = {
                "cluster": True,
                "count": cell.count,
                "bbox": [rounded(v) for v in cell.bbox],
            }
        features.append({"geometry": point, "properties": properties})
    payload = MapCollection.model_validate(
        {
            "zoom": zoom,
            "bbox": bbox.as_list(),
            "numberMatched": sum(cell.count for cell in cells),
            "features": features,
        }
    )
    response = HttpResponse(
        payload.model_dump_json(exclude_none=True),
        content_type=f"{GEOJSON}; charset=utf-8",
    )
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response


@router.get(
    "/{memory_id}",
    response={200: MemoryDetail, 404: ErrorOut, 422: ValidationErrorOut},
    openapi_extra=geojson_response("MemoryDetail"),
    url_name="memory_detail",
    summary="Eine veröffentlichte Erinnerung mit Geschichte, Fotos und Tonaufnahme",
)
def get_memory(request: HttpRequest, memory_id: int = id_path()):
    from django.utils.translation import gettext as _

    memory = (
        public_memories()
        .select_related("audio")
        .prefetch_related("photos__image")
        .filter(pk=memory_id)
        .first()
    )
    if memory is None:
        return _error(_("Diese Erinnerung gibt es nicht oder sie ist nicht veröffentlicht."), 404)
    photos = []
    for photo in memory.photos.all():
        rendition = photo.image.get_rendition("max-1200x1200")
        photos.append(
            {
                "url": request.build_absolute_uri(rendition.url),
                "width": rendition.width,
                "height": rendition.height,
                "alt": photo.alt_text,
                "caption": photo.caption,
                "creator": photo.creator,
                "year": photo.year,
                "licence": photo.licence,
                "licence_url": Licence.url(photo.licence),
            }
        )
    try:
        audio = memory.audio
    except MemoryAudio.DoesNotExist:
        audio = None
    properties = memory_properties(memory, request)
    properties.update(
        story=memory.paragraphs,
        photos=photos,
        audio=(
            {
                "url": request.build_absolute_uri(audio.file.url),
                "mime": audio.mime,
                "transcript": audio.transcript,
            }
            if audio is not None and audio.file
            else None
        ),
    )
    payload = MemoryDetail.model_validate(
        {"id": memory.pk, "geometry": _geometry(memory), "properties": properties}
    )
    return _json(payload, content_type=GEOJSON)
