"""The "Digitale Agenda" admin: access per role, list with filters and export, answering,
merging, carrying over (bulk action), rounds overview."""

import pytest
from django.core import mail
from django.urls import reverse

from agenda import phases as ph
from agenda.models import Proposal
from tests.agenda.factories import (
    FieldOfActionFactory,
    OfflineSourceFactory,
    ProposalFactory,
    RoundPageFactory,
    VoteFactory,
)

pytestmark = pytest.mark.django_db

LIST = "wagtailsnippets_agenda_proposal:list"


def manage_url(proposal):
    return reverse("wagtailsnippets_agenda_proposal:manage", args=[proposal.pk])


@pytest.fixture
def evaluating_round():
    return RoundPageFactory(current=ph.EVALUATE, title="Runde in Auswertung")


@pytest.fixture
def proposal(evaluating_round):
    return ProposalFactory(round=evaluating_round, title="Offenes WLAN am Marktplatz")


def login(client, user):
    client.force_login(user)
    return client


# -- access -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name,args",
    [
        (LIST, []),
        ("wagtailsnippets_agenda_proposal:manage", ["proposal"]),
        ("wagtailsnippets_agenda_proposal:merge", ["proposal"]),
        ("agenda_rounds:index", []),
        ("wagtailsnippets_agenda_offlinesource:list", []),
        ("wagtailsnippets_agenda_fieldofaction:list", []),
    ],
)
def test_residents_and_anonymous_get_no_admin(client, resident, proposal, url_name, args):
    url = reverse(url_name, args=[proposal.pk for _ in args])
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    login(client, resident)
    response = client.get(url)
    assert response.status_code == 403
    assert proposal.title.encode() not in response.content


@pytest.mark.parametrize("role", ["editor", "steering", "superuser"])
def test_staff_see_the_list_and_the_proposal(client, request, role, proposal):
    user = request.getfixturevalue(role)
    login(client, user)
    response = client.get(reverse(LIST))
    assert response.status_code == 200
    assert proposal.title in response.content.decode()
    response = client.get(manage_url(proposal))
    assert response.status_code == 200
    assert proposal.reference in response.content.decode()
    assert client.get(reverse("agenda_rounds:index")).status_code == 200


def test_only_the_steering_group_answers(client, editor, steering, proposal):
    data = {"status": "adopted", "answer": "Das machen wir.", "publish": "now"}
    login(client, editor)
    page = client.get(manage_url(proposal)).content.decode()
    assert 'name="answer"' not in page
    response = client.post(manage_url(proposal), data)
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    proposal.refresh_from_db()
    assert proposal.status == "received" and proposal.answer == ""

    login(client, steering)
    page = client.get(manage_url(proposal)).content.decode()
    assert 'name="answer"' in page


def test_steering_group_answers_and_the_author_is_mailed(
    client, steering, proposal, django_capture_on_commit_callbacks
):
    login(client, steering)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            manage_url(proposal),
            {"status": "adopted", "answer": "Das machen wir.", "publish": "now"},
        )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "adopted" and proposal.answer_published
    assert proposal.answered_by == steering
    assert [m.to for m in mail.outbox] == [[proposal.author.email]]


def test_answer_form_errors_keep_the_input(client, steering, proposal):
    login(client, steering)
    response = client.post(
        manage_url(proposal), {"status": "adopted", "answer": "", "publish": "now"}
    )
    assert response.status_code == 400
    assert "bevor Sie sie veröffentlichen" in response.content.decode()
    response = client.post(
        manage_url(proposal), {"status": "merged", "answer": "Text bleibt", "publish": "now"}
    )
    assert response.status_code == 400
    assert "Text bleibt" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "received"


