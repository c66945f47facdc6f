"""Merging duplicates: votes move without counting anybody twice, tallies are summed,
comments stay reachable, history is written."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.models import ModelLogEntry

from agenda import phases as ph
from agenda.models import OfflineVoteTally, Proposal, ProposalEvent, Vote
from agenda.results import round_results
from agenda.steering import merge_proposals
from tests.agenda.factories import (
    OfflineSourceFactory,
    OfflineVoteTallyFactory,
    ProposalFactory,
    RoundPageFactory,
    VoteFactory,
)
from tests.civic.factories import UserFactory

pytestmark = pytest.mark.django_db


def _vote(proposal, user, value=1, minutes=0):
    return VoteFactory(
        proposal=proposal,
        user=user,
        value=value,
        created=timezone.now() - datetime.timedelta(minutes=100 - minutes),
    )


def test_merge_moves_votes_without_double_counting(editor):
    round_page = RoundPageFactory(current=ph.VOTE)
    target, a, b = (ProposalFactory(round=round_page) for _ in range(3))
    other = ProposalFactory(round=round_page)
    people = UserFactory.create_batch(7)
    ballots = {  # person -> proposals supported
        0: [target, a],
        1: [a, b],
        2: [a],
        3: [target],
        4: [b],
        5: [a, b, target],
        6: [other, a],
    }
    for index, proposals in ballots.items():
        for minute, proposal in enumerate(proposals):
            _vote(proposal, people[index], minutes=minute)
    # Independently: every person who supported any of the three counts once for the target.
    expected_voters = {people[i].pk for i, ps in ballots.items() if {target, a, b} & set(ps)}
    source_votes = Vote.objects.filter(proposal__in=[a, b]).count()
    target_votes = Vote.objects.filter(proposal=target).count()

    result = merge_proposals([a, b], target, actor=editor)

    assert set(target.votes.values_list("user_id", flat=True)) == expected_voters
    assert target.votes.count() == len(expected_voters) == 7
    assert not Vote.objects.filter(proposal__in=[a, b]).exists()
    assert Vote.objects.filter(proposal=other).count() == 1  # untouched
    # every source vote either moved or was a second vote of the same person
    assert result.votes_moved == len(expected_voters) - target_votes
    assert result.votes_moved + result.votes_dropped == source_votes
    assert Vote.objects.count() == 7 + 1
    for source in (a, b):
        source.refresh_from_db()
        assert source.status == "merged"
        assert source.merged_into_id == target.pk
    target.refresh_from_db()
    assert target.status == "received"
    kinds = set(ProposalEvent.objects.filter(proposal=a).values_list("kind", flat=True))
    assert kinds == {"merged"}
    assert ProposalEvent.objects.filter(proposal=target, kind="merged_in").exists()
    assert ModelLogEntry.objects.filter(action="agenda.merge", object_id=str(a.pk)).exists()
    assert ModelLogEntry.objects.filter(
        action="agenda.merge_target", object_id=str(target.pk)
    ).exists()
    # the results count the target with every supporter once
    results = round_results(round_page)
    ranked = {r.proposal.pk: r for r in results.ranking}
    assert a.pk not in ranked and b.pk not in ranked
    assert ranked[target.pk].online_support == 7
    assert results.proposals_merged == 2


def test_for_against_keeps_target_vote_else_latest_decision(steering):
    round_page = RoundPageFactory(current=ph.VOTE, voting_mode="for_against")
    target, a, b = (ProposalFactory(round=round_page) for _ in range(3))
    p1, p2, p3 = UserFactory.create_batch(3)
    _vote(target, p1, -1, minutes=1)
    _vote(a, p1, +1, minutes=2)  # p1 keeps the vote on the target (against)
    _vote(a, p2, -1, minutes=1)
    _vote(b, p2, +1, minutes=5)  # p2's latest decision: for
    _vote(b, p3, -1, minutes=1)  # moves as it is

    merge_proposals([a, b], target, actor=steering)

    values = dict(target.votes.values_list("user_id", "value"))
    assert values == {p1.pk: -1, p2.pk: +1, p3.pk: -1}
    for vote in target.votes.all():
        assert vote.round_id == round_page.pk


def test_paper_tallies_move_and_sum_per_source(editor):
    round_page = RoundPageFactory(current=ph.VOTE)
    target, a, b = (ProposalFactory(round=round_page) for _ in range(3))
    workshop = OfflineSourceFactory(round=round_page)
    paper = OfflineSourceFactory(round=round_page, kind="paper")
    OfflineVoteTallyFactory(proposal=target, source=workshop, support=5, against=1)
    OfflineVoteTallyFactory(proposal=a, source=workshop, support=3, against=2)
    OfflineVoteTallyFactory(proposal=b, source=paper, support=4, against=0)

    merge_proposals([a, b], target, actor=editor)

    tallies = {
        t.source_id: (t.support, t.against)
        for t in OfflineVoteTally.objects.filter(proposal=target)
    }
    assert tallies == {workshop.pk: (8, 3), paper.pk: (4, 0)}
    assert not OfflineVoteTally.objects.filter(proposal__in=[a, b]).exists()
    ranked = {r.proposal.pk: r for r in round_results(round_page).ranking}
    assert ranked[target.pk].offline_support == 12
    assert ranked[target.pk].offline_against == 3


def test_comments_stay_with_the_merged_proposal(editor, resident):
    from django_comments_xtd.models import XtdComment

    round_page = RoundPageFactory(current=ph.COMMENT)
    target, source = ProposalFactory(round=round_page), ProposalFactory(round=round_page)
    comment = XtdComment.objects.create(
        content_type=ContentType.objects.get_for_model(Proposal),
        object_pk=str(source.pk),
        site_id=1,
        user=resident,
        comment="Gute Idee!",
        submit_date=timezone.now(),
    )
    merge_proposals([source], target, actor=editor)
    comment.refresh_from_db()
    assert comment.object_pk == str(source.pk)
    source.refresh_from_db()
    assert source.merged_into == target
    assert list(target.merged_proposals.all()) == [source]


def test_merge_refuses_bad_input(editor):
    round_page = RoundPageFactory(current=ph.VOTE)
    target, a = ProposalFactory(round=round_page), ProposalFactory(round=round_page)
    elsewhere = ProposalFactory()
    with pytest.raises(ValidationError):
        merge_proposals([target], target, actor=editor)  # nothing to merge
    with pytest.raises(ValidationError):
        merge_proposals([elsewhere], target, actor=editor)  # another round
    merge_proposals([a], target, actor=editor)
    a.refresh_from_db()
    with pytest.raises(ValidationError):
        merge_proposals([target], a, actor=editor)  # into a merged proposal
    with pytest.raises(ValidationError):
        merge_proposals([a], target, actor=editor)  # twice
    elsewhere.refresh_from_db()
    assert elsewhere.status == "received"
