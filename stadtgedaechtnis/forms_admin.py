"""Admin forms: the memory on a map (GeoJSON point ↔ lat/lon) and the moderation decision."""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from civic.forms_admin import GeoJSONLeafletWidget, leaflet_settings
from stadtgedaechtnis.consent import CURRENT_CONSENT_VERSION
from stadtgedaechtnis.dates import parse_period
from stadtgedaechtnis.models import RejectionReason


class PointLeafletWidget(GeoJSONLeafletWidget):
    """django-leaflet's map for one point (the exact, private position of a memory)."""

    geom_type = "POINT"


class MemoryAdminForm(WagtailAdminModelForm):
    """The memory in the Wagtail admin, with its point edited on a map."""

    location = forms.CharField(
        label=_("Ort auf der Karte (genau, nicht öffentlich)"),
        required=False,
        widget=PointLeafletWidget,
        help_text=_(
            "Der öffentliche Punkt wird daraus nach der Genauigkeit berechnet (bei privaten "
            "Orten und „Straße“/„Stadtteil“ verschoben)."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.lat is not None and instance.lon is not None:
            self.initial["location"] = json.dumps(
                {"type": "Point", "coordinates": [instance.lon, instance.lat]}
            )
        if "location" in self.fields:
            self.fields["location"].widget.attrs["settings_overrides"] = leaflet_settings()
        if not instance.pk:
            for name in ("on_behalf_source", "on_behalf_consent"):
                if name in self.fields:
                    self.fields[name].required = True

    def clean_location(self):
        value = self.cleaned_data.get("location")
        if value in (None, ""):
            return None
        try:
            data = json.loads(value) if isinstance(value, str) else value
        except ValueError as exc:
            raise ValidationError(_("Das ist kein gültiger Punkt.")) from exc
        if isinstance(data, dict) and data.get("type") == "Feature":
            data = data.get("geometry")
        try:
            if data.get("type") != "Point":
                raise ValueError
            lon, lat = (float(v) for v in data["coordinates"][:2])
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise ValidationError(_("Bitte setzen Sie genau einen Punkt.")) from exc
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValidationError(_("Die Koordinaten liegen nicht in WGS84."))
        return (lon, lat)

    def clean(self):
        cleaned = super().clean()
        # New words without new dates: read the dates from the words.
        if "date_text" in self.changed_data and not (
            {"date_from", "date_to"} & set(self.changed_data)
        ):
            period = parse_period(cleaned.get("date_text", ""))
            cleaned["date_from"], cleaned["date_to"] = period.lower, period.upper
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", _("„Spätestens“ liegt vor „Frühestens“."))
        return cleaned

    def save(self, commit=True):
        location = self.cleaned_data.get("location")
        if "location" in self.fields:
            if location:
                self.instance.lon, self.instance.lat = location
            else:
                self.instance.lon = self.instance.lat = None
        for name in ("date_from", "date_to"):
            if name in self.cleaned_data:
                setattr(self.instance, name, self.cleaned_data[name])
        if not self.instance.pk:
            # Editors enter memories on behalf of someone (phone, story café, letter).
            self.instance.on_behalf = True
            if self.for_user is not None:
                self.instance.entered_by = self.for_user
            self.instance.consent_publication = True
            self.instance.consent_version = CURRENT_CONSENT_VERSION
            self.instance.consent_at = timezone.now()
        return super().save(commit=commit)


class ModerationForm(forms.Form):
    """Publish, ask for changes or reject (with a reason from the list and a message)."""

    ACTIONS = [
        ("publish", _("Veröffentlichen")),
        ("request_changes", _("Änderungen erbitten")),
        ("reject", _("Ablehnen")),
    ]
    action = forms.ChoiceField(label=_("Entscheidung"), choices=ACTIONS, widget=forms.RadioSelect)
    reason = forms.ModelChoiceField(
        label=_("Grund (bei Ablehnung)"),
        queryset=RejectionReason.objects.all(),
        required=False,
    )
    message = forms.CharField(
        label=_("Nachricht an die erzählende Person"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Geht per E-Mail an die Person (bei „Änderungen erbitten“ Pflicht)."),
    )

    def __init__(self, *args, allowed_actions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed_actions is not None:
            self.fields["action"].choices = [
                (key, label) for key, label in self.ACTIONS if key in allowed_actions
            ]

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        message = (cleaned.get("message") or "").strip()
        if action == "request_changes" and not message:
            self.add_error("message", _("Bitte schreiben Sie, was geändert werden soll."))
        if action == "reject" and not cleaned.get("reason") and not message:
            self.add_error(
                "reason", _("Bitte wählen Sie einen Grund oder schreiben Sie eine Nachricht.")
            )
        return cleaned
