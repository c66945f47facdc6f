"""Votes: one per person and proposal, the per-round limit, retracting, and integrity under
many concurrent requests (meaningful on PostgreSQL, where requests really run in parallel)."""

import random
import threading
import time

import pytest
from django.db import IntegrityError, OperationalError, connection, connections

from agenda.models import Proposal, ProposalStatus, Vote
from agenda.services import VoteError, cast_vote, retract_vote, votes_left
from civic.roles import RESIDENTS, assign_role
from tests.agenda.factories import ProposalFactory, RoundPageFactory, VoteFactory
from tests.civic.factories import UserFactory


def make_resident():
    user = UserFactory()
    assign_role(user, RESIDENTS)
    return user


@pytest.mark.django_db
class TestCastVote:
    def test_vote_and_retract(self, resident):
        proposal = ProposalFactory(round=RoundPageFactory(current="vote"))
        vote = cast_vote(resident, proposal)
        assert vote.value == 1 and vote.round == proposal.round
        assert cast_vote(resident, proposal).pk == vote.pk  # a second click changes nothing
        assert Vote.objects.count() == 1
        assert retract_vote(resident, proposal) is True
        assert retract_vote(resident, proposal) is False
        assert Vote.objects.count() == 0

    def test_database_refuses_a_second_vote(self, resident):
        vote = VoteFactory(user=resident)
        with pytest.raises(IntegrityError):
            Vote.objects.create(proposal=vote.proposal, round=vote.round, user=resident)

    def test_against_only_in_for_against_rounds(self, resident):
        support_only = ProposalFactory(round=RoundPageFactory(current="vote"))
        with pytest.raises(VoteError) as excinfo:
            cast_vote(resident, support_only, -1)
        assert excinfo.value.code == "invalid_value"
        both = ProposalFactory(round=RoundPageFactory(current="vote", voting_mode="for_against"))
        assert cast_vote(resident, both, -1).value == -1
        assert cast_vote(resident, both, 1).value == 1  # changes the vote
        assert Vote.objects.get().value == 1

    @pytest.mark.parametrize("current", ["propose", "comment", "evaluate", "result", None])
    def test_no_vote_outside_the_voting_phase(self, resident, current):
        proposal = ProposalFactory(round=RoundPageFactory(current=current))
        with pytest.raises(VoteError) as excinfo:
            cast_vote(resident, proposal)
        assert excinfo.value.code == "not_allowed"
        assert not Vote.objects.exists()

    def test_unverified_users_cannot_vote(self, unverified):
        proposal = ProposalFactory(round=RoundPageFactory(current="vote"))
        with pytest.raises(VoteError):
            cast_vote(unverified, proposal)

    def test_no_vote_on_withdrawn_or_merged(self, resident):
        round_ = RoundPageFactory(current="vote")
        for status in (ProposalStatus.WITHDRAWN, ProposalStatus.MERGED):
            with pytest.raises(VoteError):
                cast_vote(resident, ProposalFactory(round=round_, status=status))

    def test_limit_per_round(self, resident):
        round_ = RoundPageFactory(current="vote", max_votes_per_person=2)
        other_round = RoundPageFactory(current="vote", max_votes_per_person=2)
        a, b, c = ProposalFactory.create_batch(3, round=round_)
        assert votes_left(resident, round_) == 2
        cast_vote(resident, a)
        cast_vote(resident, b)
        assert votes_left(resident, round_) == 0
        with pytest.raises(VoteError) as excinfo:
            cast_vote(resident, c)
        assert excinfo.value.code == "limit_reached"
        # Other rounds have their own budget; changing or repeating a vote is always possible.
        cast_vote(resident, ProposalFactory(round=other_round))
        cast_vote(resident, a)
        retract_vote(resident, a)
        cast_vote(resident, c)
        assert set(Vote.objects.filter(round=round_).values_list("proposal", flat=True)) == {
            b.pk,
            c.pk,
        }

    def test_unlimited(self, resident):
        round_ = RoundPageFactory(current="vote", max_votes_per_person=0)
        for proposal in ProposalFactory.create_batch(5, round=round_):
            cast_vote(resident, proposal)
        assert votes_left(resident, round_) is None
        assert Vote.objects.count() == 5


# --------------------------------------------------------------------------------------------
# Concurrency


