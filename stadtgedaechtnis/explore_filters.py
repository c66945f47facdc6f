"""The filters shared by the map page, its list, the timeline and the map API.

One form validates the GET parameters everywhere (``q``, ``theme``, ``decade_from``,
``decade_to``, ``district``, ``bbox``), so the map, the list and the API always show the same set.
"""

import datetime
import math
import re

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from civic.models import District
from stadtgedaechtnis.explore_clusters import BBox, BBoxError, parse_bbox
from stadtgedaechtnis.models import Memory, Theme

FIRST_DECADE = 1900
FILTER_FIELDS = ("q", "theme", "decade_from", "decade_to", "district", "bbox")
DECADE_MIN, DECADE_MAX = 1000, 2100
QUERY_MAX_LENGTH = 200

_NUMBER = r"[ ]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[ ]*"
#: What a ``bbox`` parameter looks like: four decimal numbers (ASCII digits, optionally with an
#: exponent and spaces around them), separated by commas. Also the pattern in the API schema.
BBOX_PATTERN = rf"^{_NUMBER},{_NUMBER},{_NUMBER},{_NUMBER}$"
_BBOX_RE = re.compile(BBOX_PATTERN)
#: Decimal places a box keeps (about 10 cm): the same as links and the API write it back.
BBOX_DIGITS = 6


def decade_choices(empty_label) -> list[tuple[str, str]]:
    last = datetime.date.today().year // 10 * 10
    return [("", empty_label)] + [
        (str(decade), _("%(decade)ser") % {"decade": decade})
        for decade in range(FIRST_DECADE, last + 10, 10)
    ]


