"""The benchmark suite of issue 7 (``make bench``): pages, votes, export, carry-over, map.

    BENCH_SCALE=small .venv/bin/python bench/run.py                 # everything (~10 min)
    .venv/bin/python bench/run.py --only pages                     # one part (data must exist)
    .venv/bin/python bench/run.py --only data --scale madrid       # only create the data

Works on the PostgreSQL database named by ``BENCH_DATABASE_URL`` (default
postgres://postgres@127.0.0.1:5432/civic_bench; created if missing; ``--fresh`` drops it first).
The parts:

data       migrate, seed the demo city, generate users, memories and a round at ``BENCH_SCALE``
           (generate_users / generate_memories / generate_round; skipped when the database already
           holds that scale, recorded in a small ``bench_meta`` table).
pages      gunicorn (``--workers 4``) with production settings (bench/settings.py adds only the
           ``X-Civic-Queries`` header) on a free port; per endpoint ``--warmup`` requests, then
           ``--requests`` sequential ones: p50/p95 (ms, client side), queries, body size, and the
           p50 ratio to ``/healthz/`` (the framework floor, same server).
votes      bench/votes.py: logged-in voters (sessions created directly in the session store)
           voting concurrently through gunicorn; votes/s, then reconciled in the database.
export     every export of agenda/exports.py for the generated round, each in a fresh child process
           (bench/export_round.py --child): time, ru_maxrss, tracemalloc peak.
carryover  agenda.steering.carry_over of 10,000 proposals into a new round, in one transaction
           (topped up with copies if the round has fewer; rolled back afterwards).
map        bench/map_first_markers.py: Chromium, navigation start → first marker/cluster visible.
"""

from __future__ import annotations

import argparse
import copy as copy_module
import json
import math
import os
import platform
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import server  # bench/server.py (the scripts run with bench/ on sys.path)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV_BIN = Path(sys.executable).parent

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/civic_bench"
PARTS = ["data", "pages", "votes", "export", "carryover", "map"]
SCALES = {
    # for trying the runner itself (a minute or two)
    "tiny": dict(users=2_000, memories=1_000, proposals=300, comments=3_000, votes=10_000),
    "small": dict(users=20_000, memories=10_000, proposals=2_000, comments=20_000, votes=100_000),
    "madrid": dict(
        users=500_000, memories=100_000, proposals=30_000, comments=250_000, votes=2_000_000
    ),
}
CARRY_OVER_PROPOSALS = 10_000


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


# --------------------------------------------------------------------------------------------
# Environment and database


