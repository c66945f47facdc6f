"""Figures of the memory collection for the dashboard ("Auswertung", issue 5).

:func:`memory_figures` computes everything in a fixed number of queries (seven, whatever the number
of memories): aggregation happens in SQL (``Count``, ``TruncMonth`` in the site's time zone,
``filter=Q(...)``), and no model instances are loaded. :func:`cached_memory_figures` keeps the
result for a few minutes (``civic.dashboard.cached``, prefix ``"stadtgedaechtnis"``).

What is counted
---------------
* Submissions per month: every memory whose (last) ``submitted_at`` lies in the last ``months``
  calendar months, whatever its status now.
* Queue: memories in status "Eingereicht" (``Memory.objects.waiting()``); the oldest by
  ``submitted_at`` with its age in whole days (local dates).
* Median time to decision: ``submitted_at`` → ``decided_at`` of memories the editors published or
  rejected in the last ``months`` months (withdrawals are not an editorial decision). A resubmission
  after "Änderungen erbeten" sets ``submitted_at`` anew, so the time counts from the last
  submission. PostgreSQL has ``percentile_cont`` but SQLite has none, so one query fetches the pairs
  of timestamps (two columns, no instances) and Python takes the median. Measured on SQLite on the
  shared 2-core development machine with 10,000 decided memories (a benchmark, not a test): the
  pairs and the median take 120–170 ms, all figures together 300–360 ms; computing the duration in
  SQL (``F("decided_at") - F("submitted_at")``) was no faster. The figures are cached (5 minutes),
  so this runs at most once per cache period. Should the collection grow far beyond that, use
  ``percentile_cont`` on PostgreSQL and keep this as the fallback.
* Themes, decades and districts: published memories only (the public collection). A memory with
  several themes counts once for each; memories without theme, decade or district are counted
  separately.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from stadtgedaechtnis.models import Memory, Status, Theme

MONTHS = 24


@dataclass
class DistrictFigure:
    slug: str
    name: str
    population: int | None
    published: int
    feature: dict

    @property
    def per_thousand(self) -> float | None:
        """Published memories per 1,000 residents (None without a population)."""
        if not self.population:
            return None
        return self.published * 1000 / self.population


@dataclass
class MemoryFigures:
    today: date
    first_month: date
    months: list[tuple[date, int]]  # (first day of month, submissions)
    published: int
    waiting: int
    oldest_waiting: dict | None  # {"pk", "title", "submitted_at", "age_days"}
    decided: int  # decisions in the window (the median's base)
    median_days: float | None
    themes: list[tuple[str, int]]
    without_theme: int
    decades: list[tuple[int, int]]
    without_decade: int
    districts: list[DistrictFigure] = field(default_factory=list)
    without_district: int = 0


def _months_back(month: date, count: int) -> date:
    index = month.year * 12 + (month.month - 1) - count
    return date(index // 12, index % 12 + 1, 1)


def _local_date(value: datetime | date) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date()
    return value


def memory_figures(months: int = MONTHS) -> MemoryFigures:
    """All figures of the memory panel (a fixed number of queries, see the module docstring)."""
    from civic.models import District

    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    first_month = _months_back(date(today.year, today.month, 1), months - 1)
    window_start = datetime(first_month.year, first_month.month, 1, tzinfo=tz)

    # 1. Submissions per month (local months)
    per_month = (
        Memory.objects.filter(submitted_at__gte=window_start)
        .annotate(month=TruncMonth("submitted_at", tzinfo=tz))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    by_month: dict[date, int] = {}
    for row in per_month:
        month = _local_date(row["month"])
        month = date(month.year, month.month, 1)
        by_month[month] = by_month.get(month, 0) + row["n"]
    month_rows = []
    month = first_month
    for _i in range(months):
        month_rows.append((month, by_month.get(month, 0)))
        month = _months_back(month, -1)

    # 2. Totals: published, waiting, published without theme / district / decade
    has_theme = Memory.themes.through.objects.filter(memory_id=OuterRef("pk"))
    totals = Memory.objects.annotate(has_theme=Exists(has_theme)).aggregate(
        published=Count("pk", filter=Q(status=Status.PUBLISHED)),
        waiting=Count("pk", filter=Q(status=Status.SUBMITTED)),
        without_theme=Count("pk", filter=Q(status=Status.PUBLISHED, has_theme=False)),
        without_district=Count("pk", filter=Q(status=Status.PUBLISHED, district__isnull=True)),
        without_decade=Count("pk", filter=Q(status=Status.PUBLISHED, decade__isnull=True)),
    )

    # 3. The oldest waiting memory
    oldest = (
        Memory.objects.waiting()
        .order_by("submitted_at", "pk")
        .values("pk", "title", "submitted_at")
        .first()
    )
    if oldest is not None:
        submitted = oldest["submitted_at"]
        oldest["age_days"] = (today - _local_date(submitted)).days if submitted else None

    # 4. Durations from submission to decision (two columns, no instances)
    pairs = list(
        Memory.objects.filter(
            status__in=[Status.PUBLISHED, Status.REJECTED],
            decided_at__gte=window_start,
            submitted_at__isnull=False,
            decided_at__isnull=False,
        ).values_list("submitted_at", "decided_at")
    )
    durations = [
        (decided - submitted) / timedelta(days=1)
        for submitted, decided in pairs
        if decided >= submitted
    ]
    median_days = statistics.median(durations) if durations else None

    # 5. Themes (all themes, also those without memories)
    themes = list(
        Theme.objects.annotate(n=Count("memories", filter=Q(memories__status=Status.PUBLISHED)))
        .order_by("sort_order", "name")  # Meta.ordering is not used with GROUP BY
        .values_list("name", "n")
    )

    # 6. Decades
    decades = list(
        Memory.objects.published()
        .filter(decade__isnull=False)
        .values("decade")
        .annotate(n=Count("pk"))
        .order_by("decade")
        .values_list("decade", "n")
    )

    # 7. Districts (with their geometry, for the map)
    districts = [
        DistrictFigure(
            slug=d.slug,
            name=d.name,
            population=d.population,
            published=d.n,
            feature=d.as_feature(),
        )
        for d in District.objects.annotate(
            n=Count("memories", filter=Q(memories__status=Status.PUBLISHED))
        ).order_by("name")
    ]

    return MemoryFigures(
        today=today,
        first_month=first_month,
        months=month_rows,
        published=totals["published"],
        waiting=totals["waiting"],
        oldest_waiting=oldest,
        decided=len(durations),
        median_days=median_days,
        themes=themes,
        without_theme=totals["without_theme"],
        decades=decades,
        without_decade=totals["without_decade"],
        districts=districts,
        without_district=totals["without_district"],
    )


def cached_memory_figures() -> MemoryFigures:
    """:func:`memory_figures`, cached for a few minutes (``invalidate("stadtgedaechtnis")``)."""
    from civic.dashboard import cached

    return cached(("stadtgedaechtnis", "memory-figures", MONTHS), memory_figures)
