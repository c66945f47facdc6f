"""Deterministic bulk data for benchmarks (issue 7): shared helpers and the user generator.

Used by the commands ``generate_users``, ``generate_memories`` and ``generate_round`` and by the
benchmark scripts in ``bench/``. Everything here writes with ``bulk_create`` in large batches: no
``save()`` per row, no signals. The same seed gives the same data (titles, points, who voted for
what); timestamps are spread relative to an anchor day (default: today), so they only repeat on the
same day.

Generated users log in with the password :data:`BENCH_PASSWORD`; their addresses are
``<prefix><n>@example.invalid`` (``bench-1@example.invalid`` ...), verified, in the residents group.
"""

from __future__ import annotations

import datetime
import hashlib
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from django.db import connection, transaction
from django.utils import timezone

BENCH_PASSWORD = "bench-pass"
DEFAULT_USER_PREFIX = "bench-"
EMAIL_DOMAIN = "example.invalid"

FIRST_NAMES = [
    "Anna", "Ben", "Clara", "David", "Elif", "Finn", "Greta", "Hasan", "Ida", "Jonas", "Karin",
    "Luca", "Mia", "Noah", "Olga", "Paul", "Rosa", "Samir", "Tina", "Uwe", "Vera", "Wolfgang",
    "Yara", "Zoe",
]  # fmt: skip
LAST_INITIALS = "ABCDEFGHIJKLMNOPRSTUVWZ"


# --------------------------------------------------------------------------------------------
# Randomness, progress, batches


