"""A deterministic participation round at any scale, for benchmarks (issue 7): ``generate_round``.

One round page under the agenda page (created when missing) whose current phase allows commenting
and voting (or, with ``phase="result"``, a finished round with answers and published results),
proposals with references and points, votes of the generated users (one per person and proposal,
skewed: a few proposals are popular), threaded comments (django-comments-xtd's thread fields
computed here: ``thread_id`` = the root's pk, ``parent_id``, ``level``, ``order`` in reading order,
``nested_count``; some removed, some waiting) and a few paper-vote tallies.

Everything is written with ``bulk_create`` in batches; comments get their primary keys assigned
here (the thread fields need them), and the sequence is moved on afterwards.
"""

from __future__ import annotations

import datetime
import time

from django.db import transaction
from django.utils import timezone

from civic.bench_data import (
    DEFAULT_USER_PREFIX,
    PointSampler,
    Progress,
    anchor_time,
    batched,
    bench_user_ids,
    bulk_insert,
    make_rng,
    reset_sequences,
)

DAY = datetime.timedelta(days=1)
BUSY_COMMENTS = 200
FIELDS = [
    ("bildung", "Bildung"),
    ("verwaltung", "Verwaltung"),
    ("mobilitaet", "Mobilität"),
    ("wirtschaft", "Wirtschaft"),
    ("gesundheit", "Gesundheit"),
    ("teilhabe", "Teilhabe"),
]
TOPICS = [
    "WLAN", "Online-Termine", "Digitale Bürgerdienste", "Sensoren", "Offene Daten", "Apps",
    "Lernplattform", "Ladestationen", "Parkleitsystem", "Bürgerportal", "Glasfaser",
    "Digitale Sprechstunde", "Mängelmelder", "Fahrradzählung", "Ratsinformationen",
]  # fmt: skip
PLACES = [
    "an allen Schulen", "in der Innenstadt", "im Rathaus", "in den Stadtteilen", "am Bahnhof",
    "in der Stadtbücherei", "für Seniorinnen und Senioren", "für Vereine", "im Freibad",
]  # fmt: skip
SENTENCES = [
    "Das würde vielen Menschen im Alltag helfen.",
    "Andere Städte machen damit gute Erfahrungen.",
    "Die Kosten wären überschaubar.",
    "Wichtig ist, dass es auch ohne Smartphone geht.",
    "Die Daten sollten offen und datensparsam sein.",
    "Ich schlage vor, zuerst mit einem Versuch zu beginnen.",
]
COMMENTS = [
    "Gute Idee, das unterstütze ich.",
    "Wie soll das finanziert werden?",
    "Das gibt es in unserem Stadtteil schon – leider funktioniert es selten.",
    "Bitte an die Barrierefreiheit denken!",
    "Ich sehe das skeptisch, aber ein Versuch lohnt sich.",
    "Danke für den Vorschlag.",
]
ANSWERS = {
    "adopted": "Die Steuerungsgruppe nimmt den Vorschlag in die Agenda auf.",
    "partially_adopted": "Ein Teil des Vorschlags wird umgesetzt.",
    "rejected": "Der Vorschlag lässt sich derzeit nicht umsetzen.",
    "in_progress": "Die Umsetzung hat begonnen.",
    "implemented": "Der Vorschlag ist umgesetzt.",
}


class BenchDataError(Exception):
    """Expected problems (missing users, an existing round): the message says what to do."""


def _agenda_page():
    from wagtail.models import Site

    from agenda.models import AgendaPage

    agenda = AgendaPage.objects.live().order_by("path").first()
    if agenda is not None:
        return agenda
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
    home = site.root_page.specific
    agenda = AgendaPage(title="Digitale Agenda", slug="digitale-agenda", show_in_menus=True)
    home.add_child(instance=agenda)
    agenda.save_revision().publish()
    return agenda


def _fields():
    from agenda.models import FieldOfAction

    fields = list(FieldOfAction.objects.order_by("sort_order", "pk"))
    if not fields:
        for order, (slug, name) in enumerate(FIELDS):
            FieldOfAction.objects.get_or_create(
                slug=slug, defaults={"name": name, "sort_order": order}
            )
        fields = list(FieldOfAction.objects.order_by("sort_order", "pk"))
    return fields


