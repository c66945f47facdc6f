"""The council report of a round (agenda/report.py): HTML and PDF, access and log.

Every figure is checked against counts computed here from the rows the test created.
"""

import html
import io
import re

import pypdf
import pytest
from django.urls import reverse
from wagtail.models import PageLogEntry

from agenda import phases as ph
from agenda.models import Proposal
from agenda.report import LOG_ACTION
from tests.agenda.factories import (
    FieldOfActionFactory,
    OfflineSourceFactory,
    OfflineVoteTallyFactory,
    ProposalFactory,
    RoundPageFactory,
    VoteFactory,
    make_comment,
)
from tests.civic.factories import DistrictFactory, UserFactory

pytestmark = pytest.mark.django_db

# (title, online votes, paper support, status, published answer, unpublished answer)
PROPOSALS = [
    ("WLAN in allen Schulen", 5, 4, "adopted", "Wird 2027 umgesetzt & finanziert.", ""),
    ("Digitale Bürgersprechstunde", 2, 0, "rejected", "Der Rat hat <b>abgelehnt</b>.", ""),
    ("Offene Daten zum Nahverkehr", 3, 1, "in_review", "", "Entwurf, nicht veröffentlicht."),
    ("Sensoren für Parkplätze", 1, 9, "in_progress", "Erste Sensoren hängen.", ""),
    ("Onlineformular Sperrmüll", 0, 0, "received", "", ""),
]
# The first three proposals lie in the district "Nordviertel" (4,000 residents) and carry all
# three comments: proposals, votes (online + paper), comments of that row in the report.
NORTH = (3, sum(p[1] + p[2] for p in PROPOSALS[:3]), 3)


@pytest.fixture
def report_round():
    round_page = RoundPageFactory(title="Runde 2 – Digitales Leben", current=ph.EVALUATE)
    mobility = FieldOfActionFactory(name="Mobilität", slug="mobilitaet")
    schools = FieldOfActionFactory(name="Bildung", slug="bildung")
    north = DistrictFactory(name="Nordviertel", population=4000)
    DistrictFactory(name="Südstadt", population=None)
    workshop = OfflineSourceFactory(round=round_page, participants=14)
    voters = [UserFactory() for _ in range(max(p[1] for p in PROPOSALS))]
    commenter = UserFactory()
    created = []
    for i, (title, online, paper, status, published, draft) in enumerate(PROPOSALS):
        proposal = ProposalFactory(
            round=round_page,
            title=title,
            field_of_action=mobility if i % 2 else schools,
            status=status,
            answer=published or draft,
            answer_published=bool(published),
        )
        for user in voters[:online]:
            VoteFactory(proposal=proposal, user=user)
        if paper:
            OfflineVoteTallyFactory(proposal=proposal, source=workshop, support=paper, against=0)
        if i < 3:  # located in the north (as if placed on the map there)
            Proposal.objects.filter(pk=proposal.pk).update(district=north)
        created.append(proposal)
    make_comment(created[0], commenter)
    make_comment(created[0], voters[0])
    make_comment(created[2], commenter)
    # A withdrawn proposal: no proposal count, no ranking, its author still took part.
    withdrawn = ProposalFactory(round=round_page, title="Zurückgezogene Idee", status="withdrawn")
    people = {p.author_id for p in created} | {withdrawn.author_id} | {u.pk for u in voters}
    people.add(commenter.pk)
    expected = {
        "Teilnehmende insgesamt": len(people) + 14,
        "davon online (Konten)": len(people),
        "davon bei Veranstaltungen": 14,
        "Vorschläge": len(PROPOSALS),
        "Kommentare": 3,
        "Stimmen insgesamt": sum(p[1] + p[2] for p in PROPOSALS),
        "davon online": sum(p[1] for p in PROPOSALS),
        "davon auf Papier": sum(p[2] for p in PROPOSALS),
        "In die Agenda aufgenommen": sum(
            1 for p in PROPOSALS if p[3] in ("adopted", "in_progress")
        ),
        "Veröffentlichte Antworten": sum(1 for p in PROPOSALS if p[4]),
        "Noch ohne veröffentlichte Antwort": sum(1 for p in PROPOSALS if not p[4]),
    }
    # Ranking by online + paper support, best first.
    ranking = [p[0] for p in sorted(PROPOSALS, key=lambda p: -(p[1] + p[2]))]
    return round_page, expected, ranking


def html_url(round_page):
    return reverse("agenda_report:html", args=[round_page.pk])


def pdf_url(round_page):
    return reverse("agenda_report:pdf", args=[round_page.pk])


def pdf_text(response) -> str:
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def figure_rows(text: str) -> dict[str, int]:
    """The figures table of the PDF: a label line, then its number (German "1.234")."""
    rows = {}
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for label, value in zip(lines, lines[1:], strict=False):
        if re.fullmatch(r"[\d.]+", value) and not re.fullmatch(r"[\d.]+", label):
            rows.setdefault(label, int(value.replace(".", "")))
    return rows