def make_rng(seed: int | str, *parts) -> random.Random:
    """A random generator determined by ``seed`` and ``parts`` (stable across processes)."""
    key = ":".join(str(p) for p in (seed, *parts))
    return random.Random(int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big"))


def anchor_time(day: datetime.date | None = None) -> datetime.datetime:
    """Midnight (local time) of ``day`` (default: today): the reference for generated timestamps."""
    day = day or timezone.localdate()
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


class Progress:
    """Prints one line per batch: ``label: done/total rows (rows/s)``; silent without ``out``."""

    def __init__(self, label: str, total: int, out=None):
        self.label = label
        self.total = total
        self.out = out
        self.done = 0
        self.started = time.perf_counter()

    def advance(self, n: int) -> None:
        self.done += n
        if self.out is not None:
            elapsed = max(time.perf_counter() - self.started, 1e-9)
            rate = self.done / elapsed
            self.out.write(f"  {self.label}: {self.done:,}/{self.total:,} ({rate:,.0f} Zeilen/s)")
            flush = getattr(self.out, "flush", None)
            if callable(flush):
                flush()

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started

    def finish(self) -> None:
        if self.out is not None:
            self.out.write(f"  {self.label}: fertig, {self.done:,} Zeilen in {self.seconds:.1f} s")


def batched(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def bulk_insert(
    model,
    rows: Iterable,
    *,
    total: int,
    label: str,
    out=None,
    batch_size: int = 10_000,
    ignore_conflicts: bool = False,
    after_batch: Callable[[list], None] | None = None,
) -> int:
    """Insert model instances from ``rows`` in batches (one transaction per batch), printing a
    progress line per batch. ``after_batch(objs)`` sees each inserted batch (with primary keys
    where the database returns them). Returns the number of rows handed to the database."""
    progress = Progress(label, total, out)
    for batch in batched(rows, batch_size):
        with transaction.atomic():
            model.objects.bulk_create(batch, ignore_conflicts=ignore_conflicts)
            if after_batch is not None:
                after_batch(batch)
        progress.advance(len(batch))
    progress.finish()
    return progress.done


def reset_sequences(*models) -> None:
    """After inserting explicit primary keys: let the database's sequences continue after them."""
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def stdout_writer():
    """An ``out`` for the functions here when called outside a management command."""

    class _Out:
        def write(self, text):
            sys.stdout.write(text + "\n")
            sys.stdout.flush()

    return _Out()


# --------------------------------------------------------------------------------------------
# Users


def bench_email(prefix: str, n: int) -> str:
    return f"{prefix}{n}@{EMAIL_DOMAIN}"


def bench_password_hash() -> str:
    """One hash for all generated users (hashing 500,000 passwords would take hours)."""
    from django.contrib.auth.hashers import make_password

    return make_password(BENCH_PASSWORD, salt="civicbenchsalt")


def bench_user_ids(prefix: str = DEFAULT_USER_PREFIX) -> list[int]:
    """Primary keys of the generated users with ``prefix``, in the order they were generated."""
    from civic.models import User

    return list(
        User.objects.filter(email__startswith=prefix, email__endswith="@" + EMAIL_DOMAIN)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def generate_users(
    count: int,
    *,
    seed: int = 1,
    prefix: str = DEFAULT_USER_PREFIX,
    out=None,
    batch_size: int = 10_000,
) -> dict:
    """Make sure users ``<prefix>1`` … ``<prefix><count>`` exist: verified residents, password
    :data:`BENCH_PASSWORD`. Existing ones are skipped, so the command can be run again (or with a
    larger count). Returns ``{"created": n, "existing": m, "seconds": s}``."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group

    from civic.models import District, User
    from civic.roles import RESIDENTS

    started = time.perf_counter()
    existing = set(
        User.objects.filter(email__startswith=prefix, email__endswith="@" + EMAIL_DOMAIN)
        .values_list("email", flat=True)
        .iterator(chunk_size=50_000)
    )
    districts = list(District.objects.order_by("pk").values_list("pk", flat=True))
    password = bench_password_hash()
    joined_base = anchor_time() - datetime.timedelta(days=730)
    group, _created = Group.objects.get_or_create(name=RESIDENTS)
    missing = [n for n in range(1, count + 1) if bench_email(prefix, n) not in existing]

    def users() -> Iterator:
        for n in missing:
            rng = make_rng(seed, "user", prefix, n)
            named = rng.random() < 0.8
            yield User(
                email=bench_email(prefix, n),
                password=password,
                display_name=(
                    f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_INITIALS)}." if named else ""
                ),
                district_id=rng.choice(districts) if districts and rng.random() < 0.7 else None,
                date_joined=joined_base + datetime.timedelta(minutes=rng.randrange(730 * 1440)),
                is_active=True,
            )

    def related_rows(batch: list) -> None:
        if any(user.pk is None for user in batch):  # a database that does not return keys
            ids = dict(
                User.objects.filter(email__in=[u.email for u in batch]).values_list("email", "pk")
            )
            for user in batch:
                user.pk = ids[user.email]
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=u.pk, group_id=group.pk) for u in batch],
            ignore_conflicts=True,
        )
        EmailAddress.objects.bulk_create(
            [EmailAddress(user_id=u.pk, email=u.email, verified=True, primary=True) for u in batch],
            ignore_conflicts=True,
        )

    created = bulk_insert(
        User,
        users(),
        total=len(missing),
        label="Benutzerkonten",
        out=out,
        batch_size=batch_size,
        after_batch=related_rows,
    )
    return {
        "created": created,
        "existing": count - len(missing),
        "seconds": time.perf_counter() - started,
    }


# --------------------------------------------------------------------------------------------
# Points inside the city


class PointSampler:
    """Draws points inside the districts' polygons (or the map centre's surroundings without
    districts); each point comes with the district it was drawn in."""

    def __init__(self):
        from shapely.geometry import shape

        from civic.models import CitySettings, District

        self.districts = list(District.objects.order_by("pk"))
        self.shapes = [shape(d.geometry) for d in self.districts]
        row = CitySettings.objects.order_by("pk").first()
        lat = row.map_center_lat if row else 50.2585
        lon = row.map_center_lon if row else 10.9646
        self.fallback = (lon - 0.03, lat - 0.02, lon + 0.03, lat + 0.02)

    def point(self, rng: random.Random) -> tuple[float, float, int | None]:
        """(lon, lat, district id): a district chosen at random, then rejection sampling in its
        bounding box (six decimals, as the forms store them)."""
        import shapely

        if not self.districts:
            minx, miny, maxx, maxy = self.fallback
            return round(rng.uniform(minx, maxx), 6), round(rng.uniform(miny, maxy), 6), None
        i = rng.randrange(len(self.districts))
        geom = self.shapes[i]
        minx, miny, maxx, maxy = geom.bounds
        for _attempt in range(100):
            lon, lat = round(rng.uniform(minx, maxx), 6), round(rng.uniform(miny, maxy), 6)
            if shapely.contains_xy(geom, lon, lat):
                return lon, lat, self.districts[i].pk
        rep = geom.representative_point()
        return round(rep.x, 6), round(rep.y, 6), self.districts[i].pk
