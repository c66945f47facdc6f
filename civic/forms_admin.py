"""Admin forms for districts: a GeoJSON polygon field edited on a Leaflet map.

The district boundary is stored as GeoJSON in a ``JSONField``; in the Wagtail admin it is edited
with django-leaflet's drawing widget. Unlike GeoDjango's fields, the form field here returns a
plain GeoJSON ``dict`` and never needs a spatial database.
"""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from leaflet.forms.widgets import LeafletWidget
from wagtail.admin.forms import WagtailAdminModelForm

from civic.geo import validate_polygon_geojson
from civic.models import CitySettings, District


def geojson_text(value) -> str:
    """The text to show for a field value: JSON for dicts, raw text kept as typed, never raises."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value  # also invalid input, so the editor sees and can fix what was sent
    if isinstance(value, dict):
        try:
            return json.dumps(value)
        except (TypeError, ValueError):
            return ""
    geojson = getattr(value, "geojson", None)  # a GEOSGeometry, e.g. from custom code
    if isinstance(geojson, str):
        return geojson
    return ""


class GeoJSONLeafletWidget(LeafletWidget):
    """django-leaflet's drawing map, fed with and returning GeoJSON text.

    It brings its own media (Leaflet is not on admin pages otherwise), including
    ``leaflet.extras.css`` without which the map has zero height, and it renders the submitted
    text unchanged, even when it is not valid GeoJSON: django-leaflet would silently drop it.
    """

    include_media = True
    geom_type = "MULTIPOLYGON"

    @property
    def media(self):
        return super().media + forms.Media(css={"screen": ["leaflet/leaflet.extras.css"]})

    def get_context(self, name, value, attrs):
        # Bypass GeoDjango's deserialisation (it logs and discards invalid input).
        context = super().get_context(name, None, attrs)
        context["serialized"] = geojson_text(value)
        return context


class PolygonGeoJSONField(forms.CharField):
    """A (Multi)Polygon as GeoJSON in WGS84; cleans to a ``dict``."""

    widget = GeoJSONLeafletWidget
    default_error_messages = {
        "invalid_json": _("Das ist kein gültiges GeoJSON (Syntaxfehler)."),
    }

    def to_python(self, value):
        if isinstance(value, dict):
            return value
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            data = json.loads(value)
        except ValueError as exc:
            raise ValidationError(self.error_messages["invalid_json"], code="invalid_json") from exc
        # A pasted Feature is fine: keep its geometry.
        if isinstance(data, dict) and data.get("type") == "Feature":
            data = data.get("geometry")
        return data

    def validate(self, value):
        super().validate(value)
        if value not in self.empty_values:
            validate_polygon_geojson(value)

    def prepare_value(self, value):
        return geojson_text(value)

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != self.to_python(initial)
        except ValidationError:
            return True


def leaflet_settings() -> dict:
    """django-leaflet's settings for an admin map, from the default site's CitySettings (used as
    the widget's ``settings_overrides`` attribute by every admin map form)."""
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    options = (CitySettings.for_site(site) if site else CitySettings()).map_options()
    return {
        "TILES": [("", options["tileUrl"], {"attribution": options["attribution"]})],
        "DEFAULT_CENTER": tuple(options["center"]),
        "DEFAULT_ZOOM": options["zoom"],
        "MIN_ZOOM": options["minZoom"],
        "MAX_ZOOM": options["maxZoom"],
    }


class DistrictAdminForm(WagtailAdminModelForm):
    """Wagtail admin form for districts: boundary on a map, slug derived from the name if empty."""

    geometry = PolygonGeoJSONField(
        label=_("Grenze"),
        help_text=_(
            "Zeichnen Sie die Fläche des Stadtteils auf der Karte. "
            "Größere Gebiete importieren Sie besser mit „manage.py import_districts“."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _("Leer lassen: wird aus dem Namen gebildet.")
        if "geometry" in self.fields:
            self.fields["geometry"].widget.attrs["settings_overrides"] = leaflet_settings()

    def clean(self):
        cleaned_data = super().clean()
        if "slug" in self.fields and not cleaned_data.get("slug") and cleaned_data.get("name"):
            # Set here (not in save) so the uniqueness check reports a clash as a form error.
            cleaned_data["slug"] = District.slug_for(cleaned_data["name"])
        return cleaned_data
