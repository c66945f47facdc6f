"""Models of the Agile Digitale Agenda: fields of action, rounds with dated phases, proposals,
votes (online and offline), and the history of each proposal."""

from __future__ import annotations

import rules
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.images import get_image_model_string
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


# --------------------------------------------------------------------------------------------
# Offline sources


class OfflineSource(models.Model):
    """Where offline contributions come from: a workshop, an interview, paper ballots ..."""

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("Workshop")
        INTERVIEW = "interview", _("Interview")
        PAPER = "paper", _("Papierformular")
        OTHER = "other", _("Sonstiges")

    round = models.ForeignKey(
        RoundPage, verbose_name=_("Runde"), on_delete=models.CASCADE, related_name="offline_sources"
    )
    name = models.CharField(
        _("Bezeichnung"),
        max_length=200,
        help_text=_("z. B. „Workshop Digitale Schule, 12.03.“"),
    )
    date = models.DateField(_("Datum"), null=True, blank=True)
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices, default=Kind.WORKSHOP)
    participants = models.PositiveIntegerField(_("Teilnehmende"), default=0)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Offline-Quelle")
        verbose_name_plural = _("Offline-Quellen")
        ordering = ["date", "name"]

    def __str__(self):
        return self.name


# --------------------------------------------------------------------------------------------
# Proposals


class ProposalStatus(models.TextChoices):
    RECEIVED = "received", _("eingegangen")
    IN_REVIEW = "in_review", _("in Prüfung")
    ADOPTED = "adopted", _("in die Agenda aufgenommen")
    PARTIALLY_ADOPTED = "partially_adopted", _("teilweise aufgenommen")
    REJECTED = "rejected", _("abgelehnt")
    IN_PROGRESS = "in_progress", _("in Umsetzung")
    IMPLEMENTED = "implemented", _("umgesetzt")
    MERGED = "merged", _("zusammengeführt")
    WITHDRAWN = "withdrawn", _("zurückgezogen")

    @classmethod
    def open_statuses(cls) -> frozenset[str]:
        """Statuses in which a proposal takes part (can be commented on and voted for)."""
        return frozenset({cls.RECEIVED, cls.IN_REVIEW})

    @classmethod
    def adopted_statuses(cls) -> frozenset[str]:
        """What counts as "adopted into the agenda" (including what is under way or done)."""
        return frozenset({cls.ADOPTED, cls.PARTIALLY_ADOPTED, cls.IN_PROGRESS, cls.IMPLEMENTED})

    @classmethod
    def closed_statuses(cls) -> frozenset[str]:
        return frozenset({cls.MERGED, cls.WITHDRAWN})


class ProposalQuerySet(models.QuerySet):
    def visible(self):
        """Proposals the public sees in lists: live round, not hidden, withdrawn or merged."""
        return self.filter(round__live=True, hidden=False).exclude(
            status__in=ProposalStatus.closed_statuses()
        )

    def reachable(self):
        """Proposals whose detail page is public (withdrawn and merged ones keep their page)."""
        return self.filter(round__live=True, hidden=False)

    def with_vote_counts(self):
        """Annotate online support/against, offline sums and totals, with one query.

        ``online_support``, ``online_against``, ``offline_support``, ``offline_against``,
        ``support_total``, ``against_total``, ``score`` (support minus against).
        """
        zero = Value(0, output_field=IntegerField())

        def votes(value):
            return Coalesce(
                Subquery(
                    Vote.objects.filter(proposal=OuterRef("pk"), value=value)
                    .order_by()
                    .values("proposal")
                    .annotate(n=Count("pk"))
                    .values("n")[:1],
                    output_field=IntegerField(),
                ),
                zero,
            )

        def offline(field):
            return Coalesce(
                Subquery(
                    OfflineVoteTally.objects.filter(proposal=OuterRef("pk"))
                    .order_by()
                    .values("proposal")
                    .annotate(n=Sum(field))
                    .values("n")[:1],
                    output_field=IntegerField(),
                ),
                zero,
            )

        return self.annotate(
            online_support=votes(1),
            online_against=votes(-1),
            offline_support=offline("support"),
            offline_against=offline("against"),
        ).annotate(
            support_total=F("online_support") + F("offline_support"),
            against_total=F("online_against") + F("offline_against"),
            score=F("online_support")
            + F("offline_support")
            - F("online_against")
            - F("offline_against"),
        )

    def with_comment_counts(self, name: str = "comment_count"):
        """Annotate the number of public comments (one subquery, no N+1)."""
        try:
            from civic.comments import annotate_comment_counts
        except ImportError:  # the comments module is not there yet
            return self.annotate(**{name: Value(0, output_field=IntegerField())})
        return annotate_comment_counts(self, name=name)

    def for_list(self):
        return self.select_related("field_of_action", "district", "author", "offline_source")


