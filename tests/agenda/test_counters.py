"""The proposals' stored counters (issue 7) stay equal to what the rows say, whatever happens:
votes cast, changed and taken back, paper votes, merges, carry-over, comments posted, hidden,
removed and deleted, accounts deleted. And what a visitor sees reads them."""

import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.urls import reverse

from agenda import steering as st
from agenda.counters import COUNTERS, counter_mismatches, refresh_counters
from agenda.models import Proposal, ProposalStatus, Vote
from agenda.services import VoteError, cast_vote, retract_vote
from civic.comments import approve_comment, remove_comment
from civic.roles import RESIDENTS, assign_role
from tests.agenda.factories import (
    OfflineSourceFactory,
    ProposalFactory,
    RoundPageFactory,
    VoteFactory,
    make_comment,
)
from tests.civic.factories import UserFactory


def residents(n):
    users = UserFactory.create_batch(n)
    for user in users:
        assign_role(user, RESIDENTS)
    return users


def stored(proposal):
    proposal.refresh_from_db()
    return {name: getattr(proposal, name) for name in COUNTERS}


@pytest.mark.django_db
def test_random_mix_of_operations_keeps_the_counters_equal_to_a_recount(steering, editor):
    rng = random.Random(7)
    round_ = RoundPageFactory(current="vote", voting_mode="for_against")
    proposals = ProposalFactory.create_batch(5, round=round_)
    sources = OfflineSourceFactory.create_batch(2, round=round_)
    people = residents(8)
    comments = []
    merged = False
    operations = 0
    for step in range(220):
        action = rng.choice(
            ["vote", "vote", "vote", "retract", "paper", "comment", "comment", "moderate", "delete"]
        )
        proposal = Proposal.objects.get(pk=rng.choice(proposals).pk)
        person = rng.choice(people)
        if action == "vote":
            try:
                cast_vote(person, proposal, rng.choice([1, 1, -1]))
                operations += 1
            except VoteError:
                pass  # merged proposals take no votes: nothing may change then either
        elif action == "retract":
            try:
                retract_vote(person, proposal)
                operations += 1
            except VoteError:
                pass
        elif action == "paper" and proposal.status not in ProposalStatus.closed_statuses():
            st.record_paper_votes(
                proposal, rng.choice(sources), rng.randint(0, 9), rng.randint(0, 4), steering
            )
            operations += 1
        elif action == "comment":
            parent = rng.choice(comments) if comments and rng.random() < 0.3 else None
            if parent is not None and int(parent.object_pk) != proposal.pk:
                parent = None
            comments.append(
                make_comment(proposal, person, parent=parent, is_public=rng.random() < 0.8)
            )
            operations += 1
        elif action == "moderate" and comments:
            comment = rng.choice(comments)
            comment.refresh_from_db()
            choice = rng.random()
            if choice < 0.4:
                approve_comment(comment, by=editor)
            elif choice < 0.7 and not comment.is_removed:
                remove_comment(comment, by=editor, note="Test")
            else:
                # Hidden again (django-comments-xtd also hides the replies below it).
                comment.is_public = False
                comment.save()
            operations += 1
        elif action == "delete" and comments:
            comment = comments.pop(rng.randrange(len(comments)))
            comment.delete()
            operations += 1
        if step == 150 and not merged:
            target, *others = proposals[:3]
            st.merge_proposals(others, target, actor=steering)
            merged = True
        if step == 180:
            # An account deleted: its votes stay (without the person), so do the counts.
            gone = people.pop()
            before = {p.pk: stored(p) for p in proposals}
            gone.delete()
            assert {p.pk: stored(p) for p in proposals} == before
    assert operations > 120 and merged
    assert Vote.objects.count() > 0
    assert counter_mismatches() == []
    # The recount from the rows gives the same numbers the operations left behind.
    before = {p.pk: stored(p) for p in proposals}
    refresh_counters()
    assert {p.pk: stored(p) for p in proposals} == before


@pytest.mark.django_db
def test_vote_cast_changed_and_retracted(resident):
    proposal = ProposalFactory(round=RoundPageFactory(current="vote", voting_mode="for_against"))
    cast_vote(resident, proposal, 1)
    assert stored(proposal)["votes_for"] == 1 and stored(proposal)["score"] == 1
    cast_vote(resident, proposal, -1)
    counts = stored(proposal)
    assert (counts["votes_for"], counts["votes_against"], counts["score"]) == (0, 1, -1)
    assert counts["support_total"] == 0
    retract_vote(resident, proposal)
    assert stored(proposal) == dict.fromkeys(COUNTERS, 0)