class MemoryFilterForm(forms.Form):
    """GET filters of the memory map, list and API. Invalid values give translated errors."""

    q = forms.CharField(
        label=_("Suchbegriff"), max_length=QUERY_MAX_LENGTH, required=False, strip=True
    )
    theme = forms.ModelChoiceField(
        label=_("Thema"),
        queryset=Theme.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Alle Themen"),
        error_messages={"invalid_choice": _("Dieses Thema gibt es nicht.")},
    )
    decade_from = forms.IntegerField(
        label=_("Von Jahrzehnt"),
        required=False,
        min_value=DECADE_MIN,
        max_value=DECADE_MAX,
        error_messages={
            "invalid": _("Bitte ein Jahrzehnt als Jahreszahl angeben, z. B. 1950."),
            "min_value": _("Bitte ein Jahrzehnt ab 1000 angeben."),
            "max_value": _("Bitte ein Jahrzehnt bis 2100 angeben."),
        },
    )
    decade_to = forms.IntegerField(
        label=_("Bis Jahrzehnt"),
        required=False,
        min_value=DECADE_MIN,
        max_value=DECADE_MAX,
        error_messages={
            "invalid": _("Bitte ein Jahrzehnt als Jahreszahl angeben, z. B. 1950."),
            "min_value": _("Bitte ein Jahrzehnt ab 1000 angeben."),
            "max_value": _("Bitte ein Jahrzehnt bis 2100 angeben."),
        },
    )
    district = forms.ModelChoiceField(
        label=_("Stadtteil"),
        queryset=District.objects.only("pk", "name", "slug"),
        to_field_name="slug",
        required=False,
        empty_label=_("Alle Stadtteile"),
        error_messages={"invalid_choice": _("Diesen Stadtteil gibt es nicht.")},
    )
    # Not stripped: the pattern (also in the API schema) says exactly what is accepted.
    bbox = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decade_from"].widget = forms.Select(choices=decade_choices(_("beliebig")))
        self.fields["decade_to"].widget = forms.Select(choices=decade_choices(_("beliebig")))
        self.fields["q"].widget.attrs.update({"type": "search"})

    def clean_decade_from(self):
        value = self.cleaned_data.get("decade_from")
        return None if value is None else value // 10 * 10

    def clean_decade_to(self):
        value = self.cleaned_data.get("decade_to")
        return None if value is None else value // 10 * 10

    def clean_bbox(self):
        value = self.cleaned_data.get("bbox") or ""
        if not value:
            return None
        try:
            box = parse_bbox(value)
        except BBoxError as error:
            raise forms.ValidationError(str(error), code="bbox") from None
        if not _BBOX_RE.fullmatch(value):
            # parse_bbox() reads what float() reads ("1_0", "١٠", "nan"); the API promises less.
            raise forms.ValidationError(
                _("Der Kartenausschnitt (bbox) enthält etwas, das keine Zahl ist."), code="bbox"
            )
        return snap_bbox(box)

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("decade_from"), cleaned.get("decade_to")
        if low is not None and high is not None and low > high:
            self.add_error(
                "decade_to", _("Das Jahrzehnt „bis“ darf nicht vor dem Jahrzehnt „von“ liegen.")
            )
            # An impossible range is ignored as a whole (the list shows everything else).
            cleaned.pop("decade_from", None)
        return cleaned

    # -- use --------------------------------------------------------------------------------

    def valid_data(self) -> dict:
        """The cleaned values of the fields that validated (invalid ones are ignored)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {
            name: self.cleaned_data[name] for name in FILTER_FIELDS if name in self.cleaned_data
        }

    def first_error(self) -> str:
        for errors in self.errors.values():
            if errors:
                return str(errors[0])
        return ""

    def is_active(self) -> bool:
        data = self.valid_data()
        return any(data.get(name) not in (None, "") for name in FILTER_FIELDS if name != "bbox")


def snap_bbox(box: BBox, digits: int = BBOX_DIGITS) -> BBox:
    """The box widened outwards to ``digits`` decimal places, so that the parameter written back
    into links (``BBox.as_param``) reads as the same, still valid box."""
    scale = 10**digits

    def down(value: float) -> float:
        snapped = round(value, digits)
        return snapped if snapped <= value else math.floor(value * scale) / scale

    def up(value: float) -> float:
        snapped = round(value, digits)
        return snapped if snapped >= value else math.ceil(value * scale) / scale

    return BBox(
        max(-180.0, down(box.min_lon)),
        max(-90.0, down(box.min_lat)),
        min(180.0, up(box.max_lon)),
        min(90.0, up(box.max_lat)),
    )


def apply_filters(queryset, data: dict, *, use_bbox: bool = True):
    """Filter a Memory queryset by the cleaned values of :class:`MemoryFilterForm`."""
    query = (data.get("q") or "").strip()
    if query:
        condition = Q()
        for word in query.split()[:8]:
            condition &= (
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(story__icontains=word)
                | Q(place_name__icontains=word)
                | Q(date_text__icontains=word)
            )
        queryset = queryset.filter(condition)
    theme = data.get("theme")
    if theme is not None:
        # Exists, not a join: no duplicate rows, so counts and aggregates stay right.
        through = Memory.themes.through
        queryset = queryset.filter(
            Exists(through.objects.filter(memory_id=OuterRef("pk"), theme_id=theme.pk))
        )
    if data.get("decade_from") is not None:
        queryset = queryset.filter(decade__gte=data["decade_from"])
    if data.get("decade_to") is not None:
        queryset = queryset.filter(decade__lte=data["decade_to"])
    if data.get("district") is not None:
        queryset = queryset.filter(district_id=data["district"].pk)
    if use_bbox and data.get("bbox") is not None:
        queryset = queryset.filter(**data["bbox"].lookups())
    return queryset


def filter_query(data: dict, *, exclude: tuple[str, ...] = ()) -> dict[str, str]:
    """The cleaned filters as GET parameters (slugs and numbers), e.g. for links and the API."""
    params = {}
    for name in FILTER_FIELDS:
        if name in exclude:
            continue
        value = data.get(name)
        if value in (None, ""):
            continue
        if name in ("theme", "district"):
            params[name] = value.slug
        elif name == "bbox":
            params[name] = value.as_param()
        else:
            params[name] = str(value)
    return params
