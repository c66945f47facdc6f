"""The agenda's part of the account deletion: which proposals go or stay; votes stay counted."""

import json
import zipfile
from io import BytesIO

import pytest
from django.urls import reverse

from agenda.models import Proposal, ProposalEvent, ProposalStatus, Vote
from agenda.steering import answer_proposal, merge_proposals
from civic import privacy
from tests.agenda.factories import (
    OfflineVoteTallyFactory,
    ProposalFactory,
    RoundPageFactory,
    VoteFactory,
)


@pytest.fixture
def round_page(db):
    return RoundPageFactory(current="vote")


def erase(user, mode, capture):
    with capture(execute=True):
        privacy.erase_account(user, mode)


@pytest.mark.parametrize("mode", ["anonymise", "delete"])
def test_votes_stay_counted(
    round_page, resident, other_resident, mode, django_capture_on_commit_callbacks
):
    proposal = ProposalFactory(round=round_page, author=other_resident)
    VoteFactory(proposal=proposal, user=resident)
    VoteFactory(proposal=proposal, user=other_resident)
    before = Proposal.objects.with_vote_counts().get(pk=proposal.pk).online_support
    erase(resident, mode, django_capture_on_commit_callbacks)
    proposal.refresh_from_db()
    assert Proposal.objects.with_vote_counts().get(pk=proposal.pk).online_support == before == 2
    assert proposal.votes_for == 2  # the denormalised counter too
    assert Vote.objects.filter(proposal=proposal, user__isnull=True).count() == 1


def test_delete_mode_decides_per_proposal(
    round_page, resident, other_resident, steering, django_capture_on_commit_callbacks
):
    alone = ProposalFactory(round=round_page, author=resident, title="Allein")
    VoteFactory(proposal=alone, user=resident)  # her own vote does not count as someone else's
    voted = ProposalFactory(round=round_page, author=resident, title="Mit Stimmen")
    VoteFactory(proposal=voted, user=other_resident)
    answered = ProposalFactory(round=round_page, author=resident, title="Beantwortet")
    answer_proposal(
        answered,
        status=ProposalStatus.ADOPTED,
        answer="Wird umgesetzt.",
        publish_now=True,
        actor=steering,
    )
    paper = ProposalFactory(round=round_page, author=resident, title="Auf Papier")
    OfflineVoteTallyFactory(proposal=paper)
    target = ProposalFactory(round=round_page, author=other_resident, title="Ziel")
    merged = ProposalFactory(round=round_page, author=resident, title="Zusammengeführt")
    merge_proposals([merged], target, actor=steering)

    erase(resident, "delete", django_capture_on_commit_callbacks)

    assert not Proposal.objects.filter(pk=alone.pk).exists()
    for kept in (voted, answered, paper, merged):
        kept.refresh_from_db()
        assert privacy.is_deleted_account(kept.author), kept.title
        assert "gelöscht" in kept.description
    # Still open → withdrawn (with a history entry); decided ones keep the decision.
    assert voted.status == ProposalStatus.WITHDRAWN
    assert ProposalEvent.objects.filter(proposal=voted, kind="withdrawn", actor=None).exists()
    assert answered.status == ProposalStatus.ADOPTED and answered.answer == "Wird umgesetzt."
    assert merged.status == ProposalStatus.MERGED and merged.merged_into_id == target.pk
    assert Proposal.objects.get(pk=target.pk).title == "Ziel"


def test_anonymise_keeps_proposals_and_their_public_page(
    client, round_page, resident, django_capture_on_commit_callbacks
):
    proposal = ProposalFactory(round=round_page, author=resident, title="Mehr Bänke")
    erase(resident, "anonymise", django_capture_on_commit_callbacks)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.RECEIVED and proposal.title == "Mehr Bänke"
    page = client.get(reverse("agenda:proposal", args=[proposal.pk])).content.decode()
    assert "Mehr Bänke" in page and "Anonym" in page and "Rita Resident" not in page


def test_staff_entered_proposal_keeps_its_origin(
    round_page, editor, django_capture_on_commit_callbacks
):
    proposal = ProposalFactory(round=round_page, author=None, entered_by=editor)
    erase(editor, "anonymise", django_capture_on_commit_callbacks)
    proposal.refresh_from_db()
    assert privacy.is_deleted_account(proposal.entered_by)


def test_export_lists_proposals_votes_and_rounds(client, round_page, resident, other_resident):
    mine = ProposalFactory(round=round_page, author=resident, title="Meiner")
    ProposalFactory(round=round_page, author=other_resident, title="Fremder")
    VoteFactory(proposal=mine, user=other_resident)
    client.force_login(resident)
    response = client.post(reverse("civic:my_data_download"))
    archive = zipfile.ZipFile(BytesIO(b"".join(response.streaming_content)))
    agenda = json.loads(archive.read("daten.json"))["agenda"]
    assert [p["title"] for p in agenda["proposals"]] == ["Meiner"]
    assert agenda["proposals"][0]["reference"] == mine.reference
    assert agenda["votes"] == []  # Otto's vote on her proposal is Otto's data