def _phases(phase: str, now):
    from agenda import phases as ph

    if phase == "result":
        return [
            ([ph.PROPOSE, ph.COMMENT], now - 150 * DAY, now - 120 * DAY),
            ([ph.COMMENT, ph.VOTE], now - 120 * DAY, now - 100 * DAY),
            ([ph.EVALUATE], now - 100 * DAY, now - 70 * DAY),
            ([ph.RESULT], now - 70 * DAY, now + 300 * DAY),
        ]
    return [
        ([ph.PROPOSE, ph.COMMENT], now - 60 * DAY, now - 10 * DAY),
        ([ph.COMMENT, ph.VOTE], now - 10 * DAY, now + 20 * DAY),
        ([ph.EVALUATE], now + 20 * DAY, now + 50 * DAY),
        ([ph.RESULT], now + 50 * DAY, now + 400 * DAY),
    ]


def _create_round(agenda, *, slug, title, phase, fields, now):
    from agenda.models import RoundPage, RoundPhase

    if RoundPage.objects.filter(slug=slug).child_of(agenda).exists():
        raise BenchDataError(
            f"Die Runde „{slug}“ gibt es schon. Bitte ein anderes --slug/--seed wählen oder die "
            "Runde im Admin löschen."
        )
    phases = _phases(phase, now)
    number = max(RoundPage.objects.child_of(agenda).values_list("number", flat=True), default=0) + 1
    year = timezone.localtime(phases[0][1]).year
    prefix = f"DA{number}"
    while RoundPage.objects.filter(reference_prefix=prefix, reference_year=year).exists():
        number += 1
        prefix = f"DA{number}"
    round_ = RoundPage(
        title=title,
        slug=slug,
        number=number,
        intro="Eine erzeugte Runde für Lasttests.",
        reference_prefix=prefix,
        reference_year=year,
        voting_mode="for_against",
        max_votes_per_person=0,
        counts_visible_during_voting=True,
        phases=[RoundPhase(kinds=kinds, start=a, end=b) for kinds, a, b in phases],
    )
    agenda.add_child(instance=round_)
    round_.fields_of_action.set(fields)
    round_.save_revision().publish()
    return RoundPage.objects.get(pk=round_.pk), phases


def _spread(total: int, weights: list[float], cap: int | None = None) -> list[int]:
    """``total`` split by ``weights`` into integers (each at most ``cap``), summing exactly."""
    weight_sum = sum(weights) or 1.0
    counts = [int(total * w / weight_sum) for w in weights]
    if cap is not None:
        counts = [min(c, cap) for c in counts]
    rest = total - sum(counts)
    order = sorted(range(len(weights)), key=lambda i: -weights[i])
    while rest > 0:
        moved = False
        for i in order:
            if rest == 0:
                break
            if cap is None or counts[i] < cap:
                counts[i] += 1
                rest -= 1
                moved = True
        if not moved:
            raise BenchDataError("Mehr Stimmen als Paare aus Personen und Vorschlägen.")
    return counts


