"""Services of the residents' side: submit, edit, withdraw, with history and permission checks."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from agenda.models import ProposalEvent, ProposalStatus
from agenda.services import cast_vote, edit_proposal, submit_proposal, votes_left, withdraw_proposal
from tests.agenda.factories import FieldOfActionFactory, ProposalFactory, RoundPageFactory

pytestmark = pytest.mark.django_db


def test_submit_records_history(resident, field_of_action):
    round_ = RoundPageFactory(current="propose")
    proposal = submit_proposal(
        round_,
        resident,
        title="  Digitale Schulanmeldung  ",
        description="Anmeldung online.",
        field_of_action=field_of_action,
    )
    assert proposal.title == "Digitale Schulanmeldung"
    assert proposal.status == ProposalStatus.RECEIVED
    event = ProposalEvent.objects.get(proposal=proposal)
    assert (event.kind, event.actor, event.to_status) == ("submitted", resident, "received")


def test_submit_refused_outside_the_phase(resident, field_of_action):
    with pytest.raises(PermissionDenied):
        submit_proposal(
            RoundPageFactory(current="vote"),
            resident,
            title="Zu spät",
            description="…",
            field_of_action=field_of_action,
        )


def test_superusers_follow_the_phase_too(superuser, field_of_action):
    with pytest.raises(PermissionDenied):
        submit_proposal(
            RoundPageFactory(current="result"),
            superuser,
            title="Auch nicht",
            description="…",
            field_of_action=field_of_action,
        )


def test_field_of_action_outside_the_round(resident):
    round_ = RoundPageFactory(current="propose")
    round_.fields_of_action.add(FieldOfActionFactory())
    round_.save()
    with pytest.raises(ValidationError):
        submit_proposal(
            round_, resident, title="T", description="D", field_of_action=FieldOfActionFactory()
        )


def test_edit_and_withdraw(resident):
    proposal = ProposalFactory(round=RoundPageFactory(current="propose"), author=resident)
    edit_proposal(proposal, resident, title="Neu")
    edit_proposal(proposal, resident, title="Neu")  # unchanged: no second event
    assert proposal.events.filter(kind="edited").count() == 1
    withdraw_proposal(proposal, resident)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN
    assert proposal.events.filter(kind="withdrawn", from_status="received").exists()
    with pytest.raises(PermissionDenied):
        edit_proposal(proposal, resident, title="Noch neuer")


def test_others_cannot_edit_or_withdraw(resident, other_resident):
    proposal = ProposalFactory(round=RoundPageFactory(current="propose"), author=resident)
    with pytest.raises(PermissionDenied):
        edit_proposal(proposal, other_resident, title="Gekapert")
    with pytest.raises(PermissionDenied):
        withdraw_proposal(proposal, other_resident)


def test_votes_on_withdrawn_proposals_free_the_budget(resident, other_resident):
    round_ = RoundPageFactory(current="vote", max_votes_per_person=1)
    proposal = ProposalFactory(round=round_, author=other_resident)
    cast_vote(resident, proposal)
    assert votes_left(resident, round_) == 0
    withdraw_proposal(proposal, other_resident)
    assert votes_left(resident, round_) == 1
