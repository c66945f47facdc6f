"""The figures of a participation round: ranking, participants, fields of action, answers.

:func:`round_results` aggregates everything in SQL with a fixed number of queries, however many
proposals, votes and comments the round has. The public results page, the API and the steering
dashboard and exports (issue 5) share it.

Definitions (used everywhere the figures appear):

* **Vorschläge**: proposals of the round that were not withdrawn (merged ones included: they were
  submitted; their votes now count for the target). Online = with an author account, offline =
  entered from an offline source.
* **Ranking**: proposals that are neither withdrawn nor merged. Online votes come from ``Vote``
  rows, offline votes from the paper tallies (``OfflineVoteTally``). Score = support
  (support-only rounds) or support − against (for/against rounds); equal scores share a rank.
* **Teilnehmende online**: distinct accounts that proposed, voted or commented in the round.
  **Teilnehmende offline**: the sum of the participants of the round's offline sources (people
  at workshops are counted there, not as accounts). **Gesamt** = online + offline.
* **Kommentare**: public comments on the round's proposals that were not removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    CharField,
    Count,
    F,
    Func,
    IntegerField,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Cast, Coalesce

from agenda.models import (
    FieldOfAction,
    OfflineSource,
    Proposal,
    Vote,
)
from agenda.steering import ADOPTED_STATUSES, CLOSED_STATUSES, MERGED, WITHDRAWN, status_label

IMPLEMENTATION_STATUSES = ("in_progress", "implemented")


def _comment_model():
    from django_comments_xtd.models import XtdComment

    return XtdComment


def public_comments():
    """Public, not removed comments on proposals."""
    return _comment_model().objects.filter(
        content_type=ContentType.objects.get_for_model(Proposal),
        is_public=True,
        is_removed=False,
    )


def int_subquery(queryset, function: str = "COUNT", field: str = "pk"):
    """``COUNT`` (or ``SUM`` of ``field``) over a correlated queryset as an integer expression,
    0 when there are no rows.

    Written as a plain SQL function rather than an ORM aggregate so that Django adds no GROUP BY:
    the subquery is one aggregate row for whatever outer row it is correlated with.
    """
    return Coalesce(
        Subquery(
            queryset.order_by().annotate(n=Func(F(field), function=function)).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def annotate_tallies(queryset):
    """Add online/offline support and against counts and the totals, from the counters.

    ``online_support``, ``online_against``, ``offline_support``, ``offline_against``,
    ``total_support``, ``total_against``; ``comment_count``, ``support_total`` and ``score`` are
    the counter fields themselves (agenda/counters.py keeps them right with every vote, paper
    tally and comment). No subquery, so a query over 30,000 proposals reads 30,000 rows, not
    2,000,000 votes.
    """
    return queryset.annotate(
        online_support=F("votes_for"),
        online_against=F("votes_against"),
        offline_support=F("paper_for"),
        offline_against=F("paper_against"),
        total_support=F("support_total"),
        total_against=F("votes_against") + F("paper_against"),
    )


@dataclass
class RankedProposal:
    rank: int
    proposal: Proposal
    online_support: int
    online_against: int
    offline_support: int
    offline_against: int
    total_support: int
    total_against: int
    score: int
    comment_count: int
    carried_to: Proposal | None = None

    @property
    def status_label(self) -> str:
        return status_label(self.proposal.status)

    @property
    def adopted(self) -> bool:
        return self.proposal.status in ADOPTED_STATUSES


@dataclass
class FieldFigures:
    field: FieldOfAction | None
    name: str
    proposals: int = 0
    adopted: int = 0
    online_support: int = 0
    online_against: int = 0
    offline_support: int = 0
    offline_against: int = 0

    @property
    def total_support(self) -> int:
        return self.online_support + self.offline_support

    @property
    def total_against(self) -> int:
        return self.online_against + self.offline_against


@dataclass
class StatusFigure:
    status: str
    label: str
    count: int


@dataclass
class DistrictFigure:
    district_id: int | None
    name: str
    population: int | None
    proposals: int


@dataclass
class RoundResults:
    round: object
    for_against: bool
    # proposals
    proposals: int = 0
    proposals_online: int = 0
    proposals_offline: int = 0
    proposals_merged: int = 0
    proposals_withdrawn: int = 0
    proposals_adopted: int = 0
    answers_published: int = 0
    unanswered: int = 0
    # participants
    participants_online: int = 0
    participants_offline: int = 0
    authors_online: int = 0
    voters_online: int = 0
    commenters_online: int = 0
    offline_sources: int = 0
    # contributions
    comments: int = 0
    votes_online_support: int = 0
    votes_online_against: int = 0
    votes_offline_support: int = 0
    votes_offline_against: int = 0
    ranking: list[RankedProposal] = field(default_factory=list)
    ranking_truncated: bool = False
    #: Set when the ranking is cut: the carried proposals of the whole ranking.
    carried_entries: list[RankedProposal] | None = None
    adopted: list[RankedProposal] = field(default_factory=list)
    implementation: list[RankedProposal] = field(default_factory=list)
    by_field: list[FieldFigures] = field(default_factory=list)
    by_status: list[StatusFigure] = field(default_factory=list)
    by_district: list[DistrictFigure] = field(default_factory=list)

    @property
    def carried(self) -> list[RankedProposal]:
        """Proposals of this round that continue in a later round."""
        if self.carried_entries is not None:
            return self.carried_entries
        return [entry for entry in self.ranking if entry.carried_to is not None]

    @property
    def in_running(self) -> int:
        """Proposals that are neither withdrawn nor merged (each gets an official answer)."""
        return self.answers_published + self.unanswered

    @property
    def answered_percent(self) -> int | None:
        """Share of the proposals in the running with a published answer, in whole percent."""
        if not self.in_running:
            return None
        return round(self.answers_published * 100 / self.in_running)

    @property
    def participants_total(self) -> int:
        return self.participants_online + self.participants_offline

    @property
    def votes_online(self) -> int:
        return self.votes_online_support + self.votes_online_against

    @property
    def votes_offline(self) -> int:
        return self.votes_offline_support + self.votes_offline_against

    @property
    def votes_total(self) -> int:
        return self.votes_online + self.votes_offline

    @property
    def votes_support_total(self) -> int:
        return self.votes_online_support + self.votes_offline_support

    @property
    def votes_against_total(self) -> int:
        return self.votes_online_against + self.votes_offline_against


def _ranked(rows, for_against: bool, carried: dict) -> list[RankedProposal]:
    ranked = []
    previous_score, rank = None, 0
    for position, p in enumerate(rows, start=1):
        score = p.total_support - p.total_against if for_against else p.total_support
        if score != previous_score:
            rank, previous_score = position, score
        ranked.append(
            RankedProposal(
                rank=rank,
                proposal=p,
                online_support=p.online_support,
                online_against=p.online_against,
                offline_support=p.offline_support,
                offline_against=p.offline_against,
                total_support=p.total_support,
                total_against=p.total_against,
                score=score,
                comment_count=p.comment_count,
                carried_to=carried.get(p.pk),
            )
        )
    return ranked


def ranking_queryset(round_page):
    """The round's ranked proposals (neither withdrawn nor merged), best first."""
    for_against = round_page.voting_mode == "for_against"
    qs = annotate_tallies(
        Proposal.objects.filter(round=round_page, hidden=False)
        .exclude(status__in=CLOSED_STATUSES)
        .select_related("field_of_action", "district", "round", "offline_source", "author")
    )
    # The stored ``score`` is support − against; a support-only round ranks by support alone.
    # Both orders are index scans (agenda_prop_score_idx / agenda_prop_support_idx).
    if for_against:
        return qs.order_by("-score", "-support_total", "number")
    return qs.order_by("-support_total", "number")


