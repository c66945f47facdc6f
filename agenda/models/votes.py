"""Votes (online and offline, with the per-round lock rows) and the proposals' history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agenda.models.proposals import OfflineSource, Proposal, ProposalStatus
from agenda.models.rounds import RoundPage

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
    # A deleted account's votes stay counted, without the person (GDPR erasure, issue 8).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
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

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # What the proposal's counters include for this row (agenda/counters.py).
        instance._counted = (instance.__dict__.get("proposal_id"), instance.__dict__.get("value"))
        return instance


class RoundVoter(models.Model):
    """A person who votes in a round. Its row is locked while a vote is cast, so the
    per-round limit holds under concurrent requests. (Participant figures count Vote rows, not
    these: a person who took back every vote no longer counts.)"""

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

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # The proposal whose paper counters include this tally (agenda/counters.py).
        instance._counted_proposal_id = instance.__dict__.get("proposal_id")
        return instance


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
        PAPER_VOTES = "paper_votes", _("Stimmen auf Papier erfasst")

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
