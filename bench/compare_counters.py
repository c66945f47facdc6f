"""Old query against new on the same database and moment (issue 7, second pass).

Times, in one Django process, the correlated-subquery versions of the proposal list's sorts and
of the ranking (``agenda.counters.annotate_recounted``, what the code did before the stored
counters) against the counter columns, and the map clusters and timeline overview computed and
from the cache. Run against a generated bench database::

    DJANGO_SETTINGS_MODULE=bench.settings SECRET_KEY=bench-only-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx \
    ALLOWED_HOSTS=localhost REDIS_URL=redis://127.0.0.1:6379/12 \
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/civic_bench_madrid \
    .venv/bin/python manage.py shell < bench/compare_counters.py
"""

import os
import statistics
import time

from django.core.cache import cache

from agenda.counters import annotate_recounted
from agenda.models import Proposal, RoundPage
from agenda.results import round_results
from stadtgedaechtnis.explore import _timeline_overview
from stadtgedaechtnis.explore_clusters import _cluster_rows, cluster_queryset, grid_for, parse_bbox
from stadtgedaechtnis.models import Memory

r = RoundPage.objects.filter(slug__startswith="bench-runde-").order_by("pk").first()
vis = Proposal.objects.visible().filter(round=r)


def t(fn, n=5):
    xs = []
    for _ in range(n):
        s = time.perf_counter()
        fn()
        xs.append((time.perf_counter() - s) * 1000)
    return round(statistics.median(xs), 1)


print("load", os.getloadavg()[0])
print(
    "list by votes, old subqueries:",
    t(
        lambda: list(
            annotate_recounted(vis).order_by(
                "-recounted_score", "-recounted_support_total", "-created", "-pk"
            )[:20]
        ),
        3,
    ),
)
print(
    "list by votes, counters     :",
    t(
        lambda: list(
            vis.with_vote_counts().order_by("-score", "-support_total", "-created", "-pk")[:20]
        )
    ),
)
print(
    "list by comments, old       :",
    t(
        lambda: list(
            annotate_recounted(vis).order_by("-recounted_comment_count", "-created", "-pk")[:20]
        ),
        3,
    ),
)
print(
    "list by comments, counters  :",
    t(lambda: list(vis.order_by("-comment_count", "-created", "-pk")[:20])),
)
rk = Proposal.objects.filter(round=r, hidden=False).exclude(status__in=["merged", "withdrawn"])
print(
    "ranking top 100, old        :",
    t(
        lambda: list(
            annotate_recounted(rk).order_by(
                "-recounted_score", "-recounted_support_total", "number"
            )[:101]
        ),
        3,
    ),
)
print(
    "ranking top 100, counters   :",
    t(lambda: list(rk.order_by("-score", "-support_total", "number")[:101])),
)
print("round_results(limit 100)    :", t(lambda: round_results(r, ranking_limit=100), 3))
bbox = parse_bbox(",".join(str(v) for v in [10.85, 50.2, 11.1, 50.35]))
qs = Memory.objects.published().filter(**bbox.lookups())
for z in (12, 14):
    g = grid_for(bbox, z)
    print(
        f"map clusters z{z}, computed   :",
        t(lambda g=g: _cluster_rows(qs, g, "public_lon", "public_lat")),
    )
    cluster_queryset(qs, g)
    print(f"map clusters z{z}, cached     :", t(lambda g=g: cluster_queryset(qs, g)))
pub = Memory.objects.published()


def tl_cold():
    cache.clear()
    _timeline_overview(pub, None)


print("timeline overview, computed :", t(tl_cold, 3))
print("timeline overview, cached   :", t(lambda: _timeline_overview(pub, None)))
print("load", os.getloadavg()[0])