def bench_env(args) -> dict[str, str]:
    """The environment of every process of the run (this one, manage.py, gunicorn)."""
    env = {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": args.database_url,
        # a fixed, public key: the bench database is throw-away, sessions must survive restarts
        "SECRET_KEY": "bench-only-not-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "CONN_MAX_AGE": "60",
        "STATIC_ROOT": str(args.static_root),
        "CIVIC_PAGE_CACHE_SECONDS": str(args.page_cache),
        "CIVIC_EXPLORE_CACHE_SECONDS": str(args.explore_cache),
        # Every request of the bench comes from 127.0.0.1: the per-address limits of
        # civic/ratelimit.py would answer most of them with 429 (load tests only).
        "CIVIC_RATELIMIT_MULTIPLIER": os.environ.get("CIVIC_RATELIMIT_MULTIPLIER", "1000"),
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    return env


def redis_available(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def ensure_database(database_url: str, *, fresh: bool) -> None:
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    maintenance = parts._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            log(f"dropping database {name} (--fresh)")
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            log(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def analyze(database_url: str) -> None:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("ANALYZE")


def meta(database_url: str, key: str, value: str | None = None) -> str | None:
    """Read (or write) one entry of the bench's own bookkeeping table."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text)")
        if value is not None:
            conn.execute(
                "INSERT INTO bench_meta VALUES (%s, %s) "
                "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                [key, value],
            )
            return value
        row = conn.execute("SELECT value FROM bench_meta WHERE key = %s", [key]).fetchone()
        return row[0] if row else None


def manage(*arguments: str, env: dict) -> None:
    started = time.perf_counter()
    log("manage.py " + " ".join(arguments))
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *arguments], check=True, cwd=ROOT, env=env
    )
    log(f"  … {time.perf_counter() - started:.1f} s")


def command_exists(name: str) -> bool:
    from django.core.management import get_commands

    return name in get_commands()


# --------------------------------------------------------------------------------------------
# Part "data"


def part_data(args, env: dict) -> dict:
    started = time.perf_counter()
    manage("migrate", "--noinput", "-v", "0", env=env)
    manage("compile_translations", "-v", "0", env=env)
    manage("seed_demo", "--if-empty", env=env)
    done = meta(args.database_url, "data")
    size = SCALES[args.scale]
    result = {"scale": args.scale, **size}
    if done == args.scale:
        log(f"data at scale {args.scale} already generated: skipped")
        result["generated"] = "earlier"
        return result
    if done:
        raise SystemExit(
            f"The bench database holds scale {done!r}, not {args.scale!r}: run with --fresh "
            "(drops and recreates it)."
        )
    missing = [
        c
        for c in ("generate_users", "generate_memories", "generate_round")
        if not command_exists(c)
    ]
    if missing:
        log(f"generators missing ({', '.join(missing)}): measuring the demo data only")
        result["generated"] = "demo only"
        return result
    manage("generate_users", "--count", str(size["users"]), env=env)
    manage("generate_memories", "--count", str(size["memories"]), env=env)
    manage(
        "generate_round",
        "--proposals",
        str(size["proposals"]),
        "--comments",
        str(size["comments"]),
        "--votes",
        str(size["votes"]),
        env=env,
    )
    meta(args.database_url, "data", args.scale)
    result["generated"] = f"{time.perf_counter() - started:.0f} s"
    return result


# --------------------------------------------------------------------------------------------
# What to measure: found in the database


def discover() -> dict:
    """URLs and objects of the data set: the biggest round, a memory, a proposal with ~200
    comments, a steering-group member."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count, Max, Min
    from django_comments.models import Comment

    from agenda.models import Proposal, RoundPage
    from civic.models import User
    from civic.roles import STEERING
    from stadtgedaechtnis.models import Memory, MemoryMapPage, MemoryTimelinePage, Theme

    found: dict = {}
    memories = Memory.objects.filter(pk__in=_public_memory_ids())
    found["memories"] = memories.count()
    extent = memories.aggregate(
        w=Min("public_lon"), s=Min("public_lat"), e=Max("public_lon"), n=Max("public_lat")
    )
    if extent["w"] is not None:
        found["bbox"] = ",".join(f"{extent[k]:.5f}" for k in ("w", "s", "e", "n"))
    found["memory_id"] = memories.order_by("pk").values_list("pk", flat=True).first()
    theme = (
        Theme.objects.annotate(n=Count("memories")).order_by("-n").values_list("slug", flat=True)
    ).first()
    found["theme"] = theme
    map_page = MemoryMapPage.objects.live().first()
    timeline = MemoryTimelinePage.objects.live().first()
    found["map_url"] = map_page.url if map_page else None
    found["timeline_url"] = timeline.url if timeline else None

    rounds = RoundPage.objects.live().annotate(n=Count("proposals")).order_by("-n", "-pk")
    round_page = rounds.first()
    found["round"] = round_page
    found["round_url"] = round_page.url if round_page else None
    found["proposals"] = round_page.n if round_page else 0
    if round_page:
        ctype = ContentType.objects.get_for_model(Proposal)
        counts = (
            Comment.objects.filter(content_type=ctype, is_public=True, is_removed=False)
            .filter(object_pk__in=[str(pk) for pk in _proposal_ids(round_page)])
            .values("object_pk")
            .annotate(n=Count("pk"))
            .values_list("object_pk", "n")
        )
        best = min(counts, key=lambda row: (abs(row[1] - 200), -row[1]), default=None)
        if best is None:
            pid = round_page.proposals.order_by("pk").values_list("pk", flat=True).first()
            best = (str(pid), 0) if pid else None
        if best:
            found["proposal_id"], found["proposal_comments"] = int(best[0]), best[1]
    found["steering_user"] = (
        User.objects.filter(groups__name=STEERING, is_active=True).order_by("pk").first()
        or User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    )
    found["users"] = User.objects.count()
    return found


def _public_memory_ids():
    from stadtgedaechtnis.api import public_memories

    return public_memories().values("pk")


def _proposal_ids(round_page) -> list[int]:
    return list(round_page.proposals.values_list("pk", flat=True))


def login_session(user) -> str:
    """A logged-in session for ``user``, written straight into the configured session store."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return store.session_key


# --------------------------------------------------------------------------------------------
# The server


class Server(server.Server):
    """gunicorn with the bench settings, for the parts that need HTTP."""

    def __init__(self, env: dict, workers: int):
        super().__init__(env, workers, log=log)

    def prepare(self) -> None:
        manifest = Path(self.env["STATIC_ROOT"]) / "staticfiles.json"
        if not manifest.exists():
            manage("collectstatic", "--noinput", "-v", "0", env=self.env)


# --------------------------------------------------------------------------------------------
# Part "pages"


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def endpoints(found: dict) -> list[tuple[str, str, bool]]:
    """(label, path, logged in as steering)"""
    items = [("/healthz/ (floor)", "/healthz/", False), ("home", "/", False)]
    if found.get("map_url"):
        items.append(("map page", found["map_url"], False))
    if found.get("bbox"):
        for zoom in (12, 14, 16, 18):
            query = urlencode({"bbox": found["bbox"], "zoom": zoom})
            items.append((f"map API z{zoom}", f"/api/memories/map?{query}", False))
        if found.get("theme"):
            query = urlencode({"bbox": found["bbox"], "zoom": 14, "theme": found["theme"]})
            items.append(("map API z14 + theme", f"/api/memories/map?{query}", False))
    if found.get("memory_id"):
        items.append(("memory page", f"/erinnerungen/{found['memory_id']}/", False))
    if found.get("timeline_url"):
        items.append(("timeline", found["timeline_url"], False))
    if found.get("round_url"):
        url = found["round_url"]
        items.append(("round page", url, False))
        for order in ("neu", "stimmen", "kommentare", "zufall"):
            items.append((f"proposals ?sortierung={order}", f"{url}?sortierung={order}", False))
        items.append(("results", f"{url}ergebnisse/", None))  # None: public, else steering
    if found.get("proposal_id"):
        label = f"proposal ({found['proposal_comments']} comments)"
        items.append((label, f"/agenda/vorschlaege/{found['proposal_id']}/", False))
    if found.get("steering_user"):
        items.append(("steering dashboard", "/admin/auswertung/", True))
        if found.get("round"):
            path = f"/admin/agenda/auswertung/{found['round'].pk}/"
            items.append(("round dashboard", path, True))
    return items


def part_pages(args, server: Server, found: dict) -> list[dict]:
    import requests

    steering_cookie = login_session(found["steering_user"]) if found.get("steering_user") else None
    rows = []
    for index, (label, path, logged_in) in enumerate(endpoints(found)):
        if index and args.public_only and logged_in is not False:
            continue
        if index and args.endpoint and not any(e in label for e in args.endpoint):
            continue
        session = requests.Session()
        url = server.base_url + path
        if logged_in is None:
            # public once the round shows results; before that the steering group's preview
            probe = session.get(url, allow_redirects=False, timeout=args.request_timeout)
            public = probe.status_code == 200
            if not public:
                label += " (steering preview)"
            logged_in = not public
        if logged_in:
            session.cookies.set("sessionid", steering_cookie)
        cold = bool(logged_in) and "dashboard" in label
        if cold:
            # the dashboards cache their figures for minutes: measure the computation, i.e.
            # clear the (bench's own) cache before each request — sessions live there too
            label += " (cold)"

            def before_request(session=session):
                from django.core.cache import cache

                cache.clear()
                session.cookies.set("sessionid", login_session(found["steering_user"]))
        else:

            def before_request():
                pass

        times, queries = [], set()
        try:
            before_request()
            started = time.perf_counter()
            response = session.get(url, allow_redirects=False, timeout=args.request_timeout)
            first = time.perf_counter() - started
        except requests.Timeout:
            cancel_long_queries(args.database_url, args.request_timeout)
            rows.append(timeout_row(label, path, args.request_timeout))
            log(f"  {label:<34} no answer within {args.request_timeout:.0f} s")
            continue
        if first > args.slow:
            # one request is all it gets (the first one, cold): the table says n = 1
            runs = 1
            times.append(first * 1000)
            queries.add(response.headers.get("X-Civic-Queries", "?"))
        else:
            warm = time.perf_counter()
            for _ in range(args.warmup - 1):
                before_request()
                session.get(url, allow_redirects=False, timeout=args.request_timeout)
            each = (time.perf_counter() - warm + first) / max(1, args.warmup)
            # slow endpoints get fewer requests (at least 5), so that a run stays within its time
            runs = max(5, min(args.requests, int(args.endpoint_budget / max(each, 0.001))))
        for _ in range(runs - len(times)):
            before_request()
            started = time.perf_counter()
            response = session.get(url, allow_redirects=False, timeout=args.request_timeout)
            _ = response.content
            times.append((time.perf_counter() - started) * 1000)
            queries.add(response.headers.get("X-Civic-Queries", "?"))
        row = {
            "endpoint": label,
            "path": path,
            "n": runs,
            "status": response.status_code,
            "p50_ms": round(percentile(times, 0.5), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
            "queries": "/".join(sorted(queries, key=lambda q: (len(q), q))),
            "kb": round(len(response.content) / 1024, 1),
            "cache": response.headers.get("X-Civic-Cache", ""),
        }
        rows.append(row)
        log(f"  {label:<34} {row['status']} p50 {row['p50_ms']:>8} ms  q {row['queries']}")
    floor = rows[0]["p50_ms"] or 0.001
    for row in rows:
        row["x_floor"] = round(row["p50_ms"] / floor, 1) if row["p50_ms"] else "–"
    return rows


def timeout_row(label: str, path: str, timeout: float) -> dict:
    return {
        "endpoint": label,
        "path": path,
        "n": 1,
        "status": f">{timeout:.0f}s",
        "p50_ms": None,
        "p95_ms": None,
        "queries": "?",
        "kb": None,
        "cache": "",
    }


def cancel_long_queries(database_url: str, seconds: float) -> None:
    """After a timed-out request: cancel the bench database's queries still running from it, so
    that they do not slow down the next measurements (only this throw-away database)."""
    import psycopg

    name = urlsplit(database_url).path.lstrip("/")
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE datname = %s AND "
            "state = 'active' AND pid <> pg_backend_pid() AND now() - query_start > %s * "
            "interval '1 second'",
            [name, seconds / 2],
        )


def print_pages(rows: list[dict]) -> None:
    head = (
        f"{'endpoint':<36}{'n':>4}{'status':>7}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}"
        f"{'size KB':>9}{'× floor':>9}"
    )
    print("\n" + head + "\n" + "-" * len(head))
    for row in rows:
        row = {k: "–" if v is None else v for k, v in row.items()}
        print(
            f"{row['endpoint']:<36}{row['n']:>4}{row['status']:>7}{row['p50_ms']:>9}{row['p95_ms']:>9}"
            f"{row['queries']:>9}{row['kb']:>9}{row['x_floor']:>9}"
        )


# --------------------------------------------------------------------------------------------
# Part "export"

EXPORTS = [
    ("proposals", "csv"),
    ("proposals", "xlsx"),
    ("proposals", "geojson"),
    ("proposals", "gpkg"),
    ("comments", "csv"),
    ("comments", "xlsx"),
]


def part_export(args, env: dict, found: dict) -> list[dict]:
    from django.db import connections

    connections.close_all()
    results = []
    for kind, fmt in EXPORTS:
        log(f"  export {kind}.{fmt}")
        completed = subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench" / "export_round.py"),
                "--child",
                args.database_url,
                str(found["round"].pk),
                kind,
                fmt,
            ],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
        )
        if completed.returncode:
            log(f"  export {kind}.{fmt} failed:\n{completed.stderr[-2000:]}")
            results.append({"kind": kind, "format": fmt, "error": completed.stderr[-300:]})
            continue
        results.append(json.loads(completed.stdout.strip().splitlines()[-1]))
    return results


def print_export(results: list[dict]) -> None:
    head = (
        f"{'export':<20}{'rows':>9}{'time s':>9}{'file MB':>9}{'py peak MB':>12}{'maxrss MB':>11}"
    )
    print("\nExport of the round (each in a fresh process)\n" + head + "\n" + "-" * len(head))
    for r in results:
        if "error" in r:
            print(f"{r['kind'] + '.' + r['format']:<20} failed")
            continue
        print(
            f"{r['kind'] + '.' + r['format']:<20}{r['rows']:>9}{r['seconds']:>9}{r['file_mb']:>9}"
            f"{r['tracemalloc_peak_mb']:>12}{r['maxrss_after_mb']:>11}"
        )


# --------------------------------------------------------------------------------------------
# Part "carryover"


def part_carryover(found: dict, count: int = CARRY_OVER_PROPOSALS) -> dict:
    """carry_over() of ``count`` proposals into a new round, in one transaction, rolled back."""
    from django.db import connection, transaction
    from django.db.models import Max
    from django.db.models.base import ModelState
    from django.test.utils import CaptureQueriesContext

    from agenda.models import Proposal, RoundPage
    from agenda.steering import CLOSED_STATUSES, carry_over

    source = found["round"]
    actor = found["steering_user"]
    result: dict = {}
    with transaction.atomic():
        eligible = Proposal.objects.filter(round=source, hidden=False).exclude(
            status__in=CLOSED_STATUSES
        )
        available = eligible.count()
        topped_up = max(0, count - available)
        if topped_up:
            # copies of the round's own proposals (new numbers), only for this measurement
            originals = list(eligible.order_by("pk")[: min(available, topped_up)])
            number = source.proposals.aggregate(m=Max("number"))["m"] or 0
            copies = []
            for i in range(topped_up):
                copy = copy_module.copy(originals[i % len(originals)])
                copy.pk = None
                copy._state = ModelState()
                number += 1
                copy.number = number
                copies.append(copy)
                if len(copies) >= 2000:
                    Proposal.objects.bulk_create(copies)
                    copies = []
            Proposal.objects.bulk_create(copies)
        target = source.get_parent().add_child(
            instance=RoundPage(
                title="Benchmark: Übernahme",
                slug=f"bench-carry-over-{secrets.token_hex(4)}",
                reference_prefix=source.reference_prefix,
                reference_year=source.reference_year + 1,
                voting_mode=source.voting_mode,
            )
        )
        chosen = eligible.order_by("pk").only("pk")[:count]
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            outcome = carry_over(chosen, target, actor=actor)
            seconds = time.perf_counter() - started
        result = {
            "requested": count,
            "copied": len(outcome.created),
            "skipped": len(outcome.skipped),
            "topped_up": topped_up,
            "seconds": round(seconds, 2),
            "queries": len(queries),
            "copies_in_target": Proposal.objects.filter(round=target).count(),
        }
        transaction.set_rollback(True)
    return result


# --------------------------------------------------------------------------------------------
# Machine and report


def machine(database_url: str) -> dict:
    import psycopg

    with psycopg.connect(database_url) as conn:
        pg_version = conn.execute("SHOW server_version").fetchone()[0]
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(mem_kb / 2**20, 1),
        "postgresql": pg_version,
        "python": platform.python_version(),
        "commit": current_commit(),
        "load_before": os.getloadavg()[0],
    }


def current_commit() -> str:
    """The checked-out commit, read from .git (no git process)."""
    git = ROOT / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head[:12]
        ref = head[5:]
        if (git / ref).exists():
            return (git / ref).read_text().strip()[:12]
        for line in (git / "packed-refs").read_text().splitlines():
            if line.endswith(" " + ref):
                return line.split()[0][:12]
    except OSError:
        pass
    return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", choices=PARTS, help="run only these parts")
    parser.add_argument("--skip", action="append", choices=PARTS, default=[])
    parser.add_argument("--scale", default=os.environ.get("BENCH_SCALE", "small"), choices=SCALES)
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database")
    parser.add_argument(
        "--no-analyze", action="store_true", help="do not run ANALYZE before measuring"
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
        help="cache and sessions (as in production); '' or unreachable: database sessions",
    )
    parser.add_argument(
        "--page-cache",
        type=int,
        default=int(os.environ.get("BENCH_PAGE_CACHE_SECONDS", "0")),
        help="CIVIC_PAGE_CACHE_SECONDS of the server (default 0: measure the uncached path)",
    )
    parser.add_argument(
        "--explore-cache",
        type=int,
        default=int(os.environ.get("BENCH_EXPLORE_CACHE_SECONDS", "300")),
        help="CIVIC_EXPLORE_CACHE_SECONDS of the server: map clusters and timeline decades "
        "(default 300 as in production; 0: measure the computation)",
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--requests", type=int, default=int(os.environ.get("BENCH_N", "30")))
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--endpoint", action="append", help="pages: only endpoints whose label contains this"
    )
    parser.add_argument(
        "--public-only",
        action="store_true",
        help="pages: only the anonymous endpoints (e.g. with --page-cache 60)",
    )
    parser.add_argument(
        "--request-timeout", type=float, default=60, help="seconds; slower is reported as such"
    )
    parser.add_argument(
        "--slow", type=float, default=10, help="seconds; an endpoint this slow is measured once"
    )
    parser.add_argument(
        "--endpoint-budget",
        type=float,
        default=30,
        help="seconds per endpoint; slower endpoints get fewer than --requests (at least 5)",
    )
    parser.add_argument("--voters", type=int, default=40)
    parser.add_argument("--votes-per-voter", type=int, default=10)
    parser.add_argument("--vote-threads", type=int, default=16)
    parser.add_argument("--map-runs", type=int, default=7)
    parser.add_argument(
        "--static-root",
        type=Path,
        default=Path(os.environ.get("BENCH_STATIC_ROOT", "/tmp/civic-bench-static")),
    )
    parser.add_argument("--json", type=Path, help="also write all results to this JSON file")
    args = parser.parse_args(argv)
    parts = [p for p in (args.only or PARTS) if p not in args.skip]
    if args.redis_url and not redis_available(args.redis_url):
        log(f"Redis at {args.redis_url} not reachable: cache in memory, sessions in the database")
        args.redis_url = ""

    env = bench_env(args)
    os.environ.update(env)
    ensure_database(args.database_url, fresh=args.fresh)
    report: dict = {"machine": machine(args.database_url), "scale": args.scale, "parts": parts}
    started = time.perf_counter()

    import django

    django.setup()
    if "data" in parts:
        report["data"] = part_data(args, env)
    if not args.no_analyze:
        # what autovacuum does on a live database: without statistics right after the bulk
        # load, PostgreSQL's plans (and so the figures) would be those of an unknown database
        analyze_started = time.perf_counter()
        analyze(args.database_url)
        log(f"ANALYZE in {time.perf_counter() - analyze_started:.1f} s")
    found = discover()
    report["data_found"] = {
        k: v for k, v in found.items() if k not in ("round", "steering_user") and v is not None
    }
    log(f"data: {report['data_found']}")

    if {"pages", "votes", "map"} & set(parts):
        with Server(env, args.workers) as server:
            if "pages" in parts:
                log("pages")
                report["pages"] = part_pages(args, server, found)
            if "votes" in parts and found.get("round"):
                from bench import votes

                log("votes")
                report["votes"] = votes.run(
                    server.base_url,
                    found["round"],
                    voters=args.voters,
                    votes_per_voter=args.votes_per_voter,
                    threads=args.vote_threads,
                    make_session=login_session,
                )
            if "map" in parts and found.get("map_url"):
                from bench import map_first_markers

                log("map (Chromium)")
                report["map"] = map_first_markers.measure(
                    server.base_url + found["map_url"], runs=args.map_runs
                )
    if "export" in parts and found.get("round"):
        log("export")
        report["export"] = part_export(args, env, found)
    if "carryover" in parts and found.get("round"):
        log("carry-over")
        report["carryover"] = part_carryover(found)
    report["total_seconds"] = round(time.perf_counter() - started, 1)

    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str))
        log(f"results written to {args.json}")
    return 0


def print_report(report: dict) -> None:
    m = report["machine"]
    print(
        f"\n== civic benchmark · scale {report['scale']} · {m['nproc']} cores ({m['cpu']}), "
        f"{m['ram_gb']} GB RAM, PostgreSQL {m['postgresql']}, Python {m['python']}, "
        f"commit {m['commit']}"
    )
    data = report.get("data_found", {})
    print(
        f"   data: {data.get('memories', 0)} public memories, {data.get('users', 0)} users, "
        f"round with {data.get('proposals', 0)} proposals"
    )
    if "pages" in report:
        print_pages(report["pages"])
    if "votes" in report:
        from bench import votes

        votes.print_result(report["votes"])
    if "export" in report:
        print_export(report["export"])
    if "carryover" in report:
        c = report["carryover"]
        print(
            f"\nCarry-over: {c['copied']} proposals copied in {c['seconds']} s, "
            f"{c['queries']} queries, one transaction (rolled back; {c['topped_up']} of the "
            f"{c['requested']} were copies made for the measurement)"
        )
    if "map" in report:
        from bench import map_first_markers

        map_first_markers.print_result(report["map"])
    print(f"\ntotal {report['total_seconds']} s")


if __name__ == "__main__":
    sys.exit(main())