def run_concurrently(jobs):
    """Run the callables at the same moment, each in its own thread with its own database
    connection. Returns the results (or exceptions). On SQLite, whose test database allows one
    writer at a time and reports "locked" instead of waiting, a job is retried after a lock
    error; PostgreSQL runs them truly in parallel and must never need that."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)
    retries = [0] * len(jobs)
    is_sqlite = connection.vendor == "sqlite"

    def worker(i, job):
        try:
            barrier.wait(timeout=30)
            # Random, growing pauses between retries: with a fixed pause twenty threads can keep
            # colliding on SQLite's table locks for as long as the machine is busy (livelock).
            rng = random.Random(i)
            deadline = time.monotonic() + 90
            attempt = 0
            while time.monotonic() < deadline:
                try:
                    results[i] = job()
                    return
                except OperationalError as exc:
                    if not (is_sqlite and "locked" in str(exc)):
                        raise
                    retries[i] += 1
                    attempt += 1
                    time.sleep(rng.uniform(0, 0.005 * min(2**attempt, 64)))
            results[i] = RuntimeError(f"gave up after {attempt} lock errors in 90 s")
        except Exception as exc:  # reported to the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a voting thread hung"
    if not is_sqlite:
        assert sum(retries) == 0
    return results


THREADS = 24


@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_never_exceed_the_limit():
    """One person fires many votes at once on different proposals: the limit holds exactly."""
    round_ = RoundPageFactory(current="vote", max_votes_per_person=3)
    proposals = ProposalFactory.create_batch(8, round=round_)
    voter = make_resident()

    def job(proposal):
        def run():
            user = type(voter).objects.get(pk=voter.pk)
            return cast_vote(user, Proposal.objects.select_related("round").get(pk=proposal.pk))

        return run

    results = run_concurrently([job(proposals[i % len(proposals)]) for i in range(THREADS)])
    unexpected = [r for r in results if isinstance(r, Exception) and not isinstance(r, VoteError)]
    assert not unexpected, unexpected
    refused = [r for r in results if isinstance(r, VoteError)]
    assert all(r.code == "limit_reached" for r in refused)
    assert Vote.objects.filter(user=voter, round=round_).count() == 3
    assert votes_left(voter, round_) == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_count_each_person_once():
    """Many people click at once, several twice: one vote each, the tally is exact."""
    round_ = RoundPageFactory(current="vote", max_votes_per_person=1)
    proposal = ProposalFactory(round=round_)
    voters = [make_resident() for _ in range(THREADS // 2)]

    def job(voter):
        def run():
            return cast_vote(voter, Proposal.objects.select_related("round").get(pk=proposal.pk))

        return run

    results = run_concurrently([job(v) for v in voters for _twice in range(2)])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Vote.objects.filter(proposal=proposal).count() == len(voters)
    counted = Proposal.objects.with_vote_counts().get(pk=proposal.pk)
    assert counted.online_support == counted.support_total == len(voters)


@pytest.mark.django_db(transaction=True)
def test_concurrent_vote_and_retract_keep_the_tally_exact():
    """Votes and take-backs interleave; in the end the stored tally matches the survivors."""
    round_ = RoundPageFactory(current="vote", max_votes_per_person=2)
    a, b, c = ProposalFactory.create_batch(3, round=round_)
    voters = [make_resident() for _ in range(8)]
    for voter in voters:
        cast_vote(voter, a)

    def job(voter, action, proposal):
        def run():
            fresh = Proposal.objects.select_related("round").get(pk=proposal.pk)
            return (cast_vote if action == "cast" else retract_vote)(voter, fresh)

        return run

    jobs = []
    for voter in voters:
        jobs += [job(voter, "cast", b), job(voter, "cast", c), job(voter, "retract", a)]
    results = run_concurrently(jobs)
    unexpected = [r for r in results if isinstance(r, Exception) and not isinstance(r, VoteError)]
    assert not unexpected, unexpected
    for voter in voters:
        assert Vote.objects.filter(user=voter, round=round_).count() <= 2
    total = Vote.objects.filter(round=round_).count()
    counted = Proposal.objects.with_vote_counts().filter(round=round_)
    assert sum(p.online_support for p in counted) == total
    assert not Vote.objects.filter(user__in=voters, proposal=a).exists()
