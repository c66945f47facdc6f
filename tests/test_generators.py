"""The bench data generators (issue 7) at tiny sizes: exact counts, determinism, integrity."""

import hashlib
import json
import re
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from agenda.bench_data import generate_round
from civic.bench_data import BENCH_PASSWORD, generate_users
from stadtgedaechtnis.bench_data import generate_memories
from tests.civic.factories import DistrictFactory, square

pytestmark = pytest.mark.django_db

USERS, MEMORIES, PROPOSALS, VOTES, COMMENTS = 30, 50, 20, 100, 60


@pytest.fixture
def districts(db):
    return [
        DistrictFactory(name="Nord", geometry=square(10.95, 50.27, 0.02)),
        DistrictFactory(name="Süd", geometry=square(10.95, 50.24, 0.02)),
        DistrictFactory(
            name="Dreieck",
            geometry={
                "type": "Polygon",
                "coordinates": [[[10.99, 50.24], [11.03, 50.24], [10.99, 50.28], [10.99, 50.24]]],
            },
        ),
    ]


def _generate(seed=1, slug="bench-runde-1"):
    generate_users(USERS, seed=seed)
    generate_memories(MEMORIES, seed=seed)
    return generate_round(
        n_proposals=PROPOSALS,
        n_comments=COMMENTS,
        n_votes=VOTES,
        seed=seed,
        slug=slug,
        busy_comments=15,
    )


def _comments(round_):
    from django.contrib.contenttypes.models import ContentType
    from django_comments_xtd.models import XtdComment

    from agenda.models import Proposal

    pks = [str(pk) for pk in Proposal.objects.filter(round=round_).values_list("pk", flat=True)]
    return list(
        XtdComment.norel_objects.filter(
            content_type=ContentType.objects.get_for_model(Proposal), object_pk__in=pks
        ).order_by("pk")
    )


def _digest(round_) -> str:
    """Everything generated, without primary keys (they differ between databases and runs)."""
    from agenda.models import Proposal, Vote
    from civic.models import User
    from stadtgedaechtnis.models import Memory

    emails = dict(User.objects.values_list("pk", "email"))
    proposals = {p.pk: p for p in Proposal.objects.filter(round=round_)}
    comments = _comments(round_)
    first = comments[0].pk if comments else 0
    data = {
        "users": sorted(
            User.objects.filter(email__startswith="bench-").values_list(
                "email", "display_name", "district__name"
            )
        ),
        "memories": sorted(
            (
                str(m.uid),
                m.title,
                m.lat,
                m.lon,
                m.public_lat,
                m.public_lon,
                m.precision,
                m.private_place,
                m.date_text,
                m.decade,
                m.district.name,
                sorted(t.slug for t in m.themes.all()),
            )
            for m in Memory.objects.select_related("district").prefetch_related("themes")
        ),
        "proposals": sorted(
            (p.number, p.title, p.lat, p.lon, p.field_of_action.slug, emails.get(p.author_id))
            for p in proposals.values()
        ),
        "votes": sorted(
            (proposals[v.proposal_id].number, emails[v.user_id], v.value)
            for v in Vote.objects.filter(round=round_)
        ),
        "comments": [
            (
                proposals[int(c.object_pk)].number,
                c.pk - first,
                c.thread_id - first,
                c.parent_id - first,
                c.level,
                c.order,
                c.nested_count,
                c.is_public,
                c.is_removed,
                c.comment,
                emails[c.user_id],
            )
            for c in comments
        ],
    }
    return hashlib.sha256(json.dumps(data, default=str).encode()).hexdigest()


def _delete_everything(round_):
    from django_comments.models import Comment

    from agenda.models import OfflineSource, Proposal, RoundPage, Vote
    from civic.models import User
    from stadtgedaechtnis.models import Memory

    Comment.objects.all().delete()
    Vote.objects.all().delete()
    Proposal.objects.all().delete()
    OfflineSource.objects.all().delete()
    RoundPage.objects.get(pk=round_.pk).delete()
    Memory.objects.all().delete()
    User.objects.filter(email__startswith="bench-").delete()