def test_no_answer_form_outside_evaluation(client, steering):
    proposal = ProposalFactory(round=RoundPageFactory(current=ph.VOTE))
    login(client, steering)
    assert 'name="answer"' not in client.get(manage_url(proposal)).content.decode()
    response = client.post(
        manage_url(proposal), {"status": "adopted", "answer": "x", "publish": "now"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


# -- list, filters, export ------------------------------------------------------------------


def test_filters(client, steering, evaluating_round):
    other_round = RoundPageFactory(current=ph.VOTE, parent=evaluating_round.get_parent())
    bildung = FieldOfActionFactory(name="Bildung", slug="bildung-x")
    answered = ProposalFactory(
        round=evaluating_round,
        title="Beantwortet A",
        answer="Ja",
        answer_published=True,
        field_of_action=bildung,
    )
    waiting = ProposalFactory(round=evaluating_round, title="Wartend B", answer="Bald")
    open_ = ProposalFactory(round=evaluating_round, title="Offen C")
    source = OfflineSourceFactory(round=evaluating_round)
    offline = ProposalFactory(
        round=evaluating_round, title="Workshop D", author=None, offline_source=source
    )
    elsewhere = ProposalFactory(round=other_round, title="Andere Runde E")
    login(client, steering)

    def titles(**params):
        html = client.get(reverse(LIST), params).content.decode()
        return {p.title for p in (answered, waiting, open_, offline, elsewhere) if p.title in html}

    assert titles(round=evaluating_round.pk) == {
        "Beantwortet A",
        "Wartend B",
        "Offen C",
        "Workshop D",
    }
    assert titles(round=evaluating_round.pk, answer="none") == {"Offen C", "Workshop D"}
    assert titles(answer="waiting") == {"Wartend B"}
    assert titles(answer="published") == {"Beantwortet A"}
    assert titles(origin="offline") == {"Workshop D"}
    assert titles(field_of_action=bildung.pk) == {"Beantwortet A"}
    assert titles(status=["received"], round=other_round.pk) == {"Andere Runde E"}


def test_list_query_count_does_not_grow(
    client, steering, evaluating_round, django_assert_max_num_queries
):
    login(client, steering)
    ProposalFactory.create_batch(3, round=evaluating_round)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(LIST)).status_code == 200
    for proposal in ProposalFactory.create_batch(40, round=evaluating_round):
        VoteFactory(proposal=proposal)
    with django_assert_max_num_queries(len(few) + 2):
        assert client.get(reverse(LIST)).status_code == 200


def test_export_has_figures_and_no_private_data(client, steering, proposal):
    VoteFactory.create_batch(2, proposal=proposal)
    login(client, steering)
    response = client.get(reverse(LIST), {"export": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    assert proposal.reference in text and proposal.title in text
    assert "Online dafür" in text
    assert "@" not in text  # no e-mail address of anybody
    assert proposal.author.public_name in text
    response = client.get(reverse(LIST), {"export": "xlsx"})
    assert response.status_code == 200


# -- merge -----------------------------------------------------------------------------------


def test_merge_choose_confirm(client, editor):
    round_page = RoundPageFactory(current=ph.VOTE)
    target, source = ProposalFactory(round=round_page), ProposalFactory(round=round_page)
    VoteFactory(proposal=source)
    url = reverse("wagtailsnippets_agenda_proposal:merge", args=[source.pk])
    login(client, editor)
    assert client.get(url).status_code == 200
    response = client.post(url, {"target": target.pk})
    assert response.status_code == 200
    assert "Bitte bestätigen" in response.content.decode()
    source.refresh_from_db()
    assert source.status == "received"  # nothing happened yet
    response = client.post(url, {"target": target.pk, "confirm": "1"})
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.status == "merged" and source.merged_into == target
    assert target.votes.count() == 1


def test_merge_refuses_other_round_and_wrong_phase(client, steering):
    round_page = RoundPageFactory(current=ph.VOTE)
    source = ProposalFactory(round=round_page)
    foreign = ProposalFactory()
    url = reverse("wagtailsnippets_agenda_proposal:merge", args=[source.pk])
    login(client, steering)
    response = client.post(url, {"target": foreign.pk, "confirm": "1"})
    assert response.status_code == 400
    ended = ProposalFactory(round=RoundPageFactory(current=ph.RESULT))
    response = client.get(reverse("wagtailsnippets_agenda_proposal:merge", args=[ended.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


# -- carry-over bulk action --------------------------------------------------------------------


def bulk_url(ids, **params):
    from urllib.parse import urlencode

    query = [("id", i) for i in ids] + list(params.items())
    return (
        reverse("wagtail_bulk_action", args=["agenda", "proposal", "carry_over"])
        + "?"
        + urlencode(query)
    )


def test_carry_over_bulk_action(client, steering, editor):
    first = RoundPageFactory(current=ph.RESULT, title="Runde eins")
    second = RoundPageFactory(current=ph.PROPOSE, title="Runde zwei", parent=first.get_parent())
    chosen = ProposalFactory.create_batch(3, round=first)
    ProposalFactory(round=first)  # not chosen
    url = bulk_url([p.pk for p in chosen])

    login(client, editor)  # editors do not carry over
    response = client.post(url, {"target_round": second.pk})
    assert Proposal.objects.filter(round=second).count() == 0

    login(client, steering)
    page = client.get(url)
    assert page.status_code == 200
    assert "Runde zwei" in page.content.decode()
    response = client.post(url, {"target_round": second.pk})
    assert response.status_code == 302
    copies = Proposal.objects.filter(round=second)
    assert {c.carried_from_id for c in copies} == {p.pk for p in chosen}


def test_carry_over_select_all_respects_the_filter(client, steering):
    first = RoundPageFactory(current=ph.RESULT)
    second = RoundPageFactory(current=ph.PROPOSE, parent=first.get_parent())
    adopted = ProposalFactory.create_batch(2, round=first, status="adopted")
    ProposalFactory.create_batch(2, round=first, status="rejected")
    login(client, steering)
    url = bulk_url(["all"], round=first.pk, status="adopted")
    response = client.post(url, {"target_round": second.pk})
    assert response.status_code == 302
    assert {c.carried_from_id for c in Proposal.objects.filter(round=second)} == {
        p.pk for p in adopted
    }


# -- rounds overview: publish waiting answers ------------------------------------------------------


def test_publish_waiting_answers_from_the_rounds_page(
    client, steering, evaluating_round, django_capture_on_commit_callbacks
):
    waiting = ProposalFactory(round=evaluating_round, answer="Antwort", status="rejected")
    login(client, steering)
    page = client.get(reverse("agenda_rounds:index")).content.decode()
    assert "Antwort jetzt veröffentlichen" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("agenda_rounds:publish_answers", args=[evaluating_round.pk]))
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.answer_published
    assert len(mail.outbox) == 1


def test_editors_cannot_publish_answers(client, editor, evaluating_round):
    waiting = ProposalFactory(round=evaluating_round, answer="Antwort")
    login(client, editor)
    client.post(reverse("agenda_rounds:publish_answers", args=[evaluating_round.pk]))
    waiting.refresh_from_db()
    assert not waiting.answer_published
