"""Forms of the residents' side: writing and changing a proposal, filtering a round's list."""

from django import forms
from django.utils.translation import gettext_lazy as _

from agenda.models import FieldOfAction, Proposal, ProposalStatus
from civic.uploads import ImageUploadField

TITLE_MAX = Proposal._meta.get_field("title").max_length
DESCRIPTION_MAX = 5000


class ProposalForm(forms.Form):
    """A proposal as a resident writes it. The point on the map comes from two hidden fields
    that the map script fills; without JavaScript the proposal simply has no point."""

    title = forms.CharField(
        label=_("Titel"),
        max_length=TITLE_MAX,
        help_text=_("Kurz und treffend, höchstens %(max)s Zeichen.") % {"max": TITLE_MAX},
    )
    description = forms.CharField(
        label=_("Beschreibung"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Was schlagen Sie vor, und warum? Absätze trennen Sie mit einer Leerzeile."),
    )
    field_of_action = forms.ModelChoiceField(
        label=_("Handlungsfeld"),
        queryset=FieldOfAction.objects.none(),
        empty_label=_("Bitte wählen"),
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    image = ImageUploadField(label=_("Bild (optional)"), required=False)
    image_alt = forms.CharField(
        label=_("Was zeigt das Bild?"),
        max_length=200,
        required=False,
        help_text=_("Eine kurze Beschreibung für Menschen, die das Bild nicht sehen können."),
    )
    remove_image = forms.BooleanField(label=_("Bisheriges Bild entfernen"), required=False)

    def __init__(self, *args, round_page, has_image=False, kept_upload=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.round_page = round_page
        self.kept_upload = kept_upload
        self.has_image = has_image
        allowed = [f.pk for f in round_page.allowed_fields_of_action()]
        self.fields["field_of_action"].queryset = FieldOfAction.objects.filter(pk__in=allowed)
        self.fields["title"].widget.attrs.update(
            {"maxlength": TITLE_MAX, "data-counter": "title-counter", "autocomplete": "off"}
        )
        self.fields["title"].widget.attrs["aria-describedby"] = "id_title_helptext title-counter"
        if not has_image:
            del self.fields["remove_image"]

    def clean(self):
        cleaned = super().clean()
        lat, lon = cleaned.get("lat"), cleaned.get("lon")
        if (lat is None) != (lon is None):
            cleaned["lat"] = cleaned["lon"] = None
        has_new_image = bool(cleaned.get("image")) or self.kept_upload is not None
        if has_new_image and not (cleaned.get("image_alt") or "").strip():
            self.add_error(
                "image_alt", _("Bitte beschreiben Sie kurz, was auf dem Bild zu sehen ist.")
            )
        return cleaned


class ProposalFilterForm(forms.Form):
    """The filters and ordering of a round's proposal list (GET parameters in German)."""

    ORDER_NEWEST = "neu"
    ORDER_VOTES = "stimmen"
    ORDER_COMMENTS = "kommentare"
    ORDER_RANDOM = "zufall"

    handlungsfeld = forms.ChoiceField(label=_("Handlungsfeld"), required=False)
    stadtteil = forms.ChoiceField(label=_("Stadtteil"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    sortierung = forms.ChoiceField(label=_("Sortierung"), required=False)

    def __init__(self, *args, fields_of_action, districts, show_votes, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("Alle"))]
        self.fields["handlungsfeld"].choices = everything + [
            (f.slug, f.name) for f in fields_of_action
        ]
        self.fields["stadtteil"].choices = everything + [(d.slug, d.name) for d in districts]
        self.fields["status"].choices = everything + [
            (value, label)
            for value, label in ProposalStatus.choices
            if value not in ProposalStatus.closed_statuses()
        ]
        orders = [
            (self.ORDER_RANDOM, _("Zufällig")),
            (self.ORDER_NEWEST, _("Neueste zuerst")),
            (self.ORDER_COMMENTS, _("Meiste Kommentare")),
        ]
        if show_votes:
            orders.insert(2, (self.ORDER_VOTES, _("Meiste Stimmen")))
        self.fields["sortierung"].choices = orders

    def value(self, name):
        if not self.is_bound or not self.is_valid():
            return ""
        return self.cleaned_data.get(name) or ""