@pytest.mark.django_db
def test_saving_a_stale_proposal_keeps_the_counts(resident):
    proposal = ProposalFactory(round=RoundPageFactory(current="vote"))
    stale = Proposal.objects.get(pk=proposal.pk)
    cast_vote(resident, proposal)
    make_comment(proposal, resident)
    stale.title = "Neuer Titel"
    stale.save()  # e.g. an editor's change loaded before the vote
    counts = stored(proposal)
    assert proposal.title == "Neuer Titel"
    assert counts["votes_for"] == 1 and counts["comment_count"] == 1


@pytest.mark.django_db
def test_carried_copies_start_without_counts(steering):
    old_round = RoundPageFactory(current="vote")
    proposal = ProposalFactory(round=old_round)
    VoteFactory.create_batch(3, proposal=proposal)
    make_comment(proposal, UserFactory())
    result = st.carry_over([proposal], RoundPageFactory(current="propose"), actor=steering)
    (copy,) = result.created
    assert stored(copy) == dict.fromkeys(COUNTERS, 0)
    assert stored(proposal)["votes_for"] == 3 and stored(proposal)["comment_count"] == 1


@pytest.mark.django_db
def test_merge_moves_the_counts_to_the_target(steering):
    round_ = RoundPageFactory(current="vote")
    target, source = ProposalFactory.create_batch(2, round=round_)
    both, only_source = UserFactory(), UserFactory()
    VoteFactory(proposal=target, user=both)
    VoteFactory(proposal=source, user=both)
    VoteFactory(proposal=source, user=only_source)
    st.merge_proposals([source], target, actor=steering)
    assert stored(target)["votes_for"] == 2  # nobody counted twice
    assert stored(source)["votes_for"] == 0


@pytest.mark.django_db
def test_repair_command_finds_and_fixes_drift():
    proposal = ProposalFactory(round=RoundPageFactory(current="vote"))
    VoteFactory.create_batch(2, proposal=proposal)
    Proposal.objects.filter(pk=proposal.pk).update(votes_for=40, comment_count=7)  # "raw SQL"
    with pytest.raises(CommandError, match="abweichende Zähler"):
        call_command("refresh_proposal_counters", "--check", stdout=open("/dev/null", "w"))
    call_command("refresh_proposal_counters", stdout=open("/dev/null", "w"))
    counts = stored(proposal)
    assert counts["votes_for"] == 2 and counts["support_total"] == 2
    assert counts["comment_count"] == 0
    assert counter_mismatches() == []


@pytest.mark.django_db
def test_list_sorted_by_votes_and_comments_reads_the_counters(client):
    round_ = RoundPageFactory(current="vote", title="Runde", counts_visible_during_voting=True)
    quiet, popular, talked_about = (
        ProposalFactory(round=round_, title=title)
        for title in ("Leiser Vorschlag", "Beliebter Vorschlag", "Viel diskutiert")
    )
    VoteFactory.create_batch(3, proposal=popular)
    VoteFactory(proposal=talked_about)
    for _ in range(2):
        make_comment(talked_about, UserFactory())
    by_votes = client.get(round_.url + "?sortierung=stimmen").content.decode()
    assert by_votes.index("Beliebter Vorschlag") < by_votes.index("Viel diskutiert")
    assert by_votes.index("Viel diskutiert") < by_votes.index("Leiser Vorschlag")
    assert "3 Stimmen dafür" in by_votes
    by_comments = client.get(round_.url + "?sortierung=kommentare").content.decode()
    assert by_comments.index("Viel diskutiert") < by_comments.index("Beliebter Vorschlag")
    assert "2 Kommentare" in by_comments
    page = client.get(reverse("agenda:proposal", args=[talked_about.pk])).content.decode()
    assert "1 Stimme dafür" in page


@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_and_comments_on_one_proposal_lose_nothing():
    """Meaningful on PostgreSQL (requests really run in parallel): increments and recounts
    under the row lock never lose a concurrent vote or comment."""
    from tests.agenda.test_votes import run_concurrently

    proposal = ProposalFactory(round=RoundPageFactory(current="vote", voting_mode="for_against"))
    people = residents(12)

    def vote(person, value):
        return lambda: cast_vote(
            person, Proposal.objects.select_related("round").get(pk=proposal.pk), value
        )

    def comment(person):
        def run():
            # One transaction, like a request: a retried job (SQLite "locked") leaves nothing.
            with transaction.atomic():
                return make_comment(Proposal.objects.get(pk=proposal.pk), person, "Gleichzeitig")

        return run

    jobs = [vote(p, 1 if i % 3 else -1) for i, p in enumerate(people)]
    jobs += [comment(p) for p in people[:8]]
    results = run_concurrently(jobs)
    assert not [r for r in results if isinstance(r, Exception)], results
    counts = stored(proposal)
    assert counts["votes_for"] == 8 and counts["votes_against"] == 4 and counts["score"] == 4
    assert counts["comment_count"] == 8
    assert counter_mismatches() == []
