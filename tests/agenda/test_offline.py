"""Offline contributions: sources, proposals from a source, paper votes as tallies."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from agenda import phases as ph
from agenda.models import OfflineVoteTally, Proposal, ProposalEvent
from agenda.results import round_results
from agenda.steering import enter_offline_proposal, record_paper_votes
from tests.agenda.factories import (
    FieldOfActionFactory,
    OfflineSourceFactory,
    ProposalFactory,
    RoundPageFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def source():
    return OfflineSourceFactory(
        round=RoundPageFactory(current=ph.COMMENT),
        name="Workshop Digitale Schule, 12.03.",
        participants=14,
    )


def test_enter_offline_proposal(source, editor):
    ProposalFactory(round=source.round)
    field = FieldOfActionFactory()
    proposal = enter_offline_proposal(
        source=source,
        title="Tablets für Grundschulen",
        description="Aus dem Workshop.",
        field_of_action=field,
        actor=editor,
    )
    assert proposal.number == 2
    assert proposal.offline_source == source and proposal.author is None
    assert proposal.entered_by == editor
    assert proposal.origin_label == source.name
    assert ProposalEvent.objects.get(proposal=proposal).kind == "entered_offline"
    results = round_results(source.round)
    assert results.proposals_offline == 1
    assert results.participants_offline == 14


def test_paper_votes_replace_not_add(source, steering):
    proposal = ProposalFactory(round=source.round)
    record_paper_votes(proposal, source, 10, 2, steering)
    record_paper_votes(proposal, source, 12, 2, steering)  # a correction
    tally = OfflineVoteTally.objects.get(proposal=proposal, source=source)
    assert (tally.support, tally.against, tally.entered_by) == (12, 2, steering)
    assert ProposalEvent.objects.filter(proposal=proposal, kind="paper_votes").count() == 2
    with pytest.raises(ValidationError):
        record_paper_votes(proposal, source, -1, 0, steering)
    with pytest.raises(ValidationError):
        record_paper_votes(ProposalFactory(), source, 1, 0, steering)  # other round


def test_offline_entry_views_per_role(client, source, resident, editor, steering):
    field = FieldOfActionFactory()
    add_url = reverse("wagtailsnippets_agenda_offlinesource:add_proposal", args=[source.pk])
    data = {"title": "Vom Workshop", "description": "Text", "field_of_action": field.pk}

    client.force_login(resident)
    response = client.post(add_url, data)
    assert response.status_code == 403
    assert not Proposal.objects.filter(title="Vom Workshop").exists()

    for user in (editor, steering):
        client.force_login(user)
        assert client.get(add_url).status_code == 200
        response = client.post(add_url, {**data, "title": f"Vom Workshop {user.pk}"})
        assert response.status_code == 302
        assert Proposal.objects.get(title=f"Vom Workshop {user.pk}").offline_source == source


def test_offline_proposal_form_errors_keep_input(client, source, editor):
    client.force_login(editor)
    url = reverse("wagtailsnippets_agenda_offlinesource:add_proposal", args=[source.pk])
    response = client.post(url, {"title": "Nur ein Titel", "lat": "50.1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nur ein Titel" in html
    assert (
        "Breiten- und Längengrad" in html or "erforderlich" in html.lower() or "Pflichtfeld" in html
    )


def test_no_offline_entry_after_the_evaluation(client, editor):
    late = OfflineSourceFactory(round=RoundPageFactory(current=ph.RESULT))
    client.force_login(editor)
    url = reverse("wagtailsnippets_agenda_offlinesource:tallies", args=[late.pk])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def test_tally_sheet(client, source, editor):
    first, second, third = ProposalFactory.create_batch(3, round=source.round)
    record_paper_votes(third, source, 1, 1, editor)
    client.force_login(editor)
    url = reverse("wagtailsnippets_agenda_offlinesource:tallies", args=[source.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert first.reference in page.content.decode()
    response = client.post(
        url,
        {
            f"p{first.pk}-support": "7",
            f"p{first.pk}-against": "",
            f"p{second.pk}-support": "",
            f"p{second.pk}-against": "",
            f"p{third.pk}-support": "1",
            f"p{third.pk}-against": "1",
        },
    )
    assert response.status_code == 302
    tallies = {t.proposal_id: (t.support, t.against) for t in OfflineVoteTally.objects.all()}
    assert tallies == {first.pk: (7, 0), third.pk: (1, 1)}
    # bad numbers: nothing is saved, the input is kept
    response = client.post(url, {f"p{first.pk}-support": "-4", f"p{second.pk}-support": "3"})
    assert response.status_code == 400
    assert 'value="-4"' in response.content.decode()
    assert not OfflineVoteTally.objects.filter(proposal=second).exists()


def test_offline_sources_list(client, source, editor, steering, superuser):
    for user in (editor, steering, superuser):
        client.force_login(user)
        response = client.get(reverse("wagtailsnippets_agenda_offlinesource:list"))
        assert response.status_code == 200
        assert source.name in response.content.decode()
