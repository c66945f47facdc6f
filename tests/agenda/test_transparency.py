"""The public transparency page of a round (the results page, ``…/ergebnisse/``): headline
figures and what became of the proposals, public only once the round shows its results."""

import re
from collections import Counter

import pytest

from agenda import phases as ph
from agenda.models import Proposal
from tests.agenda.factories import ProposalFactory, RoundPageFactory
from tests.agenda.factories_dashboard import build_dashboard_round

pytestmark = pytest.mark.django_db

STATUS_LABELS = {
    "received": "eingegangen",
    "in_review": "in Prüfung",
    "adopted": "in die Agenda aufgenommen",
    "partially_adopted": "teilweise aufgenommen",
    "rejected": "abgelehnt",
    "in_progress": "in Umsetzung",
    "implemented": "umgesetzt",
    "merged": "zusammengeführt",
    "withdrawn": "zurückgezogen",
}


def results_url(round_page):
    return round_page.url + "ergebnisse/"


def _figure(html, label):
    match = re.search(
        r'results-figures__value">(\d+)</span>\s*<span class="results-figures__label">'
        + re.escape(label),
        html,
    )
    assert match, label
    return int(match.group(1))


def _status_table(html):
    """The status chart's data table: {label: count}."""
    start = html.index('id="outcome-heading"')
    section = html[start : html.index("</section>", start)]
    table = section[section.index("<table") :]
    return {
        label.strip(): int(count)
        for label, count in re.findall(
            r'<th scope="row">([^<]+)</th>\s*<td[^>]*>(\d+)', table, flags=re.DOTALL
        )
    }


def test_figures_and_outcome_match_the_rows(client):
    round_page, record = build_dashboard_round(seed=51, size=30, current=ph.RESULT)
    response = client.get(results_url(round_page))
    assert response.status_code == 200
    html = response.content.decode()

    visible = [r for r in record["rows"] if not r["p"].hidden]
    # the page's answer-publication step publishes waiting answers once the results are public
    for r in visible:
        r["p"].refresh_from_db()
    not_withdrawn = [r for r in visible if r["p"].status != "withdrawn"]
    in_running = [r for r in visible if r["p"].status not in {"merged", "withdrawn"}]
    people = (
        {r["p"].author_id for r in visible if r["p"].author_id}
        | {u for r in visible for u in r["voters"]}
        | {u for r in visible for u, ok, _d in r["comments"] if ok}
    )
    offline = sum(s.participants for s in record["sources"])
    assert _figure(html, "Teilnehmende") == len(people) + offline
    assert _figure(html, "Vorschläge") == len(not_withdrawn)
    assert _figure(html, "Kommentare") == sum(
        1 for r in visible for _u, ok, _d in r["comments"] if ok
    )

    # what became of the proposals: every status with its count, as an SVG chart with a table
    expected = Counter(STATUS_LABELS[r["p"].status] for r in visible)
    assert _status_table(html) == dict(expected)
    outcome = html[html.index('id="outcome-heading"') :]
    assert "<svg" in outcome.split("</section>")[0]
    answered = sum(1 for r in in_running if r["p"].answer and r["p"].answer_published)
    percent = round(answered * 100 / len(in_running))
    assert f"{answered} von {len(in_running)} Vorschlägen haben eine veröffentlichte Antwort" in (
        " ".join(html.split())
    )
    assert f"({percent} %)" in html


def test_adopted_proposals_link_to_their_answers_and_carried_ones_are_named(client):
    round_page = RoundPageFactory(current=ph.RESULT, title="Runde 2025")
    later = RoundPageFactory(current=ph.PROPOSE, parent=round_page.get_parent(), title="Runde 2026")
    adopted = ProposalFactory(
        round=round_page,
        title="Digitale Bibliothek",
        status="adopted",
        answer="Wir machen das.",
        answer_published=True,
    )
    open_one = ProposalFactory(round=round_page, title="Funknetz am Bahnhof", status="in_review")
    ProposalFactory(round=later, title=open_one.title, carried_from=open_one)
    ProposalFactory(round=round_page, title="Doppelt", status="merged", merged_into=adopted)

    html = client.get(results_url(round_page)).content.decode()
    adopted_section = html[html.index('id="adopted-heading"') :]
    adopted_section = adopted_section[: adopted_section.index("</section>")]
    assert "Digitale Bibliothek" in adopted_section
    assert f'href="#answer-{adopted.pk}"' in adopted_section
    assert f'id="answer-{adopted.pk}"' in html and "Wir machen das." in html
    text = " ".join(html.split())
    assert "1 Vorschlag wird in einer späteren Runde weiter beraten." in text
    assert "1 Vorschlag wurde mit einem ähnlichen zusammengeführt." in text
    assert "Runde 2026" in html
    assert "1 von 2 Vorschlägen haben eine veröffentlichte Antwort" in text


@pytest.mark.parametrize("phase", [ph.PROPOSE, ph.VOTE, ph.EVALUATE])
def test_not_public_before_the_result_phase(client, resident, phase):
    round_page = RoundPageFactory(current=phase)
    ProposalFactory(round=round_page, title="Noch geheim", answer="Intern", answer_published=False)
    for user in (None, resident):
        if user:
            client.force_login(user)
        response = client.get(results_url(round_page))
        assert response.status_code == 404
        assert "Noch geheim" not in response.content.decode()
    assert not Proposal.objects.get(title="Noch geheim").answer_published


def test_query_count_independent_of_round_size(client, django_assert_max_num_queries):
    small, _ = build_dashboard_round(seed=52, size=5, current=ph.RESULT)
    big, _ = build_dashboard_round(seed=53, size=60, current=ph.RESULT)
    client.get(results_url(small))  # publishes the waiting answers once
    client.get(results_url(big))
    with django_assert_max_num_queries(100) as captured:
        assert client.get(results_url(small)).status_code == 200
    with django_assert_max_num_queries(len(captured)):
        assert client.get(results_url(big)).status_code == 200
