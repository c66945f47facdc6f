"""Settings of the benchmark server: production settings plus the query-count header.

Used by bench/run.py for gunicorn and for its own Django work (data, sessions, carry-over), with
the environment it builds (SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, plain HTTP on 127.0.0.1).
Everything else is civic.settings.production unchanged.
"""

import os

from civic.settings.production import *  # noqa: F401,F403
from civic.settings.production import MIDDLEWARE

CIVIC_BENCH_QUERY_HEADER = True
if "civic.bench_middleware.QueryCountMiddleware" not in MIDDLEWARE:
    MIDDLEWARE = ["civic.bench_middleware.QueryCountMiddleware", *MIDDLEWARE]
ROOT_URLCONF = "bench.urls"
# The map's cluster and the timeline's decade caches (stadtgedaechtnis.explore*): on by default
# as in production (300 s); ``bench/run.py --explore-cache 0`` measures the computation.
if os.environ.get("CIVIC_EXPLORE_CACHE_SECONDS", "").strip():
    CIVIC_EXPLORE_CACHE_SECONDS = int(os.environ["CIVIC_EXPLORE_CACHE_SECONDS"])