def test_pdf_contains_the_figures_computed_from_the_rows(client, steering, report_round):
    round_page, expected, _ranking = report_round
    client.force_login(steering)
    response = client.get(pdf_url(round_page))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = pdf_text(response)
    assert "Bericht an den Stadtrat" in text
    assert "Runde 2 – Digitales Leben" in text
    rows = figure_rows(text[text.index("Kennzahlen") :])
    for label, value in expected.items():
        assert rows.get(label) == value, label
    assert re.search(r"Seite 2 von \d+", text)
    districts = text[text.index("Beteiligung nach Stadtteil") :]
    lines = [line.strip() for line in districts.splitlines() if line.strip()]
    row = lines.index("Nordviertel", lines.index("Stadtteil"))
    assert tuple(int(v) for v in lines[row + 1 : row + 4]) == NORTH
    assert lines[row + 5] == "4.000"  # residents


def test_pdf_ranking_order_answers_and_adopted(client, steering, report_round):
    round_page, _expected, ranking = report_round
    client.force_login(steering)
    text = pdf_text(client.get(pdf_url(round_page)))
    flat = " ".join(text.split())
    table = flat[flat.rindex("Rangliste") : flat.index("Antworten der Steuerungsgruppe")]
    # The table (after the top-10 chart, which repeats the titles) lists the whole ranking.
    table = table[table.index("Handlungsfeld") :]
    positions = [table.index(title) for title in ranking]
    assert positions == sorted(positions)
    answers = flat[flat.index("Antworten der Steuerungsgruppe") :]
    assert "Wird 2027 umgesetzt & finanziert." in answers
    assert "Der Rat hat <b>abgelehnt</b>." in answers  # user text, printed literally
    assert "Erste Sensoren hängen." in answers
    assert "Entwurf, nicht veröffentlicht." not in flat
    adopted = flat[flat.index("In die Agenda aufgenommene Vorschläge") :]
    assert "WLAN in allen Schulen" in adopted and "Sensoren für Parkplätze" in adopted
    assert "Digitale Bürgersprechstunde" not in adopted
    assert "Zurückgezogene Idee" not in flat


def test_pdf_download_is_logged(client, steering, report_round):
    round_page, _expected, _ranking = report_round
    client.force_login(steering)
    client.get(pdf_url(round_page))
    entries = PageLogEntry.objects.filter(page=round_page, action=LOG_ACTION)
    assert entries.count() == 1
    entry = entries.get()
    assert entry.user == steering
    assert entry.message == "Bericht an den Stadtrat als PDF heruntergeladen"


def table_figures(content: str) -> dict[str, int]:
    rows = re.findall(
        r'<th scope="row">([^<]+)</th><td class="num" data-figure="\d+">([^<]+)</td>', content
    )
    return {html.unescape(label): int(value.replace(".", "")) for label, value in rows}


def test_html_report_shows_the_same_figures(client, editor, report_round):
    round_page, expected, ranking = report_round
    client.force_login(editor)
    response = client.get(html_url(round_page))
    assert response.status_code == 200
    content = response.content.decode()
    figures = table_figures(content)
    for label, value in expected.items():
        assert figures.get(label) == value, label
    # Standalone page: its own print stylesheet, not the admin chrome.
    assert "agenda/css/report-print.css" in content
    assert "w-sidebar" not in content and "wagtail-sidebar" not in content
    ranking_html = content[content.index('id="h-rangliste"') : content.index('id="h-antworten"')]
    ranking_html = ranking_html[ranking_html.index("report-ranking") :]
    positions = [ranking_html.index(html.escape(title)) for title in ranking]
    assert positions == sorted(positions)
    assert "Der Rat hat &lt;b&gt;abgelehnt&lt;/b&gt;." in content
    assert "Entwurf, nicht veröffentlicht." not in content
    assert pdf_url(round_page) in content
    north = '<th scope="row">Nordviertel</th>' + "".join(
        f'<td class="num">{value}</td>' for value in NORTH
    )
    assert north in content


@pytest.mark.parametrize("url", [html_url, pdf_url])
def test_residents_get_403_and_anonymous_visitors_the_login(client, resident, report_round, url):
    round_page, _expected, _ranking = report_round
    response = client.get(url(round_page))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(resident)
    assert client.get(url(round_page)).status_code == 403
    assert not PageLogEntry.objects.filter(action=LOG_ACTION).exists()


@pytest.mark.parametrize("url", [html_url, pdf_url])
def test_steering_group_and_editors_may_read_it(client, steering, editor, report_round, url):
    round_page, _expected, _ranking = report_round
    for user in (steering, editor):
        client.force_login(user)
        assert client.get(url(round_page)).status_code == 200


def test_unknown_round_is_404(client, steering, report_round):
    client.force_login(steering)
    assert client.get(reverse("agenda_report:pdf", args=[999999])).status_code == 404


def test_report_button_on_round_pages(client, editor, report_round):
    round_page, _expected, _ranking = report_round
    client.force_login(editor)
    response = client.get(reverse("wagtailadmin_explore", args=[round_page.get_parent().pk]))
    assert html_url(round_page) in response.content.decode()
