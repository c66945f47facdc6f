"""Deterministic bulk memories for benchmarks (issue 7): ``generate_memories``.

Published memories spread over the city's districts (points drawn inside the district polygons),
with themes, decades 1900–2020, the date in the contributor's words (parsed as the form does),
precision and privacy, and the public point blurred by the same rules as ``Memory.save()``
(:mod:`stadtgedaechtnis.blur`) — computed here in Python, written with ``bulk_create``.

The key of each memory is its ``uid``, derived from the seed and its number: running again with the
same seed adds nothing twice; a larger count adds the missing ones.
"""

from __future__ import annotations

import datetime
import time
import uuid

from civic.bench_data import PointSampler, Progress, anchor_time, batched, make_rng

THEMES = [
    ("kindheit-schule", "Kindheit & Schule"),
    ("arbeit-handwerk", "Arbeit & Handwerk"),
    ("feste-vereine", "Feste & Vereine"),
    ("bauten-plaetze", "Bauten & Plätze"),
    ("krieg-nachkriegszeit", "Krieg & Nachkriegszeit"),
    ("handel-gastronomie", "Handel & Gastronomie"),
    ("verkehr", "Verkehr"),
]
PLACES = [
    "am Marktplatz", "in der Bahnhofstraße", "am Schlossplatz", "im Hofgarten", "an der Brücke",
    "in der alten Schule", "im Freibad", "beim Bäcker an der Ecke", "am Bahnhof", "im Kino",
    "auf dem Festplatz", "in der Fabrik", "am Fluss", "im Stadtpark", "in der Markthalle",
]  # fmt: skip
SUBJECTS = [
    "Der erste Schultag", "Kirchweih", "Das Hochwasser", "Unser Laden", "Der Umzug",
    "Das Straßenfest", "Der lange Winter", "Die neue Straßenbahn", "Mein erstes Fahrrad",
    "Der Tanzabend", "Die Werkstatt meines Vaters", "Das Sommerkonzert", "Der Brand",
]  # fmt: skip
SENTENCES = [
    "Ich erinnere mich noch genau an diesen Tag.",
    "Meine Großmutter hat oft davon erzählt.",
    "Es roch nach frischem Brot und nach Regen.",
    "Die ganze Nachbarschaft war auf den Beinen.",
    "Heute steht dort ein anderes Haus, aber ich sehe es noch vor mir.",
    "Wir Kinder durften lange aufbleiben.",
    "Das Geld war knapp, aber wir hatten viel Spaß.",
]
DATE_PATTERNS = [
    "{year}",
    "um {year}",
    "Sommer {year}",
    "Anfang der {decade}er Jahre",
    "Mitte der {decade}er Jahre",
    "Ende der {decade}er Jahre",
    "in den {decade}er Jahren",
]
NAMESPACE = uuid.UUID("6f1b6c1e-3d57-4c1a-9a54-0c0a1c5e7b11")


def memory_uid(seed: int, n: int) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{seed}:{n}")


def _themes():
    from django.utils.text import slugify

    from stadtgedaechtnis.models import Theme

    themes = list(Theme.objects.order_by("sort_order", "pk"))
    if themes:
        return themes
    for order, (slug, name) in enumerate(THEMES):
        Theme.objects.get_or_create(
            slug=slugify(slug), defaults={"name": name, "sort_order": order}
        )
    return list(Theme.objects.order_by("sort_order", "pk"))


def public_point_for(lon, lat, *, precision, private, uid, district_id, centres):
    """The blurred public point, by the rules of :func:`stadtgedaechtnis.blur.public_point`, with
    the district centres computed once instead of per memory."""
    from stadtgedaechtnis import blur

    if precision == "district":
        centre = centres.get(district_id)
        if centre:
            return centre
        return blur.offset_point(lon, lat, blur.DISTRICT_METRES, str(uid))
    if precision == "street":
        return blur.offset_point(lon, lat, blur.STREET_METRES, str(uid))
    if private:
        return blur.offset_point(lon, lat, blur.EXACT_PRIVATE_METRES, str(uid))
    return round(lon, 6), round(lat, 6)