def test_counts_are_exact(districts):
    from allauth.account.models import EmailAddress

    from agenda.models import OfflineVoteTally, Proposal, RoundVoter, Vote
    from civic.models import User
    from civic.roles import RESIDENTS
    from stadtgedaechtnis.models import Memory

    result = _generate()
    round_ = result["round"]

    users = User.objects.filter(email__startswith="bench-")
    assert users.count() == USERS
    assert users.filter(groups__name=RESIDENTS).count() == USERS
    assert EmailAddress.objects.filter(user__in=users, verified=True, primary=True).count() == USERS
    assert users.first().check_password(BENCH_PASSWORD)

    assert Memory.objects.published().count() == MEMORIES
    assert Memory.objects.filter(district__isnull=True).count() == 0
    per_memory = Counter(Memory.themes.through.objects.values_list("memory_id", flat=True))
    assert len(per_memory) == MEMORIES and set(per_memory.values()) <= {1, 2}

    proposals = list(Proposal.objects.filter(round=round_).select_related("round"))
    assert sorted(p.number for p in proposals) == list(range(1, PROPOSALS + 1))
    for p in proposals:
        assert re.fullmatch(rf"DA\d+-{round_.reference_year}-\d{{3}}", p.reference)
    with_point = sum(p.lat is not None for p in proposals)
    assert 0 < with_point < PROPOSALS  # about two thirds

    votes = list(Vote.objects.filter(round=round_).values_list("proposal_id", "user_id"))
    assert len(votes) == VOTES == len(set(votes))
    assert RoundVoter.objects.filter(round=round_).count() == len({u for _p, u in votes})
    per_proposal = Counter(p for p, _u in votes)
    assert max(per_proposal.values()) >= 2 * VOTES / PROPOSALS  # skewed: some are popular

    comments = _comments(round_)
    assert len(comments) == COMMENTS
    per_target = Counter(c.object_pk for c in comments)
    assert per_target[str(result["busy_proposal_id"])] == 15  # busy_comments, exactly
    assert len(per_target) > 5  # the rest is spread over the round
    assert OfflineVoteTally.objects.filter(proposal__round=round_).exists()


def test_same_seed_gives_the_same_data(districts):
    first = _generate(seed=1)
    digest = _digest(first["round"])
    _delete_everything(first["round"])
    second = _generate(seed=1)
    assert _digest(second["round"]) == digest
    _delete_everything(second["round"])
    other = _generate(seed=2, slug="bench-runde-2")
    assert _digest(other["round"]) != digest


def test_runs_again_without_duplicates(districts):
    from civic.models import User
    from stadtgedaechtnis.models import Memory

    generate_users(10)
    generate_memories(10)
    assert generate_users(USERS)["created"] == USERS - 10
    assert generate_memories(MEMORIES)["created"] == MEMORIES - 10
    assert generate_memories(MEMORIES)["created"] == 0
    assert User.objects.filter(email__startswith="bench-").count() == USERS
    assert Memory.objects.count() == MEMORIES


def test_memories_follow_the_rules_of_save(districts):
    """Public point, decade and district as Memory.save() would derive them."""
    from shapely.geometry import Point, shape

    from stadtgedaechtnis.models import Memory

    generate_memories(MEMORIES)
    shapes = {d.pk: shape(d.geometry) for d in districts}
    blurred = 0
    for memory in Memory.objects.select_related("district"):
        stored = (memory.public_lon, memory.public_lat, memory.decade, memory.district_id)
        assert shapes[memory.district_id].covers(Point(memory.lon, memory.lat))
        memory.update_derived_fields()
        assert stored == (
            memory.public_lon,
            memory.public_lat,
            memory.decade,
            memory.district_id,
        )
        assert memory.decade is None or 1900 <= memory.decade <= 2020
        if memory.private_place or memory.precision != "exact":
            assert (memory.public_lon, memory.public_lat) != (memory.lon, memory.lat)
            blurred += 1
        else:
            assert (memory.public_lon, memory.public_lat) == (memory.lon, memory.lat)
    assert 0 < blurred < MEMORIES


