"""Offline sources and proposals."""

from __future__ import annotations

import rules
from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model_string
from wagtail.search import index

from agenda import phases as ph
from agenda.models.rounds import FieldOfAction, RoundPage

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


#: Proposal fields written only by agenda/counters.py (never by ``Proposal.save()``).
COUNTER_FIELDS = (
    "votes_for",
    "votes_against",
    "paper_for",
    "paper_against",
    "support_total",
    "score",
    "comment_count",
)


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
        """Online support/against, paper sums and totals, read from the stored counters.

        ``online_support``, ``online_against``, ``offline_support``, ``offline_against``,
        ``against_total`` are annotations; ``support_total`` and ``score`` (support minus
        against) are the indexed counter fields themselves. No subquery: sorting by them is an
        index scan however many votes the round has.
        """
        return self.annotate(
            online_support=F("votes_for"),
            online_against=F("votes_against"),
            offline_support=F("paper_for"),
            offline_against=F("paper_against"),
            against_total=F("votes_against") + F("paper_against"),
        )

    def with_comment_counts(self, name: str = "comment_count"):
        """The number of public comments: the ``comment_count`` counter field (kept by
        agenda/counters.py); another ``name`` adds it as an annotation under that name."""
        if name == "comment_count":
            return self
        return self.annotate(**{name: F("comment_count")})

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

    # Denormalised counters (issue 7): kept right by agenda/counters.py in the same transaction
    # as the rows they count (votes, paper tallies, comments); ``refresh_counters`` and the
    # command ``refresh_proposal_counters`` recompute them from the rows. Lists and the ranking
    # sort on them through the indexes below instead of counting 2M votes per request.
    votes_for = models.IntegerField(_("Online-Stimmen dafür"), default=0, editable=False)
    votes_against = models.IntegerField(_("Online-Stimmen dagegen"), default=0, editable=False)
    paper_for = models.IntegerField(_("Papierstimmen dafür"), default=0, editable=False)
    paper_against = models.IntegerField(_("Papierstimmen dagegen"), default=0, editable=False)
    #: votes_for + paper_for (the ranking of support-only rounds)
    support_total = models.IntegerField(_("Stimmen dafür gesamt"), default=0, editable=False)
    #: support_total − (votes_against + paper_against) (the ranking of for/against rounds)
    score = models.IntegerField(_("Saldo"), default=0, editable=False)
    #: public, not removed comments
    comment_count = models.IntegerField(_("Kommentare"), default=0, editable=False)

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
        indexes = [
            models.Index(fields=["round", "status"]),
            # list "nach Stimmen" and the for/against ranking (ties: incremental sort)
            models.Index(
                fields=["round", "-score", "-support_total"], name="agenda_prop_score_idx"
            ),
            # the support-only ranking
            models.Index(fields=["round", "-support_total"], name="agenda_prop_support_idx"),
            # list "nach Kommentaren"
            models.Index(fields=["round", "-comment_count"], name="agenda_prop_comments_idx"),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    # -- numbering ----------------------------------------------------------------------------

    def save(self, *args, **kwargs):
        if (
            kwargs.get("update_fields") is None
            and not kwargs.get("force_insert")
            and not self._state.adding
            and self.pk is not None
        ):
            # Never write the counters back from memory: a vote or comment counted since this
            # instance was loaded would be lost. Only agenda/counters.py writes them.
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in COUNTER_FIELDS and f.attname not in deferred
            ]
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

    def mark_withdrawn(self, *, actor, note: str = "", at=None) -> list[str]:
        """Set the status to withdrawn and record the event in the proposal's history (``actor``
        None: the platform, e.g. when the author's account is deleted). Returns the fields to
        save; the caller saves inside its transaction."""
        from agenda.models.votes import ProposalEvent

        from_status = self.status
        self.status = ProposalStatus.WITHDRAWN
        self.withdrawn_at = at or timezone.now()
        ProposalEvent.objects.create(
            proposal=self,
            actor=actor,
            at=self.withdrawn_at,
            kind=ProposalEvent.Kind.WITHDRAWN,
            from_status=from_status,
            to_status=self.status,
            note=note[:1000],
        )
        return ["status", "withdrawn_at"]

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
