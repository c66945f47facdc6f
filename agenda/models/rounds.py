"""Fields of action, the agenda page, rounds and their phases (with validation)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from agenda import phases as ph
from civic.blocks import CivicStreamBlock
from civic.colors import HEX_COLOUR

# --------------------------------------------------------------------------------------------
# Fields of action


def _validate_colour(value: str):
    if value and not HEX_COLOUR.match(value):
        raise ValidationError(_("Bitte eine Farbe im Format #1a2b3c angeben."))


class FieldOfAction(models.Model):
    """A Handlungsfeld of the agenda (e.g. "Bildung"), maintained by the editors as a snippet."""

    name = models.CharField(_("Name"), max_length=120, unique=True)
    slug = models.SlugField(_("Kurzname"), max_length=120, unique=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    icon = models.CharField(
        _("Symbol"),
        max_length=40,
        blank=True,
        help_text=_("Name eines Symbols, z. B. „group“, „doc-full“ oder „site“."),
    )
    colour = models.CharField(
        _("Farbe"),
        max_length=7,
        blank=True,
        validators=[_validate_colour],
        help_text=_("Optional, im Format #1a2b3c; muss auf Weiß gut lesbar sein."),
    )
    sort_order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("icon"), FieldPanel("colour")]),
        FieldPanel("sort_order"),
    ]

    class Meta:
        verbose_name = _("Handlungsfeld")
        verbose_name_plural = _("Handlungsfelder")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


# --------------------------------------------------------------------------------------------
# Pages: the agenda and its rounds


class AgendaPage(Page):
    """The agenda's entry page: principles, the current round, fields of action, earlier results."""

    intro = models.TextField(_("Einleitung"), blank=True)
    principles = StreamField(CivicStreamBlock(), verbose_name=_("Grundsätze"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("principles")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["civic.HomePage"]
    subpage_types = ["agenda.RoundPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("Digitale Agenda")
        verbose_name_plural = _("Digitale Agenden")

    def rounds(self):
        return (
            RoundPage.objects.live()
            .public()
            .child_of(self)
            .prefetch_related("phases")
            .order_by("-number")
        )

    def get_context(self, request, *args, **kwargs):
        from agenda.views import agenda_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(agenda_page_context(self, request))
        return context


class VotingMode(models.TextChoices):
    SUPPORT = "support", _("Nur Unterstützung")
    FOR_AGAINST = "for_against", _("Dafür und dagegen")


class PhaseKindsField(models.JSONField):
    """A set of phase kinds, stored as a JSON list; a row of checkboxes in forms."""

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "agenda.models.PhaseKindsField", args, kwargs

    def formfield(self, **kwargs):
        return forms.MultipleChoiceField(
            choices=ph.PHASE_KINDS,
            widget=forms.CheckboxSelectMultiple,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
        )

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        unknown = [k for k in value or () if k not in ph.KIND_ORDER]
        if unknown:
            raise ValidationError(_("Unbekannte Phasenart: %(kinds)s"), params={"kinds": unknown})


def phase_errors(phase_list) -> list[tuple[int, str, str]]:
    """Problems with a round's phases as (index, field, message): each phase needs a kind,
    a start before its end; phases follow each other without overlapping."""
    errors: list[tuple[int, str, str]] = []
    dated = []
    for i, phase in enumerate(phase_list):
        if not phase.kinds:
            errors.append((i, "kinds", str(_("Bitte mindestens eine Phasenart auswählen."))))
        if phase.start is None or phase.end is None:
            continue
        if phase.start >= phase.end:
            errors.append((i, "end", str(_("Das Ende muss nach dem Beginn der Phase liegen."))))
            continue
        dated.append((i, phase))
    for (_i, before), (j, after) in zip(dated, dated[1:], strict=False):
        if after.start < before.start:
            errors.append(
                (
                    j,
                    "start",
                    str(
                        _(
                            "Die Phasen müssen zeitlich geordnet sein: Diese Phase beginnt vor "
                            "der vorigen."
                        )
                    ),
                )
            )
        elif after.start < before.end:
            errors.append(
                (
                    j,
                    "start",
                    str(
                        _(
                            "Die Phasen dürfen sich nicht überschneiden: Diese Phase beginnt, "
                            "bevor die vorige endet."
                        )
                    ),
                )
            )
    return errors


class RoundPageForm(WagtailAdminPageForm):
    """Validates the phases inline (ordered, no overlap), with the error on the phase's field."""

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("phases") if hasattr(self, "formsets") else None
        if formset is None:
            return cleaned
        formset.is_valid()  # cleans the phase forms (cached; validated again at no cost)
        live_forms = [
            form
            for form in formset.forms
            if form.has_changed() or form.instance.pk
            if not (formset.can_delete and formset._should_delete_form(form))
        ]
        live_forms = [f for f in live_forms if hasattr(f, "cleaned_data")]
        ordering = []
        for form in live_forms:
            order = form.cleaned_data.get("ORDER")
            ordering.append((order if order is not None else 10_000, len(ordering), form))
        ordering.sort(key=lambda item: (item[0], item[1]))
        forms_in_order = [item[2] for item in ordering]
        proxies = [
            RoundPhase(
                kinds=form.cleaned_data.get("kinds") or [],
                start=form.cleaned_data.get("start"),
                end=form.cleaned_data.get("end"),
            )
            for form in forms_in_order
        ]
        # Fields that already carry an error (e.g. empty) are not judged again.
        for i, field, message in phase_errors(proxies):
            form = forms_in_order[i]
            if field in form.errors:
                continue
            form.add_error(field, message)
        if formset.is_bound:
            # The page model re-checks the phases it is given outside the admin; here the form
            # has done it on the submitted phases, not on the stored ones.
            self.instance._phases_checked_by_form = True
        return cleaned


def _current_year() -> int:
    return timezone.localdate().year


class RoundPage(RoutablePageMixin, Page):
    """A participation round (Beteiligungsrunde) with dated phases and its proposals."""

    number = models.PositiveSmallIntegerField(_("Nummer der Runde"), default=1)
    intro = models.TextField(_("Einleitung"), blank=True)
    body = StreamField(CivicStreamBlock(), verbose_name=_("Inhalt"), blank=True)
    fields_of_action = ParentalManyToManyField(
        FieldOfAction,
        verbose_name=_("Handlungsfelder"),
        blank=True,
        related_name="rounds",
        help_text=_("Die Handlungsfelder dieser Runde; leer bedeutet: alle."),
    )
    reference_prefix = models.CharField(
        _("Kürzel der Vorschlagsnummern"),
        max_length=10,
        default="DA",
        help_text=_("Vorschlagsnummern lauten z. B. DA-2026-042."),
    )
    reference_year = models.PositiveSmallIntegerField(
        _("Jahr der Vorschlagsnummern"),
        default=_current_year,
    )
    voting_mode = models.CharField(
        _("Abstimmungsart"),
        max_length=20,
        choices=VotingMode.choices,
        default=VotingMode.SUPPORT,
    )
    max_votes_per_person = models.PositiveSmallIntegerField(
        _("Stimmen pro Person"),
        default=0,
        help_text=_(
            "Wie viele Vorschläge eine Person in dieser Runde bewerten kann; 0 = beliebig."
        ),
    )
    counts_visible_during_voting = models.BooleanField(
        _("Stimmenzahlen während der Abstimmung zeigen"),
        default=False,
        help_text=_("Sonst bleiben die Zahlen bis zum Ergebnis verborgen."),
    )
    answer_target_days = models.PositiveSmallIntegerField(
        _("Antwortfrist in Tagen"),
        null=True,
        blank=True,
        default=30,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Bis wann jeder Vorschlag eine offizielle Antwort haben soll, gezählt ab der "
            "Einreichung; leer: 30 Tage. Ältere Vorschläge ohne Antwort gelten in der Auswertung "
            "als überfällig."
        ),
    )

    base_form_class = RoundPageForm
    content_panels = Page.content_panels + [
        FieldPanel("number"),
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("fields_of_action", widget=forms.CheckboxSelectMultiple),
        InlinePanel("phases", heading=_("Phasen"), label=_("Phase"), min_num=1),
        MultiFieldPanel(
            [
                FieldPanel("voting_mode"),
                FieldPanel("max_votes_per_person"),
                FieldPanel("counts_visible_during_voting"),
            ],
            heading=_("Abstimmung"),
        ),
        FieldPanel("answer_target_days"),
        FieldRowPanel([FieldPanel("reference_prefix"), FieldPanel("reference_year")]),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["agenda.AgendaPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("Beteiligungsrunde")
        verbose_name_plural = _("Beteiligungsrunden")

    def __str__(self):
        return self.title

    # -- phases and features ------------------------------------------------------------------

    def phase_list(self) -> list[RoundPhase]:
        """The phases ordered by start (cached on the instance; honours prefetch_related)."""
        cached = self.__dict__.get("_phase_list_cache")
        if cached is None:
            cached = sorted(self.phases.all(), key=lambda p: (p.start, p.end))
            self.__dict__["_phase_list_cache"] = cached
        return cached

    def clear_phase_cache(self):
        self.__dict__.pop("_phase_list_cache", None)

    def current_phase(self, at=None) -> RoundPhase | None:
        """The phase active at ``at`` (default: now), or None between or outside phases."""
        at = at or timezone.now()
        for phase in self.phase_list():
            if phase.start <= at < phase.end:
                return phase
        return None

    def timeline(self, at=None) -> list[dict]:
        """The phases in order, each marked as the current one or as past (for the timeline)."""
        at = at or timezone.now()
        current = self.current_phase(at)
        return [
            {
                "phase": phase,
                "label": phase.label,
                "current": current is not None and phase.pk == current.pk,
                "past": phase.end <= (current.start if current else at),
            }
            for phase in self.phase_list()
        ]

    def next_phase(self, at=None) -> RoundPhase | None:
        at = at or timezone.now()
        for phase in self.phase_list():
            if phase.start > at:
                return phase
        return None

    def has_ended(self, at=None) -> bool:
        phase_list = self.phase_list()
        at = at or timezone.now()
        return bool(phase_list) and at >= phase_list[-1].end

    def has_started(self, at=None) -> bool:
        phase_list = self.phase_list()
        at = at or timezone.now()
        return bool(phase_list) and at >= phase_list[0].start

    def features(self, at=None) -> frozenset[str]:
        """What the round allows at ``at`` (default: now), from the features map in
        ``agenda/phases.py``: the union of the features of the active phase's kinds."""
        at = at or timezone.now()
        phase = self.current_phase(at)
        if phase is not None:
            return ph.features_for_kinds(
                phase.kinds, counts_visible_during_voting=self.counts_visible_during_voting
            )
        if self.has_ended(at) and any(ph.RESULT in p.kinds for p in self.phase_list()):
            return ph.AFTER_RESULT_FEATURES
        return frozenset()

    def allows(self, feature: str, at=None) -> bool:
        return feature in self.features(at)

    @property
    def is_support_only(self) -> bool:
        return self.voting_mode == VotingMode.SUPPORT

    def deadline(self, at=None):
        """When the active phase ends (None if no phase is active)."""
        phase = self.current_phase(at)
        return phase.end if phase else None

    def allowed_fields_of_action(self):
        chosen = list(self.fields_of_action.all())
        return chosen or list(FieldOfAction.objects.all())

    # -- validation ---------------------------------------------------------------------------

    def clean(self):
        super().clean()
        errors = {}
        if self.reference_prefix and not self.reference_prefix.replace("-", "").isalnum():
            errors["reference_prefix"] = _("Bitte nur Buchstaben und Ziffern verwenden.")
        clash = (
            RoundPage.objects.filter(
                reference_prefix=self.reference_prefix, reference_year=self.reference_year
            )
            .exclude(pk=self.pk)
            .exclude(translation_key=self.translation_key)
        )
        if self.reference_prefix and clash.exists():
            errors["reference_prefix"] = _(
                "Eine andere Runde verwendet dieses Kürzel schon im selben Jahr. Bitte ein "
                "anderes wählen (z. B. DA2), damit jede Vorschlagsnummer eindeutig ist."
            )
        if not getattr(self, "_phases_checked_by_form", False):
            problems = phase_errors(list(self.phases.all()))
            if problems:
                errors["__all__"] = [
                    _("Phase %(number)s: %(message)s") % {"number": i + 1, "message": message}
                    for i, _field, message in problems
                ]
        if errors:
            raise ValidationError(errors)

    # -- routes -------------------------------------------------------------------------------

    @path("")
    def index_route(self, request, *args, **kwargs):
        return super().index_route(request, *args, **kwargs)

    @path("ergebnisse/", name="results")
    def results_route(self, request):
        from agenda.results_views import results

        return results(request, self)

    def results_url(self, request=None) -> str:
        base = self.get_url(request) or ""
        return base + "ergebnisse/"

    def get_context(self, request, *args, **kwargs):
        from agenda.views import round_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(round_page_context(self, request))
        return context


class RoundPhase(Orderable):
    """A dated phase of a round; its kinds say what it allows (see agenda/phases.py)."""

    page = ParentalKey(RoundPage, on_delete=models.CASCADE, related_name="phases")
    kinds = PhaseKindsField(
        _("Phasenart"),
        default=list,
        help_text=_("Mehrere Arten lassen sich verbinden, z. B. Ideensammlung und Diskussion."),
    )
    title = models.CharField(
        _("Bezeichnung"),
        max_length=120,
        blank=True,
        help_text=_("Optional; sonst wird die Phasenart angezeigt."),
    )
    start = models.DateTimeField(_("Beginn"))
    end = models.DateTimeField(_("Ende"))

    panels = [
        FieldPanel("kinds"),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("Phase")
        verbose_name_plural = _("Phasen")
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=F("end")), name="agenda_phase_start_before_end"
            )
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return self.title or ph.kinds_label(self.kinds)

    def features(self, counts_visible_during_voting=False) -> frozenset[str]:
        return ph.features_for_kinds(
            self.kinds, counts_visible_during_voting=counts_visible_during_voting
        )

    def is_active(self, at=None) -> bool:
        at = at or timezone.now()
        return self.start <= at < self.end
