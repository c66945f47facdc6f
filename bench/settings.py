"""Settings of the benchmark server: production settings plus the query-count header.

Used by bench/run.py for gunicorn and for its own Django work (data, sessions, carry-over), with
the environment it builds (SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, plain HTTP on 127.0.0.1).
Everything else is civic.settings.production unchanged.
"""

from civic.settings.production import *  # noqa: F401,F403
from civic.settings.production import MIDDLEWARE

CIVIC_BENCH_QUERY_HEADER = True
if "civic.bench_middleware.QueryCountMiddleware" not in MIDDLEWARE:
    MIDDLEWARE = ["civic.bench_middleware.QueryCountMiddleware", *MIDDLEWARE]
ROOT_URLCONF = "bench.urls"
