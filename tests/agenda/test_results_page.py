"""The public results page of a round: visible once results are public, preview for staff."""

import pytest
from django.core import mail

from agenda import phases as ph
from tests.agenda.factories import (
    OfflineSourceFactory,
    OfflineVoteTallyFactory,
    ProposalFactory,
    RoundPageFactory,
    VoteFactory,
)

pytestmark = pytest.mark.django_db


def results_url(round_page):
    return round_page.url + "ergebnisse/"


@pytest.fixture
def finished_round():
    round_page = RoundPageFactory(current=ph.RESULT, title="Runde 2025")
    adopted = ProposalFactory(
        round=round_page,
        title="Digitale Bibliothek",
        status="in_progress",
        answer="Wir setzen das 2026 um.",
        answer_published=True,
    )
    rejected = ProposalFactory(
        round=round_page,
        title="Seilbahn",
        status="rejected",
        answer="Zu teuer.",
        answer_published=True,
    )
    ProposalFactory(round=round_page, title="Unbeantwortet")
    VoteFactory.create_batch(3, proposal=adopted)
    VoteFactory(proposal=rejected)
    source = OfflineSourceFactory(round=round_page, participants=15)
    OfflineVoteTallyFactory(proposal=rejected, source=source, support=6, against=0)
    return round_page


def test_public_results_page(client, finished_round):
    response = client.get(results_url(finished_round))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ergebnisse: Runde 2025" in html
    assert "Vorschau" not in html
    # figures: 3 authors + 4 voters online, 15 offline
    assert "22</span>" in html  # participants total
    assert "Digitale Bibliothek" in html and "Wir setzen das 2026 um." in html
    assert "Zu teuer." in html
    assert "in Umsetzung" in html
    assert "Was seitdem geschah" in html
    # ranking: Seilbahn (1 online + 6 paper = 7) before Digitale Bibliothek (3)
    assert html.index("Seilbahn") < html.index("Digitale Bibliothek", html.index("Rangfolge"))


def test_results_hidden_until_public(client, resident, editor, steering):
    round_page = RoundPageFactory(current=ph.VOTE)
    ProposalFactory(round=round_page, title="Noch geheim", answer="Interne Antwort")
    url = results_url(round_page)
    response = client.get(url)
    assert response.status_code == 404
    assert "noch nicht veröffentlicht" in response.content.decode()
    assert "Noch geheim" not in response.content.decode()
    client.force_login(resident)
    assert client.get(url).status_code == 404
    for staff in (editor, steering):
        client.force_login(staff)
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Vorschau" in html and "Noch geheim" in html and "Interne Antwort" in html


def test_waiting_answers_become_public_with_the_results(
    client, finished_round, django_capture_on_commit_callbacks
):
    waiting = ProposalFactory(
        round=finished_round, title="Wartet", status="adopted", answer="Kommt mit dem Ergebnis."
    )
    with django_capture_on_commit_callbacks(execute=True):
        html = client.get(results_url(finished_round)).content.decode()
    assert "Kommt mit dem Ergebnis." in html
    waiting.refresh_from_db()
    assert waiting.answer_published
    assert [m.to for m in mail.outbox] == [[waiting.author.email]]


def test_results_page_query_count(client, finished_round, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = results_url(finished_round)
    client.get(url)  # warm caches (site root paths)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for proposal in ProposalFactory.create_batch(
        25, round=finished_round, status="adopted", answer="Ja", answer_published=True
    ):
        VoteFactory(proposal=proposal)
    with django_assert_max_num_queries(len(few)):
        assert client.get(url).status_code == 200


def test_results_page_in_english(client, finished_round):
    response = client.get("/en" + results_url(finished_round))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Results: Runde 2025" in html
    assert "The round in figures" in html and "What has happened since" in html


def test_large_round_lists_the_top_and_links_to_the_rest(client, finished_round, monkeypatch):
    """A round with more proposals than the page lists shows the top of the ranking and of the
    answers, and links to the proposal list sorted by votes for the rest."""
    from agenda import results_views

    monkeypatch.setattr(results_views, "LIST_LIMIT", 1)
    html = client.get(results_url(finished_round)).content.decode()
    ranking = html[html.index('id="ranking-heading"') : html.index('id="fields-heading"')]
    # Seilbahn leads (7 votes): it is listed, the other two are behind the link.
    assert "Seilbahn" in ranking and "Digitale Bibliothek" not in ranking
    assert "2 weitere Vorschläge: alle Vorschläge nach Stimmen sortiert" in ranking
    assert f'href="{finished_round.url}?sortierung=stimmen"' in ranking
    answers = html[html.index('id="answers-heading"') : html.index('id="since-heading"')]
    assert "Zu teuer." in answers and "Wir setzen das 2026 um." not in answers
    assert "Die Antwort auf einen weiteren Vorschlag steht auf seiner Seite." in answers