class Proposal(models.Model):
    """A proposal in a round, by a resident online or entered by staff from an offline source."""

    round = models.ForeignKey(
        RoundPage, verbose_name=_("Runde"), on_delete=models.PROTECT, related_name="proposals"
    )
    number = models.PositiveIntegerField(_("Nummer"), editable=False)
    title = models.CharField(_("Titel"), max_length=120)
    description = models.TextField(_("Beschreibung"))
    field_of_action = models.ForeignKey(
        FieldOfAction,
        verbose_name=_("Handlungsfeld"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    lat = models.FloatField(_("Breitengrad"), null=True, blank=True)
    lon = models.FloatField(_("Längengrad"), null=True, blank=True)
    district = models.ForeignKey(
        "civic.District",
        verbose_name=_("Stadtteil"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    image = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("Bild"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Verfasst von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda_proposals",
    )
    offline_source = models.ForeignKey(
        OfflineSource,
        verbose_name=_("Offline-Quelle"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Erfasst von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("Status"),
        max_length=20,
        choices=ProposalStatus.choices,
        default=ProposalStatus.RECEIVED,
        db_index=True,
    )
    answer = models.TextField(_("Antwort der Steuerungsgruppe"), blank=True)
    answer_published = models.BooleanField(_("Antwort veröffentlicht"), default=False)
    answered_at = models.DateTimeField(_("Beantwortet am"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Beantwortet von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("Zusammengeführt mit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_proposals",
    )
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("Übernommen aus"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_to",
    )
    hidden = models.BooleanField(
        _("Von der Redaktion ausgeblendet"),
        default=False,
        help_text=_("Ausgeblendete Vorschläge erscheinen nicht öffentlich."),
    )
    hidden_reason = models.CharField(_("Grund für das Ausblenden"), max_length=255, blank=True)
    created = models.DateTimeField(_("Eingereicht am"), default=timezone.now, db_index=True)
    updated = models.DateTimeField(_("Geändert am"), auto_now=True)
    withdrawn_at = models.DateTimeField(_("Zurückgezogen am"), null=True, blank=True)

    objects = ProposalQuerySet.as_manager()

    search_fields = [index.SearchField("title"), index.SearchField("description")]

    class Meta:
        verbose_name = _("Vorschlag")
        verbose_name_plural = _("Vorschläge")
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="agenda_proposal_number"),
            models.CheckConstraint(
                condition=Q(author__isnull=False)
                | Q(offline_source__isnull=False)
                | Q(entered_by__isnull=False),
                name="agenda_proposal_has_origin",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=F("pk")) | Q(merged_into__isnull=True),
                name="agenda_proposal_not_merged_into_self",
            ),
        ]
        indexes = [models.Index(fields=["round", "status"])]

    def __str__(self):
        return f"{self.reference} {self.title}"

    # -- numbering ----------------------------------------------------------------------------

    def save(self, *args, **kwargs):
        if self.lat is not None and self.lon is not None:
            if self._point_changed():
                from civic.services import district_id_for_point

                self.district_id = district_id_for_point(self.lon, self.lat)
        elif self.lat is None and self.lon is None and self._point_changed():
            self.district_id = None
        if self.number is None:
            return self._save_with_new_number(*args, **kwargs)
        result = super().save(*args, **kwargs)
        self._saved_point = (self.lat, self.lon)
        return result

    def get_absolute_url(self) -> str:
        return reverse("agenda:proposal", args=[self.pk])

    def _point_changed(self) -> bool:
        return getattr(self, "_saved_point", (None, None)) != (self.lat, self.lon) or not self.pk

    def _save_with_new_number(self, *args, **kwargs):
        """Take the next free number of the round. Two submissions at once may pick the same
        number: the unique constraint refuses the second, which then takes the next one."""
        kwargs.pop("force_update", None)
        for attempt in range(20):
            self.number = (
                Proposal.objects.filter(round_id=self.round_id).aggregate(n=models.Max("number"))[
                    "n"
                ]
                or 0
            ) + 1
            try:
                with transaction.atomic():
                    super().save(*args, **kwargs)
            except IntegrityError:
                if (
                    attempt == 19
                    or not Proposal.objects.filter(
                        round_id=self.round_id, number=self.number
                    ).exists()
                ):
                    self.number = None
                    raise
                continue
            self._saved_point = (self.lat, self.lon)
            return None
        return None  # pragma: no cover

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._saved_point = (instance.__dict__.get("lat"), instance.__dict__.get("lon"))
        return instance

    # -- presentation -------------------------------------------------------------------------

    @property
    def reference(self) -> str:
        """The public reference number, e.g. "DA-2026-042"."""
        round_ = self.round
        return f"{round_.reference_prefix}-{round_.reference_year}-{self.number or 0:03d}"

    @property
    def origin_label(self) -> str:
        """Who contributed it: the author's public name or the offline source."""
        if self.offline_source_id:
            return self.offline_source.name
        if self.author_id:
            return self.author.public_name
        return str(_("Redaktion"))

    @property
    def is_offline(self) -> bool:
        return self.offline_source_id is not None

    @property
    def is_open(self) -> bool:
        """Takes part in the round (not withdrawn, merged or hidden)."""
        return self.status not in ProposalStatus.closed_statuses() and not self.hidden

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None

    def paragraphs(self) -> list[str]:
        """The description as plain-text paragraphs (escaped by the template)."""
        text = (self.description or "").replace("\r\n", "\n").strip()
        return [" ".join(part.split("\n")).strip() for part in text.split("\n\n") if part.strip()]

    @cached_property
    def public_answer(self) -> str:
        return self.answer if self.answer_published else ""

    # -- comments (civic.comments) ------------------------------------------------------------

    def can_comment(self, user) -> bool:
        return bool(user and rules.has_perm("agenda.comment_proposal", user, self))

    def comments_closed_message(self, user) -> str:
        if not self.is_open:
            return str(_("Dieser Vorschlag kann nicht mehr kommentiert werden."))
        if not self.round.allows(ph.F_COMMENT):
            return str(_("Kommentieren ist in der aktuellen Phase der Runde nicht möglich."))
        if user is None or not user.is_authenticated:
            return str(_("Bitte melden Sie sich an, um zu kommentieren."))
        return str(_("Kommentieren können Bürgerinnen und Bürger mit bestätigter E-Mail-Adresse."))


# --------------------------------------------------------------------------------------------
# Votes


class Vote(models.Model):
    """One person's vote on one proposal (+1 support, -1 against), belonging to a round."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("Vorschlag"), on_delete=models.CASCADE, related_name="votes"
    )
    round = models.ForeignKey(
        RoundPage, verbose_name=_("Runde"), on_delete=models.CASCADE, related_name="votes"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Person"),
        on_delete=models.CASCADE,
        related_name="agenda_votes",
    )
    value = models.SmallIntegerField(
        _("Stimme"), choices=[(1, _("dafür")), (-1, _("dagegen"))], default=1
    )
    created = models.DateTimeField(_("Abgegeben am"), default=timezone.now)

    class Meta:
        verbose_name = _("Stimme")
        verbose_name_plural = _("Stimmen")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="agenda_one_vote_per_person"),
            models.CheckConstraint(condition=Q(value__in=[1, -1]), name="agenda_vote_value"),
        ]
        indexes = [models.Index(fields=["round", "user"])]

    def __str__(self):
        return f"{self.user_id} → {self.proposal_id}: {self.value:+d}"


class RoundVoter(models.Model):
    """A person who votes in a round. Its row is locked while a vote is cast, so the
    per-round limit holds under concurrent requests (and it counts online participants)."""

    round = models.ForeignKey(RoundPage, on_delete=models.CASCADE, related_name="voters")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agenda_rounds_voted"
    )
    first_vote_at = models.DateTimeField(default=timezone.now)
    last_vote_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Abstimmende Person")
        verbose_name_plural = _("Abstimmende Personen")
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="agenda_one_voter_per_round")
        ]

    def __str__(self):
        return f"{self.user_id} @ {self.round_id}"


class OfflineVoteTally(models.Model):
    """Paper votes for a proposal, counted at a workshop or from ballots, entered by staff."""

    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("Vorschlag"),
        on_delete=models.CASCADE,
        related_name="offline_tallies",
    )
    source = models.ForeignKey(
        OfflineSource,
        verbose_name=_("Quelle"),
        on_delete=models.PROTECT,
        related_name="tallies",
    )
    support = models.PositiveIntegerField(_("Dafür"), default=0)
    against = models.PositiveIntegerField(_("Dagegen"), default=0)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Erfasst von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(_("Erfasst am"), default=timezone.now)

    class Meta:
        verbose_name = _("Offline-Stimmen")
        verbose_name_plural = _("Offline-Stimmen")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "source"], name="agenda_one_tally_per_source"
            )
        ]

    def __str__(self):
        return f"{self.source}: +{self.support} / -{self.against}"


# --------------------------------------------------------------------------------------------
# History


class ProposalEvent(models.Model):
    """One step in a proposal's history (submitted, edited, status changed, answered, ...)."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("eingereicht")
        ENTERED_OFFLINE = "entered_offline", _("aus einer Offline-Veranstaltung übernommen")
        EDITED = "edited", _("bearbeitet")
        WITHDRAWN = "withdrawn", _("zurückgezogen")
        STATUS = "status", _("Status geändert")
        ANSWERED = "answered", _("Antwort veröffentlicht")
        MERGED = "merged", _("zusammengeführt")
        MERGED_IN = "merged_in", _("ein anderer Vorschlag wurde hier zusammengeführt")
        CARRIED_OVER = "carried_over", _("in die nächste Runde übernommen")
        CARRIED_FROM = "carried_from", _("aus der vorigen Runde übernommen")
        HIDDEN = "hidden", _("ausgeblendet")
        SHOWN = "shown", _("wieder eingeblendet")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_status = models.CharField(max_length=20, choices=ProposalStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ProposalStatus.choices, blank=True)
    note = models.TextField(blank=True)
    public = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("Verlaufseintrag")
        verbose_name_plural = _("Verlauf")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.proposal_id} {self.kind} {self.at:%Y-%m-%d}"
