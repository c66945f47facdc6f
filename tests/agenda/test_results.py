"""Round results: every figure checked against counts computed here from the rows created."""

import random
from collections import Counter, defaultdict

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from agenda import phases as ph
from agenda.models import OfflineVoteTally, Proposal, Vote
from agenda.results import round_results
from tests.agenda.factories import (
    FieldOfActionFactory,
    OfflineSourceFactory,
    ProposalFactory,
    RoundPageFactory,
)
from tests.civic.factories import DistrictFactory, UserFactory

pytestmark = pytest.mark.django_db

STATUSES = [
    "received",
    "in_review",
    "adopted",
    "partially_adopted",
    "rejected",
    "in_progress",
    "implemented",
    "merged",
    "withdrawn",
]
ADOPTED = {"adopted", "partially_adopted", "in_progress", "implemented"}
CLOSED = {"merged", "withdrawn"}


def _comment(proposal, user, *, public=True, removed=False):
    from django_comments_xtd.models import XtdComment

    return XtdComment.objects.create(
        content_type=ContentType.objects.get_for_model(Proposal),
        object_pk=str(proposal.pk),
        site_id=1,
        user=user,
        comment="Ein Kommentar",
        submit_date=timezone.now(),
        is_public=public,
        is_removed=removed,
    )


def build_round(seed, voting_mode="support", size=25):
    """A round with random proposals, votes, paper tallies and comments; returns the round and
    a plain description of what was created, for computing the expected figures."""
    rng = random.Random(seed)
    round_page = RoundPageFactory(current=ph.RESULT, voting_mode=voting_mode)
    other_round = RoundPageFactory(current=ph.VOTE, parent=round_page.get_parent())
    fields = [FieldOfActionFactory() for _ in range(3)]
    districts = [DistrictFactory() for _ in range(2)]
    people = UserFactory.create_batch(12)
    sources = [
        OfflineSourceFactory(round=round_page, participants=rng.randint(3, 30)) for _ in range(2)
    ]
    rows = []
    for _ in range(size):
        offline = rng.random() < 0.25
        proposal = ProposalFactory(
            round=round_page,
            field_of_action=rng.choice(fields),
            author=None if offline else rng.choice(people),
            offline_source=sources[0] if offline else None,
            status=rng.choice(STATUSES),
            hidden=rng.random() < 0.1,
        )
        district = rng.choice(districts + [None])
        Proposal.objects.filter(pk=proposal.pk).update(district=district)
        rows.append(
            {"p": proposal, "district": district, "voters": {}, "paper": {}, "comments": []}
        )
    for row in rows:
        for person in rng.sample(people, rng.randint(0, 6)):
            value = 1 if voting_mode == "support" else rng.choice([1, -1])
            Vote.objects.create(proposal=row["p"], round=round_page, user=person, value=value)
            row["voters"][person.pk] = value
        for source in sources:
            if rng.random() < 0.4:
                support, against = rng.randint(0, 9), rng.randint(0, 4)
                OfflineVoteTally.objects.create(
                    proposal=row["p"], source=source, support=support, against=against
                )
                row["paper"][source.pk] = (support, against)
        for _ in range(rng.randint(0, 3)):
            person = rng.choice(people)
            public, removed = rng.random() < 0.9, rng.random() < 0.1
            _comment(row["p"], person, public=public, removed=removed)
            row["comments"].append((person.pk, public and not removed))
    # noise in another round must not count
    noise = ProposalFactory(round=other_round, author=people[0])
    Vote.objects.create(proposal=noise, round=other_round, user=people[1])
    _comment(noise, people[2])
    return round_page, rows, sources, fields


