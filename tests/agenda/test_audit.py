"""Audit trail of the agenda: the editors' moderation of proposals and the steering group's verbs
(answer, publish answers, merge, carry over, offline entries, paper votes) each write exactly one
entry per proposal in Wagtail's log; editors and the steering group see them in the "Protokoll"
and in the proposal's history, residents do not."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from wagtail.models import ModelLogEntry

from agenda import phases as ph
from agenda import steering as st
from agenda.models import Proposal
from agenda.wagtail_hooks import LOG_HIDE, LOG_MODERATE_EDIT, LOG_SHOW
from tests.agenda.factories import (
    FieldOfActionFactory,
    OfflineSourceFactory,
    ProposalFactory,
    RoundPageFactory,
    VoteFactory,
)

pytestmark = pytest.mark.django_db


def entries(proposal):
    return list(
        ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Proposal), object_id=str(proposal.pk)
        ).order_by("pk")
    )


def only_entry(proposal):
    found = entries(proposal)
    assert len(found) == 1, [e.action for e in found]
    return found[0]


def _moderation_data(proposal, **overrides):
    data = {
        "title": proposal.title,
        "description": proposal.description,
        "field_of_action": proposal.field_of_action_id,
        "hidden_reason": "",
    }
    data.update(overrides)
    return data


def test_hide_and_show_again(client, editor):
    proposal = ProposalFactory(round=RoundPageFactory(current=ph.COMMENT))
    url = reverse("wagtailsnippets_agenda_proposal:edit", args=[proposal.pk])
    client.force_login(editor)
    response = client.post(url, _moderation_data(proposal, hidden="on", hidden_reason="Werbung"))
    assert response.status_code == 302
    entry = only_entry(proposal)
    assert (entry.action, entry.user, entry.data) == (LOG_HIDE, editor, {"reason": "Werbung"})
    response = client.post(url, _moderation_data(proposal))
    assert response.status_code == 302
    assert [e.action for e in entries(proposal)] == [LOG_HIDE, LOG_SHOW]


def test_moderation_edit(client, editor):
    proposal = ProposalFactory(round=RoundPageFactory(current=ph.COMMENT))
    url = reverse("wagtailsnippets_agenda_proposal:edit", args=[proposal.pk])
    client.force_login(editor)
    response = client.post(url, _moderation_data(proposal, title="Ein sachlicher Titel"))
    assert response.status_code == 302
    entry = only_entry(proposal)
    assert (entry.action, entry.user, entry.data) == (
        LOG_MODERATE_EDIT,
        editor,
        {"fields": ["title"]},
    )


def test_answer_writes_one_entry(client, steering):
    proposal = ProposalFactory(round=RoundPageFactory(current=ph.EVALUATE))
    client.force_login(steering)
    response = client.post(
        reverse("wagtailsnippets_agenda_proposal:manage", args=[proposal.pk]),
        {"status": "adopted", "answer": "Das machen wir.", "publish": "now"},
    )
    assert response.status_code == 302
    entry = only_entry(proposal)
    assert (entry.action, entry.user) == (st.LOG_ANSWER, steering)
    assert entry.data == {"from_status": "received", "to_status": "adopted", "published": True}


def test_publish_answers_one_entry_each(client, steering):
    round_page = RoundPageFactory(current=ph.EVALUATE)
    waiting = ProposalFactory.create_batch(2, round=round_page, answer="Antwort")
    client.force_login(steering)
    client.post(reverse("agenda_rounds:publish_answers", args=[round_page.pk]))
    for proposal in waiting:
        entry = only_entry(proposal)
        assert (entry.action, entry.user) == (st.LOG_ANSWER_PUBLISH, steering)


def test_merge_one_entry_on_each_side(client, editor):
    round_page = RoundPageFactory(current=ph.VOTE)
    target, source = ProposalFactory(round=round_page), ProposalFactory(round=round_page)
    VoteFactory(proposal=source)
    client.force_login(editor)
    url = reverse("wagtailsnippets_agenda_proposal:merge", args=[source.pk])
    client.post(url, {"target": target.pk})  # the confirmation page: nothing logged yet
    assert entries(source) == [] and entries(target) == []
    client.post(url, {"target": target.pk, "confirm": "1"})
    assert (only_entry(source).action, only_entry(source).user) == (st.LOG_MERGE, editor)
    assert (only_entry(target).action, only_entry(target).user) == (st.LOG_MERGE_TARGET, editor)


def test_carry_over_one_entry_on_each_side(client, steering):
    first = RoundPageFactory(current=ph.RESULT)
    second = RoundPageFactory(current=ph.PROPOSE, parent=first.get_parent())
    chosen = ProposalFactory(round=first)
    url = (
        reverse("wagtail_bulk_action", args=["agenda", "proposal", "carry_over"])
        + f"?id={chosen.pk}"
    )
    client.force_login(steering)
    assert client.post(url, {"target_round": second.pk}).status_code == 302
    copy = Proposal.objects.get(round=second)
    assert (only_entry(chosen).action, only_entry(chosen).user) == (st.LOG_CARRY_OVER, steering)
    assert (only_entry(copy).action, only_entry(copy).user) == (st.LOG_CARRIED_FROM, steering)


def test_offline_entry_and_paper_votes(client, steering):
    source = OfflineSourceFactory(round=RoundPageFactory(current=ph.COMMENT))
    field = FieldOfActionFactory()
    client.force_login(steering)
    response = client.post(
        reverse("wagtailsnippets_agenda_offlinesource:add_proposal", args=[source.pk]),
        {"title": "Vom Workshop", "description": "Text", "field_of_action": field.pk},
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get(title="Vom Workshop")
    entry = only_entry(proposal)
    assert (entry.action, entry.user) == (st.LOG_OFFLINE_ENTRY, steering)

    response = client.post(
        reverse("wagtailsnippets_agenda_offlinesource:tallies", args=[source.pk]),
        {f"p{proposal.pk}-support": "7", f"p{proposal.pk}-against": "2"},
    )
    assert response.status_code == 302
    assert [e.action for e in entries(proposal)] == [st.LOG_OFFLINE_ENTRY, st.LOG_PAPER_VOTES]
    assert entries(proposal)[1].user == steering


def test_protokoll_and_history_for_staff_not_for_residents(client, steering, editor, resident):
    proposal = ProposalFactory(
        round=RoundPageFactory(current=ph.EVALUATE), title="Bänke am Schlossplatz"
    )
    st.answer_proposal(proposal, status="in_review", answer="", publish_now=False, actor=steering)
    for user in (steering, editor):
        client.force_login(user)
        response = client.get(reverse("civic_audit:index"))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Bänke am Schlossplatz" in html and "Beantworten" in html
        history = client.get(reverse("wagtailsnippets_agenda_proposal:history", args=[proposal.pk]))
        assert history.status_code == 200
        assert "Status und Antwort gesetzt" in history.content.decode()
    client.force_login(resident)
    response = client.get(reverse("civic_audit:index"))
    assert response.status_code in (302, 403)
    assert "Bänke am Schlossplatz" not in response.content.decode()
