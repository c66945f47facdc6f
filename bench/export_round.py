"""Benchmark of the round exports (agenda/exports.py): time and peak memory per format.

    .venv/bin/python bench/export_round.py --proposals 30000 --comments 250000

Creates a scratch database (a new SQLite file in a temporary folder; or the database named by
``DATABASE_URL`` — it must be an empty, throw-away database: the script migrates it and fills it),
bulk-inserts one round of the given size (proposals, votes, paper votes, threaded comments, some
removed), then runs every export in a fresh child process so that each one's ``ru_maxrss`` is its
own. Each child runs the export twice: once plain (wall time, ``ru_maxrss``), once under
``tracemalloc`` (peak of Python allocations). Output files go to a temporary folder and are
deleted. Not part of the test run; see bench/README.md for the figures.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EXPORTS = [
    ("proposals", "csv"),
    ("proposals", "xlsx"),
    ("proposals", "geojson"),
    ("proposals", "gpkg"),
    ("comments", "csv"),
    ("comments", "xlsx"),
]


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic.settings.test")
    import django

    django.setup()


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


# --------------------------------------------------------------------------------------------
# Seeding


def seed(n_proposals: int, n_comments: int, votes_per_proposal: int, seed_value: int = 5) -> int:
    """Fill the database with one round; returns the round's page id."""
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.sites.models import Site
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone
    from django_comments.models import Comment

    from agenda.models import (
        AgendaPage,
        FieldOfAction,
        OfflineSource,
        OfflineVoteTally,
        Proposal,
        RoundPage,
        RoundPhase,
        Vote,
    )
    from civic.models import CommentRemoval, District, HomePage, User

    rnd = random.Random(seed_value)
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"migrated in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    now = timezone.now()

    with transaction.atomic():
        home = HomePage.objects.filter(depth=2).first()
        agenda = home.add_child(instance=AgendaPage(title="Digitale Agenda", slug="agenda"))
        round_page = agenda.add_child(
            instance=RoundPage(
                title="Benchmark-Runde",
                slug="benchmark",
                reference_prefix="BM",
                reference_year=2026,
                voting_mode="for_against",
            )
        )
        RoundPhase.objects.create(
            page=round_page,
            kinds=["evaluate"],
            start=now - datetime.timedelta(days=30),
            end=now + datetime.timedelta(days=30),
        )
        fields = [
            FieldOfAction.objects.create(name=f"Handlungsfeld {i}", slug=f"hf-{i}")
            for i in range(6)
        ]
        districts = [
            District.objects.create(
                name=f"Stadtteil {i}",
                slug=f"st-{i}",
                geometry={
                    "type": "Polygon",
                    "coordinates": [
                        [[10.9, 50.2], [11.0, 50.2], [11.0, 50.3], [10.9, 50.3], [10.9, 50.2]]
                    ],
                },
                population=5000,
            )
            for i in range(8)
        ]
        sources = [
            OfflineSource.objects.create(round=round_page, name=f"Workshop {i}", participants=20)
            for i in range(4)
        ]
        n_users = max(50, min(20000, n_proposals // 2))
        User.objects.bulk_create(
            [
                User(
                    email=f"person{i}@example.org",
                    display_name=f"Person {i}" if i % 5 else "",
                    password="!",
                )
                for i in range(n_users)
            ],
            batch_size=2000,
        )
        user_ids = list(User.objects.order_by("pk").values_list("pk", flat=True))

        statuses = ["received", "in_review", "adopted", "rejected", "merged", "withdrawn"]
        batch = []
        for number in range(1, n_proposals + 1):
            offline = number % 10 == 0
            has_point = number % 3 != 0
            answered = number % 2 == 0
            batch.append(
                Proposal(
                    round=round_page,
                    number=number,
                    title=f"Vorschlag {number}: Digitale Verwaltung verbessern",
                    description="Ein Vorschlag mit etwas Text. " * rnd.randint(2, 12),
                    field_of_action=fields[number % len(fields)],
                    district=districts[number % len(districts)] if has_point else None,
                    lat=50.2 + rnd.random() * 0.1 if has_point else None,
                    lon=10.9 + rnd.random() * 0.1 if has_point else None,
                    author_id=None if offline else user_ids[number % len(user_ids)],
                    offline_source=sources[number % len(sources)] if offline else None,
                    status=statuses[number % len(statuses)],
                    answer="Die Steuerungsgruppe hat entschieden. " * 3 if answered else "",
                    answer_published=answered and number % 4 == 0,
                    answered_at=now if answered else None,
                    created=now - datetime.timedelta(minutes=number),
                )
            )
            if len(batch) >= 2000:
                Proposal.objects.bulk_create(batch)
                batch = []
        Proposal.objects.bulk_create(batch)
        proposal_ids = list(
            Proposal.objects.filter(round=round_page).order_by("pk").values_list("pk", flat=True)
        )

        votes = []
        for index, pid in enumerate(proposal_ids):
            for k in range(votes_per_proposal):
                votes.append(
                    Vote(
                        proposal_id=pid,
                        round=round_page,
                        user_id=user_ids[(index * 7 + k * 13) % len(user_ids)],
                        value=1 if (index + k) % 4 else -1,
                    )
                )
            if len(votes) >= 5000:
                Vote.objects.bulk_create(votes, ignore_conflicts=True)
                votes = []
        Vote.objects.bulk_create(votes, ignore_conflicts=True)
        OfflineVoteTally.objects.bulk_create(
            [
                OfflineVoteTally(
                    proposal_id=pid, source=sources[i % len(sources)], support=i % 7, against=1
                )
                for i, pid in enumerate(proposal_ids)
                if i % 10 == 0
            ],
            batch_size=2000,
        )

        # Comments: django-comments-xtd is a multi-table model (Comment + XtdComment); insert
        # both tables in bulk with explicit ids and thread fields (thread = root's id).
        content_type = ContentType.objects.get_for_model(Proposal)
        site = Site.objects.get_current()
        next_id = (Comment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        xtd_table = connection.ops.quote_name("django_comments_xtd_xtdcomment")
        columns = ", ".join(
            connection.ops.quote_name(c)
            for c in (
                "comment_ptr_id",
                "thread_id",
                "parent_id",
                "level",
                "order",
                "followup",
                "nested_count",
            )
        )
        insert_xtd = f"INSERT INTO {xtd_table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s)"
        made, thread_no = 0, 0
        comments, xtd_rows, removals = [], [], []

        def flush():
            Comment.objects.bulk_create(comments)
            with connection.cursor() as cursor:
                cursor.executemany(insert_xtd, xtd_rows)
            CommentRemoval.objects.bulk_create(removals)
            comments.clear()
            xtd_rows.clear()
            removals.clear()

        while made < n_comments:
            pid = proposal_ids[thread_no % len(proposal_ids)] if proposal_ids else 0
            size = min(1 + thread_no % 4, n_comments - made)
            root = next_id
            for position in range(size):
                cid = next_id
                next_id += 1
                user_id = user_ids[(cid * 11) % len(user_ids)]
                comments.append(
                    Comment(
                        id=cid,
                        content_type=content_type,
                        object_pk=str(pid),
                        site=site,
                        user_id=user_id,
                        user_name="Person",
                        user_email=f"person{user_id}@example.org",
                        user_url="",
                        comment="Ein Kommentar zum Vorschlag, mit ein paar Worten. " * 2,
                        submit_date=now,
                        is_public=cid % 50 != 0,
                        is_removed=cid % 40 == 0,
                    )
                )
                xtd_rows.append(
                    (
                        cid,
                        root,
                        root if position == 0 else cid - 1,
                        min(position, 3),
                        position + 1,
                        False,
                        size - position - 1,
                    )
                )
                if cid % 40 == 0:
                    removals.append(
                        CommentRemoval(comment_id=cid, reason_text="Beleidigung", at=now)
                    )
            made += size
            thread_no += 1
            if len(comments) >= 5000:
                flush()
        flush()
    print(
        f"seeded {n_proposals} proposals, {n_comments} comments, "
        f"{Vote.objects.count()} votes in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return round_page.pk


# --------------------------------------------------------------------------------------------
# One export (child process)


def run_one(round_id: int, kind: str, fmt: str) -> dict:
    import tracemalloc

    from agenda import exports
    from agenda.models import RoundPage

    if fmt == "gpkg":
        import geopandas  # noqa: F401 - import cost is not the export's
        import pyogrio  # noqa: F401
    if fmt == "xlsx":
        import openpyxl  # noqa: F401

    round_page = RoundPage.objects.get(pk=round_id)
    rows = exports.count_rows(round_page, kind, fmt)
    baseline = maxrss_mb()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        path = exports.export_to_path(round_page, kind, fmt, Path(folder))
        seconds = time.perf_counter() - started
        size = path.stat().st_size
        after = maxrss_mb()
        path.unlink()
        tracemalloc.start()
        exports.export_to_path(round_page, kind, fmt, Path(folder))
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    if kind == "proposals" and fmt == "csv":
        # the HTTP path: the streamed response body, consumed and thrown away
        started = time.perf_counter()
        streamed = sum(len(chunk) for chunk in exports.stream(round_page, kind, fmt))
        stream_seconds = time.perf_counter() - started
    else:
        streamed, stream_seconds = None, None
    return {
        "kind": kind,
        "format": fmt,
        "rows": rows,
        "seconds": round(seconds, 2),
        "file_mb": round(size / 1e6, 1),
        "tracemalloc_peak_mb": round(peak / 2**20, 1),
        "maxrss_before_mb": round(baseline, 1),
        "maxrss_after_mb": round(after, 1),
        "stream_seconds": round(stream_seconds, 2) if stream_seconds else None,
        "stream_bytes": streamed,
    }


# --------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--proposals", type=int, default=3000)
    parser.add_argument("--comments", type=int, default=25000)
    parser.add_argument("--votes-per-proposal", type=int, default=3)
    parser.add_argument(
        "--seed-only", action="store_true", help="fill the database (DATABASE_URL) and stop"
    )
    parser.add_argument("--child", nargs=4, metavar=("DB", "ROUND", "KIND", "FORMAT"))
    args = parser.parse_args()

    if args.child:
        database_url, round_id, kind, fmt = args.child
        setup_django(database_url)
        print(json.dumps(run_one(int(round_id), kind, fmt)))
        return

    with tempfile.TemporaryDirectory(prefix="civic-bench-") as folder:
        database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
        setup_django(database_url)
        round_id = seed(args.proposals, args.comments, args.votes_per_proposal)
        if args.seed_only:
            print(f"round id: {round_id}")
            return
        from django.db import connections

        connections.close_all()
        print(
            f"\n{'export':<20}{'rows':>8}{'time s':>9}{'file MB':>9}"
            f"{'tracemalloc MB':>16}{'maxrss MB (before → after)':>30}"
        )
        results = []
        for kind, fmt in EXPORTS:
            output = subprocess.run(
                [sys.executable, __file__, "--child", database_url, str(round_id), kind, fmt],
                check=True,
                capture_output=True,
                text=True,
                cwd=ROOT,
            ).stdout
            result = json.loads(output.strip().splitlines()[-1])
            results.append(result)
            print(
                f"{kind + '.' + fmt:<20}{result['rows']:>8}{result['seconds']:>9}"
                f"{result['file_mb']:>9}{result['tracemalloc_peak_mb']:>16}"
                f"{result['maxrss_before_mb']:>18} → {result['maxrss_after_mb']}",
                flush=True,
            )
            if result["stream_seconds"] is not None:
                print(
                    f"{'  (streamed body)':<20}{'':>8}{result['stream_seconds']:>9}"
                    f"{result['stream_bytes'] / 1e6:>9.1f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