def generate_round(
    *,
    n_proposals: int,
    n_comments: int = 0,
    n_votes: int = 0,
    users_prefix: str = DEFAULT_USER_PREFIX,
    seed: int = 1,
    slug: str | None = None,
    title: str | None = None,
    phase: str = "vote",
    busy_comments: int = BUSY_COMMENTS,
    out=None,
    batch_size: int = 20_000,
) -> dict:
    """Generate one round (see the module docstring). ``phase``: ``"vote"`` (commenting and
    voting now) or ``"result"`` (finished, answered, results public). ``busy_comments``: the
    most popular proposal gets exactly this many comments (the "page with 200 comments").

    Returns ``{"round": RoundPage, "busy_proposal_id": pk, "proposals": n, "votes": n,
    "comments": n, "seconds": s}``.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.sites.models import Site
    from django_comments.models import Comment
    from django_comments_xtd.models import XtdComment

    from agenda.counters import refresh_counters
    from agenda.models import (
        OfflineSource,
        OfflineVoteTally,
        Proposal,
        ProposalEvent,
        RoundVoter,
        Vote,
    )
    from civic.models import CommentRemoval

    if phase not in ("vote", "result"):
        raise BenchDataError(f"Unbekannte Phase {phase!r} (erlaubt: vote, result).")
    started = time.perf_counter()
    user_ids = bench_user_ids(users_prefix)
    if not user_ids:
        raise BenchDataError(
            f"Keine erzeugten Benutzerkonten mit dem Präfix „{users_prefix}“ – bitte zuerst "
            "generate_users ausführen."
        )
    if n_votes > len(user_ids) * n_proposals:
        raise BenchDataError(
            f"{n_votes:,} Stimmen brauchen mehr Personen: {len(user_ids):,} Konten × "
            f"{n_proposals:,} Vorschläge reichen nicht."
        )
    now = timezone.now()
    anchor = min(anchor_time(), now)
    rng = make_rng(seed, "round")
    slug = slug or f"bench-runde-{seed}"
    agenda = _agenda_page()
    fields = _fields()
    round_, phases = _create_round(
        agenda,
        slug=slug,
        title=title or f"Lasttest-Runde {seed}",
        phase=phase,
        fields=fields,
        now=now,
    )
    propose_start, propose_end = phases[0][1], phases[0][2]
    vote_start, vote_end = phases[1][1], min(phases[1][2], now)
    sources = [
        OfflineSource.objects.create(
            round=round_,
            name=f"Workshop {i + 1}",
            kind="workshop",
            date=timezone.localdate(propose_start + (10 + 10 * i) * DAY),
            participants=20 + 5 * i,
        )
        for i in range(3)
    ]

    # -- proposals ---------------------------------------------------------------------------
    sampler = PointSampler()
    span_minutes = int((min(propose_end, anchor) - propose_start).total_seconds() // 60) or 1

    def proposals():
        for number in range(1, n_proposals + 1):
            r = make_rng(seed, "proposal", number)
            offline = r.random() < 0.05
            if r.random() < 2 / 3:
                lon, lat, district_id = sampler.point(r)
            else:
                lon = lat = district_id = None
            status = "received" if r.random() < 0.9 else "in_review"
            answer = ""
            if phase == "result":
                status = r.choice(list(ANSWERS))
                answer = ANSWERS[status]
            topic, place = r.choice(TOPICS), r.choice(PLACES)
            yield Proposal(
                round=round_,
                number=number,
                title=f"{topic} {place} ({number})"[:120],
                description="\n\n".join(
                    " ".join(r.choice(SENTENCES) for _ in range(r.randint(2, 4)))
                    for _ in range(r.randint(1, 3))
                ),
                field_of_action=fields[r.randrange(len(fields))],
                lat=lat,
                lon=lon,
                district_id=district_id,
                author_id=None if offline else user_ids[r.randrange(len(user_ids))],
                offline_source=sources[number % len(sources)] if offline else None,
                status=status,
                answer=answer,
                answer_published=bool(answer),
                answered_at=phases[3][1] + DAY if answer else None,
                created=propose_start + datetime.timedelta(minutes=r.randrange(span_minutes)),
            )

    proposal_rows: list[tuple[int, datetime.datetime]] = []  # (pk, created) by number

    def after_proposals(batch):
        if any(p.pk is None for p in batch):
            ids = dict(
                Proposal.objects.filter(
                    round=round_, number__in=[p.number for p in batch]
                ).values_list("number", "pk")
            )
            for p in batch:
                p.pk = ids[p.number]
        proposal_rows.extend((p.pk, p.created) for p in batch)
        ProposalEvent.objects.bulk_create(
            [
                ProposalEvent(
                    proposal_id=p.pk,
                    actor_id=p.author_id,
                    at=p.created,
                    kind="entered_offline" if p.offline_source_id else "submitted",
                    to_status="received",
                )
                for p in batch
            ]
        )

    bulk_insert(
        Proposal,
        proposals(),
        total=n_proposals,
        label="Vorschläge",
        out=out,
        batch_size=min(batch_size, 10_000),
        after_batch=after_proposals,
    )

    # Popularity: a random order of the proposals with Zipf-like weights.
    ranking = list(range(n_proposals))
    rng.shuffle(ranking)
    weights = [0.0] * n_proposals
    for rank, index in enumerate(ranking):
        weights[index] = 1.0 / (rank + 5) ** 1.1
    busy_index = ranking[0] if ranking else None

    # -- votes -------------------------------------------------------------------------------
    vote_counts = _spread(n_votes, weights, cap=len(user_ids)) if n_proposals else []
    voted = bytearray(len(user_ids))
    vote_minutes = int((vote_end - vote_start).total_seconds() // 60) or 1

    def votes():
        for index, count in enumerate(vote_counts):
            if not count:
                continue
            r = make_rng(seed, "votes", index + 1)
            pk = proposal_rows[index][0]
            for u in r.sample(range(len(user_ids)), count):
                voted[u] = 1
                yield Vote(
                    proposal_id=pk,
                    round_id=round_.pk,
                    user_id=user_ids[u],
                    value=-1 if r.random() < 0.15 else 1,
                    created=vote_start + datetime.timedelta(minutes=r.randrange(vote_minutes)),
                )

    bulk_insert(Vote, votes(), total=n_votes, label="Stimmen", out=out, batch_size=batch_size)
    bulk_insert(
        RoundVoter,
        (
            RoundVoter(round_id=round_.pk, user_id=user_ids[u], first_vote_at=vote_start)
            for u in range(len(user_ids))
            if voted[u]
        ),
        total=sum(voted),
        label="Abstimmende",
        out=out,
        batch_size=batch_size,
    )

    # -- paper votes -------------------------------------------------------------------------
    tallies = []
    for index in range(n_proposals):
        r = make_rng(seed, "tally", index + 1)
        if r.random() < 0.02 or index == busy_index:
            tallies.append(
                OfflineVoteTally(
                    proposal_id=proposal_rows[index][0],
                    source=sources[index % len(sources)],
                    support=r.randint(1, 30),
                    against=r.randint(0, 5),
                )
            )
    OfflineVoteTally.objects.bulk_create(tallies, batch_size=5_000)

    # -- comments ----------------------------------------------------------------------------
    comment_counts = [0] * n_proposals
    if n_proposals and n_comments:
        # The busy proposal gets exactly ``busy`` comments; the others a flatter skew than votes.
        busy = min(busy_comments, n_comments)
        flatter = [w**0.5 for w in weights]
        if n_proposals > 1:
            flatter[busy_index] = 0.0
        comment_counts = _spread(n_comments - busy, flatter)
        comment_counts[busy_index] += busy
    created_comments = _generate_comments(
        seed=seed,
        counts=comment_counts,
        proposal_rows=proposal_rows,
        user_ids=user_ids,
        now=now,
        out=out,
        batch_size=min(batch_size, 10_000),
        content_type=ContentType.objects.get_for_model(Proposal),
        site=Site.objects.get_current(),
        models=(Comment, XtdComment, CommentRemoval),
    )

    # -- counters ----------------------------------------------------------------------------
    # Bulk inserts send no signals: fill the proposals' counters from the rows (agenda.counters).
    counted_at = time.perf_counter()
    refresh_counters(Proposal.objects.filter(round=round_))
    if out is not None:
        out.write(f"Zähler der Vorschläge: {time.perf_counter() - counted_at:.1f} s")

    seconds = time.perf_counter() - started
    if out is not None:
        out.write(
            f"Runde „{round_.title}“ ({round_.reference_prefix}): {n_proposals:,} Vorschläge, "
            f"{n_votes:,} Stimmen, {created_comments:,} Kommentare in {seconds:.1f} s."
        )
    return {
        "round": round_,
        "busy_proposal_id": proposal_rows[busy_index][0] if busy_index is not None else None,
        "proposals": n_proposals,
        "votes": n_votes,
        "comments": created_comments,
        "seconds": seconds,
    }


def _generate_comments(
    *,
    seed,
    counts,
    proposal_rows,
    user_ids,
    now,
    out,
    batch_size,
    content_type,
    site,
    models,
) -> int:
    """Comments with consistent xtd thread fields; primary keys assigned here."""
    from django.conf import settings
    from django.db import connection
    from django.db.models import Max

    from civic.models import User

    Comment, XtdComment, CommentRemoval = models
    max_level = getattr(settings, "COMMENTS_XTD_MAX_THREAD_LEVEL", 0)
    total = sum(counts)
    if not total:
        return 0
    names = dict(
        User.objects.filter(pk__gte=user_ids[0], pk__lte=user_ids[-1])
        .values_list("pk", "display_name")
        .iterator(chunk_size=50_000)
    )
    next_id = (Comment.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    progress = Progress("Kommentare", total, out)
    xtd_fields = XtdComment._meta.local_concrete_fields

    def threads():
        """Per proposal: the comments as (Comment, XtdComment, removed) in thread order."""
        nonlocal next_id
        for index, count in enumerate(counts):
            if not count:
                continue
            r = make_rng(seed, "comments", index + 1)
            proposal_pk, created = proposal_rows[index]
            nodes = []  # dicts: id, parent, level, children
            when = created
            for j in range(count):
                candidates = [n for n in nodes[-30:] if n["level"] < max_level]
                if j == 0 or not candidates or r.random() < 0.45:
                    parent = None
                else:
                    parent = r.choice(candidates)
                node = {
                    "id": next_id,
                    "parent": parent,
                    "level": parent["level"] + 1 if parent else 0,
                    "children": [],
                    "user": user_ids[r.randrange(len(user_ids))],
                    "text": r.choice(COMMENTS),
                    "removed": r.random() < 0.02,
                    "waiting_roll": r.random(),
                }
                when = min(when + datetime.timedelta(minutes=r.randint(1, 240)), now)
                node["when"] = when
                next_id += 1
                if parent:
                    parent["children"].append(node)
                nodes.append(node)
            # Reading order: depth first, replies in the order they were written.
            for root in [n for n in nodes if n["parent"] is None]:
                order = 0

                def walk(node, root=root):
                    nonlocal order
                    order += 1
                    node["order"] = order
                    node["thread"] = root["id"]
                    descendants = 0
                    for child in node["children"]:
                        descendants += 1 + walk(child)
                    node["nested"] = descendants
                    return descendants

                walk(root)
            for node in nodes:
                # Waiting for approval: only comments nobody has answered yet.
                waiting = not node["children"] and node["waiting_roll"] < 0.03
                removed = node["removed"] and not waiting
                comment = Comment(
                    pk=node["id"],
                    content_type=content_type,
                    object_pk=str(proposal_pk),
                    site=site,
                    user_id=node["user"],
                    user_name=(names.get(node["user"]) or "Anonym")[:50],
                    comment=node["text"],
                    submit_date=node["when"],
                    is_public=not waiting,
                    is_removed=removed,
                )
                xtd = XtdComment(
                    comment_ptr_id=node["id"],
                    thread_id=node["thread"],
                    parent_id=node["parent"]["id"] if node["parent"] else node["id"],
                    level=node["level"],
                    order=node["order"],
                    nested_count=node["nested"],
                    followup=False,
                )
                yield comment, xtd, removed

    for batch in batched(threads(), batch_size):
        with transaction.atomic():
            Comment.objects.bulk_create([c for c, _x, _r in batch])
            xtds = [x for _c, x, _r in batch]
            size = connection.ops.bulk_batch_size(xtd_fields, xtds) or len(xtds)
            for part in batched(xtds, max(1, size)):
                XtdComment._base_manager._insert(part, fields=xtd_fields, using=connection.alias)
            CommentRemoval.objects.bulk_create(
                [
                    CommentRemoval(
                        comment_id=c.pk,
                        reason_text="Verstößt gegen die Regeln für ein respektvolles Miteinander.",
                        at=c.submit_date,
                    )
                    for c, _x, removed in batch
                    if removed
                ]
            )
        progress.advance(len(batch))
    reset_sequences(Comment)
    progress.finish()
    return progress.done