def generate_memories(
    count: int,
    *,
    seed: int = 1,
    out=None,
    batch_size: int = 5_000,
    author_prefix: str | None = None,
) -> dict:
    """Make sure the ``count`` memories of ``seed`` exist (published, with points, themes and
    dates). ``author_prefix``: give a third of them an author among the generated users.
    Returns ``{"created": n, "existing": m, "seconds": s}``."""
    from django.db import transaction

    from civic.bench_data import bench_user_ids
    from stadtgedaechtnis.blur import district_centre
    from stadtgedaechtnis.dates import decade_for, parse_period
    from stadtgedaechtnis.models import Memory

    started = time.perf_counter()
    themes = _themes()
    area = PointSampler()
    centres = {d.pk: district_centre(d) for d in area.districts}
    authors = bench_user_ids(author_prefix) if author_prefix else []
    periods: dict[str, tuple] = {}
    now = anchor_time()
    through = Memory.themes.through
    progress = Progress("Erinnerungen", count, out)
    created = 0

    def build(n: int) -> tuple[Memory, list[int]]:
        rng = make_rng(seed, "memory", n)
        uid = memory_uid(seed, n)
        decade = rng.randrange(1900, 2030, 10)
        year = decade + rng.randrange(10)
        date_text = rng.choice(DATE_PATTERNS).format(year=year, decade=decade)
        if date_text not in periods:
            period = parse_period(date_text)
            periods[date_text] = (period.lower, period.upper, decade_for(*period))
        date_from, date_to, memory_decade = periods[date_text]
        lon, lat, district_id = area.point(rng)
        roll = rng.random()
        precision = "exact" if roll < 0.7 else ("street" if roll < 0.9 else "district")
        private = precision == "exact" and rng.random() < 0.15
        public_lon, public_lat = public_point_for(
            lon,
            lat,
            precision=precision,
            private=private,
            uid=uid,
            district_id=district_id,
            centres=centres,
        )
        published = now - datetime.timedelta(minutes=rng.randrange(3 * 365 * 1440))
        subject = rng.choice(SUBJECTS)
        place = rng.choice(PLACES)
        story = "\n\n".join(
            " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(2, 4)))
            for _ in range(rng.randint(1, 3))
        )
        memory = Memory(
            uid=uid,
            title=f"{subject} {place} ({n})",
            summary=f"{subject} {place}, {date_text}.",
            story=story,
            date_text=date_text,
            date_from=date_from,
            date_to=date_to,
            decade=memory_decade,
            lat=lat,
            lon=lon,
            public_lat=public_lat,
            public_lon=public_lon,
            precision=precision,
            private_place=private,
            place_name=place.split(" ", 1)[1] if " " in place else place,
            district_id=district_id,
            licence="cc-by-4.0",
            consent_publication=True,
            consent_version="bench",
            consent_at=published - datetime.timedelta(days=3),
            rights_confirmed=True,
            people_status="not_identifiable",
            attribution="pseudonym" if rng.random() < 0.3 else "anonymous",
            pseudonym=f"Zeitzeugin {n}",
            print_allowed=rng.random() < 0.5,
            author_id=rng.choice(authors) if authors and rng.random() < 0.33 else None,
            status="published",
            submitted_at=published - datetime.timedelta(days=rng.randint(1, 20)),
            published_at=published,
            decided_at=published,
        )
        theme_ids = sorted(
            {t.pk for t in rng.sample(themes, k=min(len(themes), rng.randint(1, 2)))}
        )
        return memory, theme_ids

    existing_total = 0
    for numbers in batched(range(1, count + 1), batch_size):
        uids = [memory_uid(seed, n) for n in numbers]
        existing = set(Memory.objects.filter(uid__in=uids).values_list("uid", flat=True))
        existing_total += len(existing)
        todo = [n for n, uid in zip(numbers, uids, strict=True) if uid not in existing]
        if todo:
            built = [build(n) for n in todo]
            with transaction.atomic():
                memories = Memory.objects.bulk_create([m for m, _t in built])
                if any(m.pk is None for m in memories):
                    ids = dict(
                        Memory.objects.filter(uid__in=[m.uid for m in memories]).values_list(
                            "uid", "pk"
                        )
                    )
                    for memory in memories:
                        memory.pk = ids[memory.uid]
                through.objects.bulk_create(
                    [
                        through(memory_id=memory.pk, theme_id=theme_id)
                        for memory, (_m, theme_ids) in zip(memories, built, strict=True)
                        for theme_id in theme_ids
                    ]
                )
            created += len(todo)
        progress.advance(len(numbers))
    progress.finish()
    return {
        "created": created,
        "existing": existing_total,
        "seconds": time.perf_counter() - started,
    }
