"""Forms of the Erzähle page: the memory itself, its photos and recording, and the contact.

The page is one ``<form>`` made of several Django forms (prefixes ``photo-0`` … and ``audio``);
:class:`TellForms` bundles them so the views stay thin.
"""

import datetime
import re

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from civic.honeypot import FIELD_NAME, HONEYPOT_MESSAGE, HoneypotField
from civic.models import District
from civic.uploads import AudioUploadField, ImageUploadField, cleaned_from_pending, kept_upload
from stadtgedaechtnis import conf
from stadtgedaechtnis.consent import RIGHTS_TEXT, consent_text
from stadtgedaechtnis.models import (
    Attribution,
    Licence,
    Memory,
    OnBehalfSource,
    PeopleStatus,
    Precision,
    Theme,
)

HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!?][^>]*>")


def no_html(value: str) -> None:
    if value and HTML_TAG.search(value):
        raise forms.ValidationError(
            _("Bitte schreiben Sie einfachen Text ohne HTML-Auszeichnungen (wie <b> oder <a>)."),
            code="html",
        )


class MemoryForm(forms.ModelForm):
    """Story, time, place and rights of a memory (the non-file parts of the Erzähle page)."""

    themes = forms.ModelMultipleChoiceField(
        label=_("Themen"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Wählen Sie alle passenden Themen (freiwillig)."),
    )
    lat = forms.FloatField(
        required=False,
        widget=forms.HiddenInput,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    lon = forms.FloatField(
        required=False,
        widget=forms.HiddenInput,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    district = forms.ModelChoiceField(
        label=_("Stadtteil"),
        queryset=District.objects.only("pk", "name"),
        required=False,
        empty_label=_("– bitte wählen –"),
        help_text=_("Nur nötig, wenn Sie keinen Punkt auf der Karte gesetzt haben."),
    )
    precision = forms.ChoiceField(
        label=_("Wie genau ist der Ort?"),
        choices=Precision.choices,
        initial=Precision.EXACT,
        widget=forms.RadioSelect,
    )
    licence = forms.ChoiceField(
        label=_("Unter welcher Lizenz dürfen wir Ihre Erinnerung zeigen?"),
        choices=Licence.choices,
        initial=Licence.CC_BY,
        widget=forms.RadioSelect,
        help_text=_(
            "Mit einer Creative-Commons-Lizenz dürfen auch andere Ihre Erinnerung weitergeben, "
            "wenn sie Sie nennen. „Nur für das Stadtgedächtnis“ erlaubt nur die Veröffentlichung "
            "hier."
        ),
    )
    people_status = forms.ChoiceField(
        label=_("Sind auf den Fotos Personen zu erkennen?"),
        choices=PeopleStatus.choices,
        initial=PeopleStatus.UNKNOWN,
        widget=forms.RadioSelect,
    )
    attribution = forms.ChoiceField(
        label=_("Wie sollen wir Sie nennen?"),
        choices=Attribution.choices,
        initial=Attribution.FULL_NAME,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(
        label=_("Ihr Name"),
        max_length=120,
        required=False,
        help_text=_(
            "Erscheint bei der Erinnerung, wenn Sie „mit Namen“ oder „mit Initialen“ wählen."
        ),
    )
    consent = forms.BooleanField(label=_("Einwilligung"), required=True)
    rights_confirmed = forms.BooleanField(label=RIGHTS_TEXT, required=False)

    class Meta:
        model = Memory
        fields = [
            "title",
            "summary",
            "story",
            "themes",
            "date_text",
            "lat",
            "lon",
            "place_name",
            "district",
            "precision",
            "private_place",
            "place_note",
            "licence",
            "people_status",
            "attribution",
            "pseudonym",
            "print_allowed",
        ]
        labels = {
            "title": _("Titel Ihrer Erinnerung"),
            "summary": _("Kurzfassung"),
            "story": _("Ihre Erinnerung"),
            "date_text": _("Wann war das?"),
            "place_name": _("Ort (Straße, Gebäude, Platz)"),
            "private_place": _("Das ist ein privater Ort (z. B. eine Wohnung)"),
            "place_note": _("Hinweis zum Ort"),
            "pseudonym": _("Pseudonym"),
            "print_allowed": _("Meine Erinnerung darf auch in gedruckten Lesebüchern erscheinen"),
        }
        help_texts = {
            "title": _("z. B. „Der erste Fernseher in der Ketschengasse“"),
            "story": _(
                "Erzählen Sie in Ihren eigenen Worten. Absätze trennen Sie mit einer Leerzeile."
            ),
            "date_text": _(
                "In Ihren Worten, z. B. „Sommer 1972“, „Anfang der 60er“ oder „um 1955“."
            ),
            "place_note": _("z. B. „Das Haus wurde 1972 abgerissen“."),
            "private_place": _("Dann zeigen wir auf der Karte nur einen Punkt in der Nähe."),
        }
        widgets = {
            "story": forms.Textarea(attrs={"rows": 10}),
            "summary": forms.Textarea(attrs={"rows": 2, "maxlength": 255}),
        }

    def __init__(
        self, *args, user=None, anonymous=False, on_behalf_allowed=False, book_call=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.user = user
        self.book_call = book_call
        if book_call is not None:
            # Carries the call (Aufruf of a reading book) through the POST; checked in clean().
            self.fields["aufruf"] = forms.IntegerField(
                required=False, widget=forms.HiddenInput, initial=book_call.pk
            )
        self.anonymous = anonymous
        self.on_behalf_allowed = on_behalf_allowed
        self.has_media = False
        self.fields["title"].required = True
        self.fields["story"].required = True
        self.fields["consent"].label = consent_text()
        self.fields["district"].label_from_instance = lambda district: district.name
        if (
            user is not None
            and user.is_authenticated
            and not self.is_bound
            and not self.instance.pk
        ):
            self.initial.setdefault("name", user.display_name)
        if self.instance.pk:
            self.initial.setdefault("name", self.instance.contributor_name)
            self.initial.setdefault("consent", bool(self.instance.consent_publication))
            self.initial.setdefault("rights_confirmed", self.instance.rights_confirmed)
        if anonymous:
            # Bots post here without an account: a honeypot (civic.honeypot), checked in clean().
            self.fields[FIELD_NAME] = HoneypotField()
            self.fields["contact_email"] = forms.EmailField(
                label=_("Ihre E-Mail-Adresse"),
                help_text=_(
                    "Wird nie veröffentlicht. Sie erhalten einen Link, mit dem Sie Ihre Erinnerung "
                    "bestätigen, und später die Nachricht der Redaktion."
                ),
            )
            self.fields["may_contact"] = forms.BooleanField(
                label=_("Die Redaktion darf mich bei Rückfragen per E-Mail kontaktieren."),
                required=False,
            )
            self.fields["name"].required = True
            self.fields["name"].help_text = _(
                "Wird nur veröffentlicht, wenn Sie „mit Namen“ oder „mit Initialen“ wählen."
            )
        if on_behalf_allowed:
            self.fields["on_behalf"] = forms.BooleanField(
                label=_("Ich erfasse diese Erinnerung im Auftrag einer anderen Person"),
                required=False,
            )
            self.fields["on_behalf_source"] = forms.ChoiceField(
                label=_("Quelle"),
                choices=[("", _("– bitte wählen –")), *OnBehalfSource.choices],
                required=False,
            )
            self.fields["on_behalf_consent"] = forms.CharField(
                label=_("Einwilligung der erzählenden Person"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Wie und wann hat die Person eingewilligt?"),
            )

    def clean_story(self):
        story = self.cleaned_data.get("story", "")
        no_html(story)
        return story.strip()

    def clean(self):
        cleaned = super().clean()
        if self.anonymous and (self.data.get(self.add_prefix(FIELD_NAME)) or "").strip():
            self.add_error(None, HONEYPOT_MESSAGE)
        lat, lon = cleaned.get("lat"), cleaned.get("lon")
        if (lat is None) != (lon is None):
            cleaned["lat"] = cleaned["lon"] = None
        attribution = cleaned.get("attribution")
        on_behalf = cleaned.get("on_behalf")
        if (
            attribution in (Attribution.FULL_NAME, Attribution.INITIALS)
            and not (cleaned.get("name") or "").strip()
        ):
            self.add_error(
                "name", _("Bitte geben Sie einen Namen an oder wählen Sie eine andere Nennung.")
            )
        if attribution == Attribution.PSEUDONYM and not (cleaned.get("pseudonym") or "").strip():
            self.add_error("pseudonym", _("Bitte geben Sie ein Pseudonym an."))
        if self.book_call is not None and not self.book_call.call_is_open():
            self.add_error(
                None,
                _(
                    "Der Aufruf „%(call)s“ ist nicht geöffnet. Sie können Ihre Erinnerung ohne "
                    "Aufruf erzählen."
                )
                % {"call": self.book_call.title},
            )
        if on_behalf:
            if not cleaned.get("on_behalf_source"):
                self.add_error("on_behalf_source", _("Bitte geben Sie die Quelle an."))
            if not (cleaned.get("on_behalf_consent") or "").strip():
                self.add_error(
                    "on_behalf_consent",
                    _("Bitte halten Sie fest, wie die Person eingewilligt hat."),
                )
        return cleaned

    def check_media(self, has_media: bool) -> None:
        """With photos or a recording, the rights to them must be confirmed."""
        self.has_media = has_media
        if has_media and not self.cleaned_data.get("rights_confirmed"):
            self.add_error(
                "rights_confirmed",
                _("Bitte bestätigen Sie, dass Sie die Fotos und Aufnahmen veröffentlichen dürfen."),
            )


def _year_validators():
    return [MinValueValidator(1800), MaxValueValidator(datetime.date.today().year)]


class PhotoForm(forms.Form):
    """One photo row: the file and what we need to show it properly."""

    image = ImageUploadField(label=_("Foto"), required=False)
    alt_text = forms.CharField(
        label=_("Was ist auf dem Foto zu sehen?"),
        max_length=255,
        required=False,
        help_text=_(
            "Pflicht, wenn Sie ein Foto hochladen: für Menschen, die es nicht sehen können."
        ),
    )
    caption = forms.CharField(label=_("Bildunterschrift"), max_length=255, required=False)
    creator = forms.CharField(label=_("Wer hat das Foto gemacht?"), max_length=120, required=False)
    year = forms.IntegerField(label=_("Jahr der Aufnahme"), required=False)
    licence = forms.ChoiceField(
        label=_("Lizenz des Fotos"), choices=Licence.choices, initial=Licence.CC_BY
    )

    def __init__(self, *args, kept=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept = kept
        self.fields["year"].validators.extend(_year_validators())

    def clean(self):
        cleaned = super().clean()
        has_file = bool(cleaned.get("image")) or self.kept is not None
        described = any(cleaned.get(name) for name in ("alt_text", "caption", "creator", "year"))
        if has_file and not (cleaned.get("alt_text") or "").strip():
            self.add_error(
                "alt_text", _("Bitte beschreiben Sie kurz, was auf dem Foto zu sehen ist.")
            )
        if not has_file and described and "image" not in self.errors:
            self.add_error("image", _("Bitte wählen Sie das Foto zu dieser Beschreibung aus."))
        return cleaned

    def upload(self):
        """The image to store: a fresh upload or the one kept from an earlier attempt."""
        fresh = self.cleaned_data.get("image") if hasattr(self, "cleaned_data") else None
        if fresh:
            return fresh
        if self.kept is not None:
            return cleaned_from_pending(self.kept)
        return None

    def upload_present(self) -> bool:
        return bool(self.cleaned_data.get("image")) or self.kept is not None

    def gps(self):
        fresh = self.cleaned_data.get("image") if hasattr(self, "cleaned_data") else None
        if fresh and fresh.gps:
            return fresh.gps
        if self.kept is not None and (self.kept.meta or {}).get("gps"):
            return tuple(self.kept.meta["gps"])
        return None


class AudioForm(forms.Form):
    """An optional sound recording with its transcript."""

    file = AudioUploadField(label=_("Tonaufnahme (freiwillig)"), required=False)
    transcript = forms.CharField(
        label=_("Abschrift der Aufnahme"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Hilft Menschen, die nicht hören können (freiwillig)."),
    )

    def __init__(self, *args, kept=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept = kept

    def upload(self):
        fresh = self.cleaned_data.get("file") if hasattr(self, "cleaned_data") else None
        if fresh:
            return fresh
        if self.kept is not None:
            return cleaned_from_pending(self.kept)
        return None


def book_call_from(request):
    """The reading book whose call (Aufruf) the memory answers: ``?aufruf=<page id>``, or None."""
    from stadtgedaechtnis.models import BookPage

    value = request.POST.get("aufruf") or request.GET.get("aufruf") or ""
    if not str(value).isdigit():
        return None
    return BookPage.objects.live().filter(pk=int(value)).select_related("release").first()


class TellForms:
    """All forms of one Erzähle page, bound to a request (or unbound for GET)."""

    def __init__(self, request, *, instance=None, anonymous=False, photo_slots=None):
        self.request = request
        data = request.POST if request.method == "POST" else None
        files = request.FILES if request.method == "POST" else None
        user = request.user
        on_behalf_allowed = bool(
            user.is_authenticated and user.has_perm("stadtgedaechtnis.moderate_memory")
        ) and (instance is None or instance.on_behalf)
        self.book_call = book_call_from(request) if instance is None else None
        self.memory = MemoryForm(
            data,
            instance=instance,
            user=user,
            anonymous=anonymous,
            on_behalf_allowed=on_behalf_allowed,
            book_call=self.book_call,
        )
        slots = conf.max_photos() if photo_slots is None else photo_slots
        self.photos = []
        for i in range(max(slots, 0)):
            prefix = f"photo-{i}"
            kept = kept_upload(request, f"{prefix}-image") if data is not None else None
            self.photos.append(PhotoForm(data, files, prefix=prefix, kept=kept))
        kept_audio = kept_upload(request, "audio-file") if data is not None else None
        self.audio = AudioForm(data, files, prefix="audio", kept=kept_audio)

    def is_valid(self) -> bool:
        valid = self.memory.is_valid()
        valid = all([photo.is_valid() for photo in self.photos]) and valid
        valid = self.audio.is_valid() and valid
        if self.memory.is_valid():
            has_media = any(p.is_valid() and p.upload_present() for p in self.photos) or (
                self.audio.is_valid() and (self.audio.cleaned_data.get("file") or self.audio.kept)
            )
            self.memory.check_media(bool(has_media))
            valid = valid and not self.memory.errors
        return valid

    def photo_gps(self):
        """(lon, lat) of the first photo with a GPS position, or None."""
        for photo in self.photos:
            if hasattr(photo, "cleaned_data"):
                gps = photo.gps()
                if gps:
                    return gps
            elif photo.kept is not None and (photo.kept.meta or {}).get("gps"):
                return tuple(photo.kept.meta["gps"])
        return None

    def kept_uploads(self) -> list:
        uploads = [p.kept for p in self.photos if p.kept is not None]
        if self.audio.kept is not None:
            uploads.append(self.audio.kept)
        return uploads

    def keep_fresh_uploads(self) -> None:
        """Stash every freshly uploaded, valid file, so the next attempt need not send it again."""
        from civic.uploads import stash

        for form, field, kind in [(p, "image", "image") for p in self.photos] + [
            (self.audio, "file", "audio")
        ]:
            cleaned = getattr(form, "cleaned_data", {}).get(field)
            if not cleaned:
                continue
            previous = form.kept
            form.kept = stash(self.request, cleaned, kind=kind)
            if previous is not None:
                previous.delete()

    @property
    def has_photo_errors(self) -> bool:
        return any(photo.errors for photo in self.photos)

    def error_summary(self) -> list[dict]:
        """Every error with a link target, for the summary at the top of the page."""
        items = []
        for form in [self.memory, *self.photos, self.audio]:
            if not form.is_bound:
                continue
            for name, errors in form.errors.items():
                if name == "__all__":
                    items.extend({"id": "tell-errors", "label": "", "message": e} for e in errors)
                    continue
                bound = form[name]
                group = bound.widget_type in ("radioselect", "checkboxselectmultiple")
                target = f"{bound.auto_id}_group" if group else bound.id_for_label
                label = bound.label
                if form.prefix and form.prefix.startswith("photo-"):
                    number = int(form.prefix.split("-")[1]) + 1
                    label = _("Foto %(n)s: %(label)s") % {"n": number, "label": label}
                items.extend({"id": target, "label": label, "message": e} for e in errors)
        return items
