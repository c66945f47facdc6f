"""The public JSON API (django-ninja), mounted at /api/ with its schema at /api/openapi.json.

Domain apps add their routers through :func:`register_router` in their ``AppConfig.ready()``.

Every answer is JSON and declared in the schema (checked by schemathesis in
``tests/test_api_fuzz.py``): 200 with the data, 400 for a well-formed value that cannot be used
(``{"detail": "<German message>"}``), 404 for what does not exist (also for unknown /api/
addresses) and 422 for a parameter of the wrong type or outside its documented range
(``{"detail": "<German message>", "errors": [...]}``).
"""

from django.http import Http404, HttpRequest, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, re_path, resolve
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Path, Router, Schema
from ninja.errors import ValidationError

GEOJSON = "application/geo+json"
#: Largest id a path accepts: ids are 32-bit integers in every table the API reads.
MAX_ID = 2**31 - 1


class NotFound(Http404):
    """A 404 whose message (already translated) is shown to the client."""


class CivicNinjaAPI(NinjaAPI):
    """NinjaAPI with a JSON 404 for every unknown /api/ address and GeoJSON media types."""

    def _get_urls(self):
        urls = super()._get_urls()
        # Last: whatever no operation matched is a JSON 404, not the site's HTML error page.
        urls.append(re_path(r"^.*$", unknown_api_path, name="unknown"))
        return urls

    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        # Operations that answer with GeoJSON declare it through geojson_response(); the JSON
        # content ninja adds for the same status is then not what is sent, so it goes.
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for response in operation.get("responses", {}).values():
                    content = response.get("content", {})
                    if GEOJSON in content:
                        content.pop("application/json", None)
        return schema


api = CivicNinjaAPI(
    title="civic API",
    version="1",
    description="Öffentliche Schnittstelle der Beteiligungsplattform (GeoJSON, WGS84).",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url=None,
)


def unknown_api_path(request: HttpRequest, *args, **kwargs):
    path = request.path_info
    if not path.endswith("/"):
        # As Django's APPEND_SLASH would (the catch-all would otherwise hide the redirect).
        try:
            match = resolve(path + "/")
        except Resolver404:
            match = None
        if match is not None and match.url_name != "unknown":
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    return JsonResponse(
        {"detail": _("Diese Adresse gibt es in der Schnittstelle nicht.")}, status=404
    )


# --------------------------------------------------------------------------------------------
# Errors in German


def _field_message(error: dict) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("Diese Angabe fehlt.")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Bitte eine ganze Zahl angeben.")
    if kind in ("float_parsing", "float_type"):
        return _("Bitte eine Zahl angeben.")
    if kind == "greater_than_equal":
        return _("Bitte eine Zahl ab %(limit)s angeben.") % {"limit": ctx.get("ge")}
    if kind == "greater_than":
        return _("Bitte eine Zahl größer als %(limit)s angeben.") % {"limit": ctx.get("gt")}
    if kind == "less_than_equal":
        return _("Bitte eine Zahl bis %(limit)s angeben.") % {"limit": ctx.get("le")}
    if kind == "less_than":
        return _("Bitte eine Zahl kleiner als %(limit)s angeben.") % {"limit": ctx.get("lt")}
    if kind == "string_too_long":
        return _("Bitte höchstens %(limit)s Zeichen angeben.") % {"limit": ctx.get("max_length")}
    return _("Dieser Wert ist ungültig.")


def _field_name(error: dict) -> str:
    loc = [str(part) for part in error.get("loc", ()) if part not in ("query", "path")]
    # Grouped query parameters (Query[Schema]) carry the group's name first.
    return loc[-1] if loc else ""


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError):
    errors = [
        {"loc": [str(part) for part in e.get("loc", ())], "msg": _field_message(e)}
        for e in exc.errors
    ]
    first = exc.errors[0] if exc.errors else {}
    name = _field_name(first)
    summary = _field_message(first) if first else _("Die Anfrage ist ungültig.")
    if name:
        summary = _("„%(name)s“: %(message)s") % {"name": name, "message": summary}
    return api.create_response(request, {"detail": summary, "errors": errors}, status=422)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404):
    # Django's own 404 messages are English and name models: only ours are shown.
    message = str(exc) if isinstance(exc, NotFound) else _("Nicht gefunden.")
    return api.create_response(request, {"detail": message}, status=404)


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    loc: list[str]
    msg: str


class ValidationErrorOut(Schema):
    detail: str
    errors: list[FieldErrorOut]


def geojson_response(schema_name: str, status: int = 200) -> dict:
    """``openapi_extra`` for an operation that answers with ``application/geo+json``."""
    ref = {"$ref": f"#/components/schemas/{schema_name}"}
    return {"responses": {status: {"content": {GEOJSON: {"schema": ref}}}}}


def id_path(description: str = ""):
    """A numeric id in a path: positive and 32-bit (larger numbers are a 422, not a 500)."""
    return Path(..., ge=1, le=MAX_ID, description=description)


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

    # A NUL byte cannot be sent to PostgreSQL at all; no slug has one.
    district = District.objects.filter(slug=slug).first() if "\x00" not in slug else None
    if district is None:
        raise NotFound(_("Diesen Stadtteil gibt es nicht."))
    return district.as_feature()


api.add_router("/", districts)


def register_router(prefix: str, router: Router) -> None:
    """Mount a domain app's router under /api/<prefix>."""
    api.add_router(prefix, router)