def round_results(round_page, *, ranking_limit: int | None = None) -> RoundResults:
    """All figures of a round, with a number of queries independent of its size.

    ``ranking_limit`` cuts the ranking list (the figures always cover the whole round).
    """
    for_against = round_page.voting_mode == "for_against"
    results = RoundResults(round=round_page, for_against=for_against)
    # Proposals the editors hid (spam, abuse) count nowhere.
    proposals = Proposal.objects.filter(round=round_page, hidden=False)
    live = ~Q(status__in=CLOSED_STATUSES)
    not_withdrawn = ~Q(status=WITHDRAWN)

    # 1. proposal figures
    figures = proposals.aggregate(
        total=Count("pk", filter=not_withdrawn),
        offline=Count("pk", filter=not_withdrawn & Q(offline_source__isnull=False)),
        merged=Count("pk", filter=Q(status=MERGED)),
        withdrawn=Count("pk", filter=Q(status=WITHDRAWN)),
        adopted=Count("pk", filter=Q(status__in=ADOPTED_STATUSES)),
        answered=Count("pk", filter=live & Q(answer_published=True) & ~Q(answer="")),
        live=Count("pk", filter=live),
    )
    results.proposals = figures["total"]
    results.proposals_offline = figures["offline"]
    results.proposals_online = figures["total"] - figures["offline"]
    results.proposals_merged = figures["merged"]
    results.proposals_withdrawn = figures["withdrawn"]
    results.proposals_adopted = figures["adopted"]
    results.answers_published = figures["answered"]
    results.unanswered = figures["live"] - figures["answered"]

    # 2./3. online and paper votes (on proposals still in the running), from the counters
    running = proposals.filter(live)
    vote_figures = running.aggregate(
        support=Coalesce(Sum("votes_for"), 0),
        against=Coalesce(Sum("votes_against"), 0),
        paper_support=Coalesce(Sum("paper_for"), 0),
        paper_against=Coalesce(Sum("paper_against"), 0),
    )
    results.votes_online_support = vote_figures["support"]
    results.votes_online_against = vote_figures["against"]
    results.votes_offline_support = vote_figures["paper_support"]
    results.votes_offline_against = vote_figures["paper_against"]

    # 4. offline participants
    sources = OfflineSource.objects.filter(round=round_page).aggregate(
        count=Count("pk"), participants=Coalesce(Sum("participants"), 0)
    )
    results.offline_sources = sources["count"]
    results.participants_offline = sources["participants"]

    # 5. comments
    round_ids = proposals.annotate(pk_text=Cast("pk", CharField())).values("pk_text")
    comments = public_comments().filter(object_pk__in=round_ids)
    comment_figures = comments.aggregate(count=Count("pk"), people=Count("user", distinct=True))
    results.comments = comment_figures["count"]
    results.commenters_online = comment_figures["people"]

    # 6. unique online participants: authors ∪ voters ∪ commenters, counted by the database
    authors = proposals.filter(author__isnull=False).order_by().values("author_id")
    voters = (
        Vote.objects.filter(proposal__round=round_page, proposal__hidden=False)
        .order_by()
        .values("user_id")
    )
    commenters = comments.filter(user__isnull=False).order_by().values("user_id")
    results.participants_online = authors.union(voters, commenters).count()
    # 6b. authors and voters separately
    results.authors_online = proposals.aggregate(n=Count("author", distinct=True))["n"]
    results.voters_online = voters.aggregate(n=Count("user_id", distinct=True))["n"]

    # 7. per field of action
    per_field = {
        row["field_of_action_id"]: row
        for row in proposals.filter(not_withdrawn)
        .values("field_of_action_id")
        .annotate(
            n=Count("pk"),
            adopted=Count("pk", filter=Q(status__in=ADOPTED_STATUSES)),
        )
        .order_by()
    }
    field_counts = {
        row["field_of_action_id"]: row
        for row in running.values("field_of_action_id")
        .annotate(
            support=Sum("votes_for"),
            against=Sum("votes_against"),
            paper_support=Sum("paper_for"),
            paper_against=Sum("paper_against"),
        )
        .order_by()
    }
    fields = FieldOfAction.objects.filter(
        Q(pk__in=list(per_field)) | Q(pk__in=round_page.fields_of_action.values("pk"))
    ).order_by("sort_order", "name")
    for foa in list(fields) + ([None] if None in per_field else []):
        key = foa.pk if foa else None
        row = per_field.get(key, {})
        v = field_counts.get(key, {})
        results.by_field.append(
            FieldFigures(
                field=foa,
                name=foa.name if foa else "–",
                proposals=row.get("n", 0),
                adopted=row.get("adopted", 0),
                online_support=v.get("support", 0) or 0,
                online_against=v.get("against", 0) or 0,
                offline_support=v.get("paper_support", 0) or 0,
                offline_against=v.get("paper_against", 0) or 0,
            )
        )

    # 8. per status
    counts = dict(proposals.values_list("status").annotate(n=Count("pk")).order_by())
    for value, label in Proposal._meta.get_field("status").flatchoices:
        if counts.get(value):
            results.by_status.append(StatusFigure(value, str(label), counts[value]))

    # 9. per district
    for row in (
        proposals.filter(not_withdrawn)
        .values("district_id", "district__name", "district__population")
        .annotate(n=Count("pk"))
        .order_by("district__name")
    ):
        results.by_district.append(
            DistrictFigure(
                district_id=row["district_id"],
                name=row["district__name"] or "",
                population=row["district__population"],
                proposals=row["n"],
            )
        )

    # 10. carried into later rounds: original id -> copy
    carried = {
        copy.carried_from_id: copy
        for copy in Proposal.objects.filter(carried_from__round=round_page).select_related("round")
    }

    # 11. ranking (optionally cut)
    ranking_qs = ranking_queryset(round_page)
    rows = list(ranking_qs[: ranking_limit + 1] if ranking_limit else ranking_qs)
    if ranking_limit and len(rows) > ranking_limit:
        rows = rows[:ranking_limit]
        results.ranking_truncated = True
    results.ranking = _ranked(rows, for_against, carried)

    # 12. adopted proposals and their implementation status (from the whole ranking)
    if results.ranking_truncated:
        # Ranks are only known within the loaded part of the ranking.
        adopted_rows = list(ranking_qs.filter(status__in=ADOPTED_STATUSES))
        results.adopted = _ranked(adopted_rows, for_against, carried)
        for entry in results.adopted:
            entry.rank = 0
        results.carried_entries = _ranked(
            list(ranking_qs.filter(pk__in=list(carried))) if carried else [], for_against, carried
        )
        for entry in results.carried_entries:
            entry.rank = 0
    else:
        results.adopted = [r for r in results.ranking if r.adopted]
    results.implementation = [
        r for r in results.adopted if r.proposal.status in IMPLEMENTATION_STATUSES
    ]
    return results


def ranked_answers(round_page, *, published_only: bool, limit: int):
    """The first ``limit`` proposals of the ranking that have an answer (published ones only
    when ``published_only``), in ranking order, and how many there are in all.

    Two queries over the proposals (the ranking's index, the stored counters), so the results
    page does not build all 30,000 entries of a large round to list its answers. ``rank`` is
    not known here (0).
    """
    for_against = round_page.voting_mode == "for_against"
    qs = ranking_queryset(round_page).exclude(answer="")
    if published_only:
        qs = qs.filter(answer_published=True)
    rows = list(qs[:limit])
    total = len(rows) if len(rows) < limit else qs.count()
    entries = _ranked(rows, for_against, {})
    for entry in entries:
        entry.rank = 0
    return entries, total
