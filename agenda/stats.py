"""The figures of the steering group's round dashboard (issue 5), on top of :mod:`agenda.results`.

:func:`round_dashboard` returns a :class:`RoundDashboard`: the figures of
:func:`agenda.results.round_results` (headline figures, ranking, fields of action, statuses) plus
the figures only the dashboard and the council report need: per district, activity per day,
the phases as bands, and the answer backlog. Every figure is aggregated by the database; the number
of queries does not depend on the size of the round.

Definitions (in addition to those in :mod:`agenda.results`; the dashboard and the report say so):

* **Teilnehmende** (unique): online = distinct accounts that proposed, voted or commented in the
  round (a person doing all three counts once); offline = the sum of the participants recorded on
  the round's offline sources (workshops, interviews; these people have no accounts, so they
  cannot be de-duplicated against the online ones). Total = online + offline.
* **By district**: a contribution belongs to the district of the *proposal's place* (its point on
  the map), not to where a person lives. For each district: proposals (not withdrawn), votes (online
  and on paper, on proposals still in the running), comments (public, not removed) on those
  proposals, and participants = distinct accounts that proposed, voted or commented on a proposal
  located there (one person may count in several districts, so this column does not add up to the
  round's total). ``per_1000`` = (proposals + votes + comments) per 1,000 residents, rounded to one
  decimal, ``None`` where the district has no population. Every district appears, also with 0;
  proposals without a place form a last row "ohne Ort" (``district_id`` None) when there are any.
* **Activity per day**: proposals submitted (not withdrawn, not hidden), online votes cast (on
  proposals still in the running) and comments written, per calendar day in the site's time zone.
  The days run from the start of the round's first phase to the end of its last phase or today,
  whichever is earlier; the range is widened if contributions fall outside it (e.g. a workshop
  entered late), so the columns add up to the headline figures. Paper votes have no day.
* **Answer backlog**: proposals in the running (not withdrawn, merged or hidden) whose official
  answer is not published yet (none written, or written but waiting for the results), oldest
  first. Age = whole days from the day of submission to today (site time zone); overdue = age
  greater than the round's target (``RoundPage.answer_target_days``, default 30 days).

Caching: :func:`round_dashboard` keeps its result for :data:`CACHE_TIMEOUT` seconds. The cache
key contains a fingerprint of the round's proposals (how many, how many published answers, the
latest change), read with one cheap query on each call, so a new proposal, a status change or a
just-published answer (also the bulk publication) shows at once; votes and comments appear within
the timeout.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import (
    CharField,
    Count,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from agenda.models import OfflineVoteTally, Proposal, RoundPage, Vote
from agenda.results import RoundResults, public_comments, round_results
from agenda.steering import CLOSED_STATUSES, WITHDRAWN
from civic.dashboard import cached

#: Seconds the figures are kept (see the module docstring for what shows at once).
CACHE_TIMEOUT = 120
#: Default target for an official answer, in days (``RoundPage.answer_target_days``).
DEFAULT_ANSWER_TARGET_DAYS = 30


@dataclass
class DistrictRow:
    district_id: int | None
    name: str
    slug: str
    population: int | None
    proposals: int = 0
    votes: int = 0
    comments: int = 0
    participants: int = 0
    per_1000: float | None = None

    @property
    def contributions(self) -> int:
        """Proposals + votes + comments (the numerator of ``per_1000``)."""
        return self.proposals + self.votes + self.comments


@dataclass
class DayRow:
    day: datetime.date
    proposals: int = 0
    comments: int = 0
    votes: int = 0

    @property
    def total(self) -> int:
        return self.proposals + self.comments + self.votes


@dataclass
class PhaseBand:
    label: str
    start: datetime.date
    end: datetime.date


@dataclass
class BacklogRow:
    proposal: Proposal
    age_days: int
    overdue: bool

    @property
    def answer_waiting(self) -> bool:
        """An answer is written but not published yet (it waits for the results)."""
        return bool(self.proposal.answer)


@dataclass
class RoundDashboard:
    round: RoundPage
    results: RoundResults
    by_district: list[DistrictRow] = field(default_factory=list)
    activity: list[DayRow] = field(default_factory=list)
    phases: list[PhaseBand] = field(default_factory=list)
    #: The oldest BACKLOG_LIMIT proposals without an answer (the admin list has them all).
    backlog: list[BacklogRow] = field(default_factory=list)
    backlog_count: int = 0
    overdue_count: int = 0
    answer_target_days: int = DEFAULT_ANSWER_TARGET_DAYS
    today: datetime.date | None = None


# --------------------------------------------------------------------------------------------
# helpers


def _site_tz():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _local_date(value: datetime.datetime) -> datetime.date:
    return timezone.localtime(value, _site_tz()).date()


def _round_parts(round_page):
    """The querysets every figure starts from (the same filters as :func:`round_results`)."""
    proposals = Proposal.objects.filter(round=round_page, hidden=False)
    counted = proposals.exclude(status=WITHDRAWN)  # "Vorschläge"
    live = proposals.exclude(status__in=CLOSED_STATUSES)  # in the running
    votes = Vote.objects.filter(proposal__in=live.values("pk"))
    paper = OfflineVoteTally.objects.filter(proposal__in=live.values("pk"))
    round_ids = proposals.annotate(pk_text=Cast("pk", CharField())).values("pk_text")
    comments = public_comments().filter(object_pk__in=round_ids)
    return proposals, counted, live, votes, paper, comments


# --------------------------------------------------------------------------------------------
# by district


def district_rows(round_page) -> list[DistrictRow]:
    """Every district with the round's contributions located there (see the module docstring).

    One grouped aggregate over the round's proposals, reading their stored counters (votes,
    paper votes, comments; agenda/counters.py) instead of counting millions of votes per district,
    one query for the districts and one for the participants per district.
    """
    from civic.models import District

    proposals = Proposal.objects.filter(round=round_page, hidden=False)
    live = ~Q(status__in=CLOSED_STATUSES)
    figures = {
        row["district_id"]: row
        for row in proposals.order_by()
        .values("district_id")
        .annotate(
            n_proposals=Count("pk", filter=~Q(status=WITHDRAWN)),
            n_votes=Coalesce(Sum(F("votes_for") + F("votes_against"), filter=live), 0),
            n_paper=Coalesce(Sum(F("paper_for") + F("paper_against"), filter=live), 0),
            n_comments=Coalesce(Sum("comment_count"), 0),
        )
    }
    participants = _participants_by_district(proposals)
    empty = {"n_proposals": 0, "n_votes": 0, "n_paper": 0, "n_comments": 0}
    rows = []
    for d in District.objects.order_by("name").values("pk", "name", "slug", "population"):
        f = figures.get(d["pk"], empty)
        rows.append(
            _district_row(
                d["pk"],
                d["name"],
                d["slug"],
                d["population"],
                proposals=f["n_proposals"],
                votes=f["n_votes"] + f["n_paper"],
                comments=f["n_comments"],
                participants=participants.get(d["pk"], 0),
            )
        )

    # Proposals without a place.
    nowhere = figures.get(None)
    if nowhere and nowhere["n_proposals"]:
        rows.append(
            _district_row(
                None,
                _("ohne Ort"),
                "",
                None,
                proposals=nowhere["n_proposals"],
                votes=nowhere["n_votes"] + nowhere["n_paper"],
                comments=nowhere["n_comments"],
                participants=participants.get(None, 0),
            )
        )
    return rows


def _participants_by_district(proposals) -> dict:
    """Distinct accounts with a proposal, a vote or a public comment on a proposal located in
    each district (key None: proposals without a place), in one grouped query.

    The three sources are one UNION ALL of (district, account) pairs, counted distinct per
    district. (A correlated count per district over all accounts took minutes with 500,000
    accounts and 2 million votes.)
    """
    authors = (
        proposals.filter(author__isnull=False)
        .order_by()
        .annotate(d=F("district_id"), u=F("author_id"))
        .values_list("d", "u")
    )
    voters = (
        Vote.objects.filter(proposal__in=proposals.values("pk"))
        .order_by()
        .annotate(d=F("proposal__district_id"), u=F("user_id"))
        .values_list("d", "u")
    )
    round_ids = proposals.annotate(pk_text=Cast("pk", CharField())).values("pk_text")
    proposal_district = Proposal.objects.filter(
        pk=Cast(OuterRef("object_pk"), IntegerField())
    ).values("district_id")[:1]
    commenters = (
        public_comments()
        .filter(user__isnull=False, object_pk__in=round_ids)
        .order_by()
        .annotate(d=Subquery(proposal_district), u=F("user_id"))
        .values_list("d", "u")
    )
    pairs_sql, params = authors.union(voters, commenters, all=True).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pairs.d, COUNT(DISTINCT pairs.u) FROM ({pairs_sql}) pairs GROUP BY pairs.d",
            params,
        )
        return dict(cursor.fetchall())


def _district_row(pk, name, slug, population, *, proposals, votes, comments, participants):
    row = DistrictRow(
        district_id=pk,
        name=name,
        slug=slug,
        population=population,
        proposals=proposals,
        votes=votes,
        comments=comments,
        participants=participants,
    )
    if population:
        row.per_1000 = round(row.contributions * 1000 / population, 1)
    return row


# --------------------------------------------------------------------------------------------
# activity per day and phases


def phase_bands(round_page) -> list[PhaseBand]:
    """The round's phases as (label, first day, last day) in the site's time zone."""
    bands = []
    for phase in round_page.phase_list():
        start = _local_date(phase.start)
        # A phase ending at midnight ends on the day before.
        end = _local_date(phase.end - datetime.timedelta(microseconds=1))
        bands.append(PhaseBand(label=str(phase.label), start=start, end=max(start, end)))
    return bands


def activity_rows(round_page, bands=None, today=None) -> list[DayRow]:
    """One row per day (see the module docstring); three grouped queries."""
    _proposals, counted, _live, votes, _paper, comments = _round_parts(round_page)
    tz = _site_tz()
    per_day = {}
    for key, qs, date_field in (
        ("proposals", counted, "created"),
        ("votes", votes, "created"),
        ("comments", comments, "submit_date"),
    ):
        for row in (
            qs.order_by()
            .annotate(day=TruncDate(date_field, tzinfo=tz))
            .values("day")
            .annotate(n=Count("pk"))
        ):
            per_day.setdefault(row["day"], {})[key] = row["n"]

    today = today or timezone.localdate()
    bands = phase_bands(round_page) if bands is None else bands
    if bands:
        first, last = bands[0].start, min(today, bands[-1].end)
    elif per_day:
        first = last = today
    else:
        return []
    if per_day:
        first = min(first, min(per_day))
        last = max(last, min(today, max(per_day)))
    if last < first:  # the round has not begun
        return []
    rows = []
    day = first
    while day <= last:
        counts = per_day.get(day, {})
        rows.append(
            DayRow(
                day=day,
                proposals=counts.get("proposals", 0),
                comments=counts.get("comments", 0),
                votes=counts.get("votes", 0),
            )
        )
        day += datetime.timedelta(days=1)
    return rows


# --------------------------------------------------------------------------------------------
# answer backlog


def backlog_queryset(round_page):
    """Proposals in the running without a published official answer, oldest first."""
    return (
        Proposal.objects.filter(round=round_page, hidden=False)
        .exclude(status__in=CLOSED_STATUSES)
        .exclude(Q(answer_published=True) & ~Q(answer=""))
        .select_related("round", "field_of_action", "district", "author", "offline_source")
        .order_by("created", "number")
    )


def answer_target_days(round_page) -> int:
    return getattr(round_page, "answer_target_days", None) or DEFAULT_ANSWER_TARGET_DAYS


#: How many backlog rows the figures carry (a round may have tens of thousands without answer).
BACKLOG_LIMIT = 100


def backlog_counts(round_page, today=None, target=None) -> tuple[int, int]:
    """(proposals without a published answer, of which overdue), counted by the database."""
    today = today or timezone.localdate()
    target = answer_target_days(round_page) if target is None else target
    # Overdue: older than ``target`` whole days, i.e. created before the local midnight that
    # starts the day ``target`` days before today.
    threshold = datetime.datetime.combine(
        today - datetime.timedelta(days=target), datetime.time.min, tzinfo=_site_tz()
    )
    figures = (
        backlog_queryset(round_page)
        .order_by()
        .aggregate(n=Count("pk"), overdue=Count("pk", filter=Q(created__lt=threshold)))
    )
    return figures["n"], figures["overdue"]


def backlog_rows(round_page, today=None, target=None, limit=BACKLOG_LIMIT) -> list[BacklogRow]:
    today = today or timezone.localdate()
    target = answer_target_days(round_page) if target is None else target
    rows = []
    for proposal in backlog_queryset(round_page)[:limit]:
        age = (today - _local_date(proposal.created)).days
        rows.append(BacklogRow(proposal=proposal, age_days=max(age, 0), overdue=age > target))
    return rows


# --------------------------------------------------------------------------------------------
# the dashboard


def fingerprint(round_page) -> tuple:
    """What changes when a proposal is added, changed, answered or its answer published."""
    figures = Proposal.objects.filter(round=round_page).aggregate(
        n=Count("pk"),
        published=Count("pk", filter=Q(answer_published=True)),
        hidden=Count("pk", filter=Q(hidden=True)),
        latest=Max("updated"),
    )
    latest = figures["latest"].isoformat() if figures["latest"] else ""
    return (figures["n"], figures["published"], figures["hidden"], latest)


def compute_round_dashboard(round_page, *, ranking_limit: int | None = None) -> RoundDashboard:
    """All figures of the dashboard, uncached."""
    today = timezone.localdate()
    bands = phase_bands(round_page)
    backlog_count, overdue_count = backlog_counts(round_page, today=today)
    return RoundDashboard(
        round=round_page,
        results=round_results(round_page, ranking_limit=ranking_limit),
        by_district=district_rows(round_page),
        activity=activity_rows(round_page, bands=bands, today=today),
        phases=bands,
        backlog=backlog_rows(round_page, today=today),
        backlog_count=backlog_count,
        overdue_count=overdue_count,
        answer_target_days=answer_target_days(round_page),
        today=today,
    )


def round_dashboard(round_page, *, ranking_limit: int | None = None) -> RoundDashboard:
    """The dashboard figures of ``round_page``, cached (see the module docstring).

    ``ranking_limit`` cuts the ranking list (the dashboard shows the top entries; the council
    report takes the whole ranking with ``None``).
    """
    key = (
        "agenda",
        "round_dashboard",
        round_page.pk,
        ranking_limit or 0,
        timezone.localdate().isoformat(),
        *fingerprint(round_page),
    )

    def compute():
        return compute_round_dashboard(round_page, ranking_limit=ranking_limit)

    return cached(key, compute, timeout=CACHE_TIMEOUT)