@pytest.mark.parametrize("voting_mode,seed", [("support", 1), ("for_against", 2)])
def test_figures_match_independent_counts(voting_mode, seed, django_assert_max_num_queries):
    round_page, rows, sources, fields = build_round(seed, voting_mode)
    with django_assert_max_num_queries(16):
        results = round_results(round_page)

    visible = [r for r in rows if not r["p"].hidden]
    not_withdrawn = [r for r in visible if r["p"].status != "withdrawn"]
    ranked = [r for r in visible if r["p"].status not in CLOSED]

    assert results.proposals == len(not_withdrawn)
    assert results.proposals_offline == sum(1 for r in not_withdrawn if r["p"].offline_source_id)
    assert results.proposals_online == results.proposals - results.proposals_offline
    assert results.proposals_merged == sum(1 for r in visible if r["p"].status == "merged")
    assert results.proposals_withdrawn == sum(1 for r in visible if r["p"].status == "withdrawn")
    assert results.proposals_adopted == sum(1 for r in visible if r["p"].status in ADOPTED)

    online_for = sum(sum(1 for v in r["voters"].values() if v > 0) for r in ranked)
    online_against = sum(sum(1 for v in r["voters"].values() if v < 0) for r in ranked)
    paper_for = sum(s for r in ranked for s, _a in r["paper"].values())
    paper_against = sum(a for r in ranked for _s, a in r["paper"].values())
    assert results.votes_online_support == online_for
    assert results.votes_online_against == online_against
    assert results.votes_offline_support == paper_for
    assert results.votes_offline_against == paper_against
    assert results.votes_total == online_for + online_against + paper_for + paper_against

    assert results.comments == sum(1 for r in visible for _u, ok in r["comments"] if ok)
    authors = {r["p"].author_id for r in visible if r["p"].author_id}
    voters = {u for r in visible for u in r["voters"]}
    commenters = {u for r in visible for u, ok in r["comments"] if ok}
    assert results.authors_online == len(authors)
    assert results.voters_online == len(voters)
    assert results.commenters_online == len(commenters)
    assert results.participants_online == len(authors | voters | commenters)
    assert results.participants_offline == sum(s.participants for s in sources)
    assert results.participants_total == len(authors | voters | commenters) + sum(
        s.participants for s in sources
    )
    assert results.offline_sources == 2

    # ranking: the proposals in the running, with their parts, best first
    assert {e.proposal.pk for e in results.ranking} == {r["p"].pk for r in ranked}
    by_pk = {r["p"].pk: r for r in ranked}
    for entry in results.ranking:
        row = by_pk[entry.proposal.pk]
        assert entry.online_support == sum(1 for v in row["voters"].values() if v > 0)
        assert entry.online_against == sum(1 for v in row["voters"].values() if v < 0)
        assert entry.offline_support == sum(s for s, _a in row["paper"].values())
        assert entry.offline_against == sum(a for _s, a in row["paper"].values())
        assert entry.comment_count == sum(1 for _u, ok in row["comments"] if ok)
        expected_score = entry.total_support - (
            entry.total_against if voting_mode == "for_against" else 0
        )
        assert entry.score == expected_score
    scores = [e.score for e in results.ranking]
    assert scores == sorted(scores, reverse=True)
    for before, after in zip(results.ranking, results.ranking[1:], strict=False):
        assert after.rank == (
            before.rank if after.score == before.score else results.ranking.index(after) + 1
        )

    # per field of action
    for figures in results.by_field:
        mine = [r for r in not_withdrawn if r["p"].field_of_action_id == figures.field.pk]
        assert figures.proposals == len(mine)
        assert figures.adopted == sum(1 for r in mine if r["p"].status in ADOPTED)
        mine_ranked = [r for r in ranked if r["p"].field_of_action_id == figures.field.pk]
        assert figures.online_support == sum(
            1 for r in mine_ranked for v in r["voters"].values() if v > 0
        )
        assert figures.offline_support == sum(
            s for r in mine_ranked for s, _ in r["paper"].values()
        )
    assert {f.field.pk for f in results.by_field} >= {r["p"].field_of_action_id for r in visible}

    # per status and district
    assert {s.status: s.count for s in results.by_status} == dict(
        Counter(r["p"].status for r in visible)
    )
    expected_districts = defaultdict(int)
    for r in not_withdrawn:
        expected_districts[r["district"].pk if r["district"] else None] += 1
    assert {d.district_id: d.proposals for d in results.by_district} == dict(expected_districts)

    # adopted, implementation
    assert {e.proposal.pk for e in results.adopted} == {
        r["p"].pk for r in ranked if r["p"].status in ADOPTED
    }
    assert {e.proposal.pk for e in results.implementation} == {
        r["p"].pk for r in ranked if r["p"].status in {"in_progress", "implemented"}
    }


def test_query_count_does_not_grow(django_assert_max_num_queries):
    small, *_ = build_round(3, size=3)
    with django_assert_max_num_queries(16) as captured:
        round_results(small)
    few = len(captured)
    big, *_ = build_round(4, size=60)
    with django_assert_max_num_queries(few):
        results = round_results(big)
    assert len(results.ranking) > 10


def test_ranking_limit_keeps_figures_whole():
    round_page, rows, *_ = build_round(5, size=20)
    full = round_results(round_page)
    cut = round_results(round_page, ranking_limit=3)
    assert len(cut.ranking) == 3 and cut.ranking_truncated
    assert [e.proposal.pk for e in cut.ranking] == [e.proposal.pk for e in full.ranking[:3]]
    assert cut.votes_total == full.votes_total
    assert {e.proposal.pk for e in cut.adopted} == {e.proposal.pk for e in full.adopted}
