"""Models: numbering, references, districts, vote counts."""

import pytest
from django.db import IntegrityError

from agenda.models import Proposal, ProposalStatus
from tests.agenda.factories import (
    OfflineVoteTallyFactory,
    ProposalFactory,
    RoundPageFactory,
    VoteFactory,
)
from tests.civic.factories import DistrictFactory, square

pytestmark = pytest.mark.django_db


def test_numbers_are_per_round_and_reference_has_prefix_and_year():
    round_a = RoundPageFactory(reference_prefix="DA", reference_year=2026)
    round_b = RoundPageFactory(reference_prefix="DB", reference_year=2026)
    a1, a2 = ProposalFactory(round=round_a), ProposalFactory(round=round_a)
    b1 = ProposalFactory(round=round_b)
    assert (a1.number, a2.number, b1.number) == (1, 2, 1)
    assert a2.reference == "DA-2026-002"
    assert b1.reference == "DB-2026-001"


def test_number_unique_per_round():
    proposal = ProposalFactory()
    with pytest.raises(IntegrityError):
        Proposal.objects.filter(pk=ProposalFactory(round=proposal.round).pk).update(
            number=proposal.number
        )


def test_district_assigned_from_point():
    district = DistrictFactory(geometry=square(10.9, 50.2))
    proposal = ProposalFactory(lat=50.205, lon=10.905)
    assert proposal.district == district
    proposal.lat = proposal.lon = None
    proposal.save()
    assert proposal.district is None


def test_vote_counts_online_offline_and_totals():
    round_ = RoundPageFactory(voting_mode="for_against")
    proposal = ProposalFactory(round=round_)
    other = ProposalFactory(round=round_)
    VoteFactory.create_batch(3, proposal=proposal, value=1)
    VoteFactory.create_batch(2, proposal=proposal, value=-1)
    VoteFactory(proposal=other)
    OfflineVoteTallyFactory(proposal=proposal, support=10, against=4)
    OfflineVoteTallyFactory(proposal=proposal, support=1, against=0)
    row = Proposal.objects.with_vote_counts().get(pk=proposal.pk)
    assert (row.online_support, row.online_against) == (3, 2)
    assert (row.offline_support, row.offline_against) == (11, 4)
    assert (row.support_total, row.against_total, row.score) == (14, 6, 8)
    empty = Proposal.objects.with_vote_counts().get(pk=ProposalFactory(round=round_).pk)
    assert (empty.support_total, empty.against_total, empty.score) == (0, 0, 0)


def test_visible_excludes_hidden_withdrawn_merged_and_unpublished_rounds():
    shown = ProposalFactory()
    ProposalFactory(round=shown.round, hidden=True)
    ProposalFactory(round=shown.round, status=ProposalStatus.WITHDRAWN)
    ProposalFactory(round=shown.round, status=ProposalStatus.MERGED)
    draft_round = RoundPageFactory(live=False)
    ProposalFactory(round=draft_round)
    assert list(Proposal.objects.visible()) == [shown]


def test_paragraphs():
    proposal = ProposalFactory(description="Erster\nAbsatz.\r\n\r\nZweiter <b>Absatz</b>.\n\n\n")
    assert proposal.paragraphs() == ["Erster Absatz.", "Zweiter <b>Absatz</b>."]
