"""The public JSON API (django-ninja), mounted at /api/ with its schema at /api/openapi.json.

Domain apps add their routers through :func:`register_router` in their ``AppConfig.ready()``.
"""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Router, Schema

api = NinjaAPI(
    title="civic API",
    version="1",
    description="Öffentliche Schnittstelle der Beteiligungsplattform (GeoJSON, WGS84).",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url=None,
)

districts = Router(tags=["Stadtteile"])


class DistrictProperties(Schema):
    name: str
    slug: str
    population: int | None = None
    source: str = ""


class DistrictFeature(Schema):
    type: str = "Feature"
    id: str
    geometry: dict
    properties: DistrictProperties


class DistrictCollection(Schema):
    type: str = "FeatureCollection"
    features: list[DistrictFeature]


class ErrorOut(Schema):
    detail: str


@districts.get("/districts", response=DistrictCollection, summary="Alle Stadtteile als GeoJSON")
def list_districts(request: HttpRequest):
    from civic.models import District

    return {
        "type": "FeatureCollection",
        "features": [d.as_feature() for d in District.objects.all()],
    }


@districts.get(
    "/districts/{slug}",
    response={200: DistrictFeature, 404: ErrorOut},
    summary="Ein Stadtteil als GeoJSON-Feature",
)
def get_district(request: HttpRequest, slug: str):
    from civic.models import District

    return get_object_or_404(District, slug=slug).as_feature()


api.add_router("/", districts)


def register_router(prefix: str, router: Router) -> None:
    """Mount a domain app's router under /api/<prefix>."""
    api.add_router(prefix, router)