def test_comment_threads_are_consistent(districts, resident):
    from django_comments_xtd.models import XtdComment

    from agenda.models import Proposal

    result = _generate()
    comments = _comments(result["round"])
    by_pk = {c.pk: c for c in comments}
    children = defaultdict(list)
    levels = Counter()
    for c in comments:
        levels[c.level] += 1
        if c.parent_id == c.pk:
            assert c.level == 0 and c.thread_id == c.pk and c.order == 1
            continue
        parent = by_pk[c.parent_id]
        children[parent.pk].append(c)
        assert parent.thread_id == c.thread_id
        assert parent.object_pk == c.object_pk
        assert c.level == parent.level + 1 <= 2
        assert parent.order < c.order
    assert levels[0] and levels[1]  # threads, not a flat list

    def descendants(pk):
        return sum(1 + descendants(child.pk) for child in children[pk])

    threads = defaultdict(list)
    for c in comments:
        assert c.nested_count == descendants(c.pk)
        threads[c.thread_id].append(c)
    for members in threads.values():
        in_order = sorted(members, key=lambda c: c.order)
        assert [c.order for c in in_order] == list(range(1, len(members) + 1))
        # Reading order: each comment right after its parent's earlier replies' subtrees.
        seen = set()
        for c in in_order:
            assert c.parent_id == c.pk or c.parent_id in seen
            seen.add(c.pk)
    assert any(not c.is_public for c in comments) or len(comments) < 40
    removed = [c for c in comments if c.is_removed]
    assert all(hasattr(c, "civic_removal") for c in XtdComment.objects.filter(is_removed=True))
    assert len(removed) == XtdComment.objects.filter(is_removed=True).count()

    # xtd itself can go on from here: a reply through its own save() fits into the thread.
    root = next(c for c in comments if c.level == 0 and c.is_public)
    proposal = Proposal.objects.get(pk=int(root.object_pk))
    from tests.agenda.factories import make_comment

    reply = make_comment(proposal, resident, "Noch eine Antwort", parent=root)
    reply.refresh_from_db()
    assert reply.pk > max(by_pk)
    assert reply.thread_id == root.pk and reply.level == 1
    assert reply.order == root.nested_count + 2


def test_generated_pages_render(client, districts, resident):
    from stadtgedaechtnis.models import Memory

    result = _generate()
    round_ = result["round"]
    response = client.get(round_.url)
    assert response.status_code == 200
    assert round_.title in response.content.decode()
    busy = client.get(f"/agenda/vorschlaege/{result['busy_proposal_id']}/")
    assert busy.status_code == 200
    memory = Memory.objects.first()
    assert client.get(memory.get_absolute_url()).status_code == 200
    client.force_login(resident)
    page = client.get(f"/agenda/vorschlaege/{result['busy_proposal_id']}/")
    assert page.status_code == 200
    assert "Kommentar" in page.content.decode()


def test_result_round_shows_results(client, districts):
    generate_users(USERS)
    result = generate_round(n_proposals=10, n_comments=10, n_votes=40, phase="result")
    response = client.get(result["round"].results_url())
    assert response.status_code == 200


def test_commands_print_progress_and_refuse_clearly(districts):
    out = StringIO()
    call_command("generate_users", count=12, batch_size=5, stdout=out)
    lines = out.getvalue().splitlines()
    assert any("5/12" in line for line in lines) and any("12/12" in line for line in lines)
    assert "12 Benutzerkonten angelegt" in lines[-1]
    call_command("generate_memories", count=7, stdout=out)
    call_command("generate_round", proposals=5, comments=8, votes=20, stdout=out)
    assert "Vorschläge" in out.getvalue() and "Stimmen" in out.getvalue()
    with pytest.raises(CommandError, match="gibt es schon"):
        call_command("generate_round", proposals=5, comments=0, votes=0, stdout=StringIO())
    with pytest.raises(CommandError, match="generate_users"):
        call_command(
            "generate_round", proposals=5, users_from="niemand-", slug="x", stdout=StringIO()
        )
