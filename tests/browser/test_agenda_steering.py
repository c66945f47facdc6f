"""The Digitale Agenda in a real browser, steering side: the steering group answers a proposal
in the Wagtail admin, the author then sees the answer on the proposal page and in "Mein
Bereich"; the public results page passes axe and breaks no CSP rule."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.helpers import assert_clean_console, assert_no_axe_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _round(civic_site, kinds_now, title, slug):
    """A round under a new agenda page whose active phase has ``kinds_now``."""
    from agenda.models import AgendaPage, RoundPhase
    from tests.agenda.factories import AgendaPageFactory, RoundPageFactory

    agenda_page = AgendaPage.objects.first() or AgendaPageFactory(
        parent=civic_site.home, title="Digitale Agenda", slug="digitale-agenda"
    )
    now = timezone.now()
    day = datetime.timedelta(days=1)
    phases = [
        RoundPhase(kinds=["propose", "comment"], start=now - 30 * day, end=now - 20 * day),
        RoundPhase(kinds=["vote"], start=now - 20 * day, end=now - 10 * day),
        RoundPhase(
            kinds=["evaluate"],
            start=now - 10 * day,
            end=now + 5 * day if kinds_now == "evaluate" else now - 5 * day,
        ),
    ]
    if kinds_now == "result":
        phases.append(RoundPhase(kinds=["result"], start=now - 5 * day, end=now + 30 * day))
    return RoundPageFactory(parent=agenda_page, title=title, slug=slug, phases=phases)


def test_steering_group_answers_and_the_author_sees_it(page, civic_site, console_log):
    from agenda.models import Proposal
    from tests.agenda.factories import FieldOfActionFactory, ProposalFactory
    from tests.civic.test_roles import make_user

    round_ = _round(civic_site, "evaluate", "Runde 1: Digitaler Alltag", "runde-1")
    author = make_user("resident")
    author.display_name = "Anna Autorin"
    author.save()
    proposal = ProposalFactory(
        round=round_,
        title="Digitale Sprechstunde im Bürgerbüro",
        description="Termine per Video statt Warteschlange.",
        field_of_action=FieldOfActionFactory(name="Verwaltung & E-Government", slug="verwaltung"),
        author=author,
    )

    steering = make_user("steering")
    log_in(page, civic_site, steering)
    page.goto(civic_site.url("/admin/snippets/agenda/proposal/"))
    expect(page.get_by_role("heading", name=re.compile("Vorschläge"))).to_be_visible()
    page.screenshot(path="tests/browser/artifacts/agenda_admin_list.png", full_page=True)
    page.get_by_role("link", name=re.compile("Digitale Sprechstunde im Bürgerbüro")).first.click()
    expect(page.get_by_role("heading", name="Status und offizielle Antwort")).to_be_visible()
    page.get_by_role("combobox", name="Status").select_option(label="in die Agenda aufgenommen")
    page.get_by_role("textbox", name="Offizielle Antwort").fill(
        "Die Steuerungsgruppe nimmt die Video-Sprechstunde in die Agenda auf. Start: Frühjahr."
    )
    page.get_by_label("Sofort veröffentlichen").check()
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Die Antwort ist veröffentlicht")).to_be_visible()
    page.screenshot(path="tests/browser/artifacts/agenda_admin_answer.png", full_page=True)

    proposal = Proposal.objects.get(pk=proposal.pk)
    assert proposal.status == "adopted" and proposal.answer_published
    assert [m.to for m in mail.outbox] == [[author.email]]

    # The author reads the answer on the proposal page ...
    log_in(page, civic_site, author)
    page.goto(civic_site.url(proposal.get_absolute_url()))
    expect(page.get_by_role("heading", name="Antwort der Steuerungsgruppe")).to_be_visible()
    expect(page.get_by_text("nimmt die Video-Sprechstunde in die Agenda auf")).to_be_visible()
    expect(page.get_by_text("in die Agenda aufgenommen").first).to_be_visible()
    assert_no_axe_violations(page)
    # ... and finds the proposal in "Mein Bereich".
    page.goto(civic_site.url("/mein-bereich/"))
    expect(page.get_by_text("Digitale Sprechstunde im Bürgerbüro").first).to_be_visible()
    expect(page.get_by_text("in die Agenda aufgenommen").first).to_be_visible()
    assert_clean_console(page, console_log)


def test_results_page_is_accessible(page, civic_site, console_log):
    from tests.agenda.factories import (
        FieldOfActionFactory,
        OfflineSourceFactory,
        OfflineVoteTallyFactory,
        ProposalFactory,
        VoteFactory,
    )

    round_ = _round(civic_site, "result", "Runde 2025", "runde-2025")
    schools = FieldOfActionFactory(name="Bildung", slug="bildung")
    mobility = FieldOfActionFactory(name="Mobilität & Verkehr", slug="mobilitaet")
    workshop = OfflineSourceFactory(
        round=round_, name="Workshop Digitale Schule, 12.03.", participants=18
    )
    adopted = ProposalFactory(
        round=round_,
        title="Tablets für Grundschulen",
        field_of_action=schools,
        status="in_progress",
        answer="Wird 2026 in drei Schulen erprobt.",
        answer_published=True,
    )
    ProposalFactory(
        round=round_,
        title="Echtzeit-Busanzeige",
        field_of_action=mobility,
        status="implemented",
        answer="Seit Mai an allen Haltestellen.",
        answer_published=True,
    )
    ProposalFactory(
        round=round_,
        title="Seilbahn zur Veste",
        field_of_action=mobility,
        status="rejected",
        answer="Zu teuer für den Nutzen.",
        answer_published=True,
    )
    ProposalFactory(
        round=round_,
        title="Idee aus dem Workshop",
        author=None,
        offline_source=workshop,
        field_of_action=schools,
    )
    VoteFactory.create_batch(4, proposal=adopted)
    OfflineVoteTallyFactory(proposal=adopted, source=workshop, support=9, against=0)

    response = page.goto(civic_site.url(round_.url + "ergebnisse/"))
    assert response.status == 200
    expect(page.get_by_role("heading", level=1, name="Ergebnisse: Runde 2025")).to_be_visible()
    expect(page.get_by_role("heading", name="Die Runde in Zahlen")).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("Rangfolge der Vorschläge"))).to_be_visible()
    expect(page.get_by_text("Wird 2026 in drei Schulen erprobt.")).to_be_visible()
    expect(page.get_by_role("heading", name="Was seitdem geschah")).to_be_visible()
    assert_no_axe_violations(page)
    page.screenshot(path="tests/browser/artifacts/agenda_results.png", full_page=True)
    assert_clean_console(page, console_log)
    # The unpublished page of a round still in its evaluation is friendly, and clean too.
    later = _round(civic_site, "evaluate", "Runde 2026", "runde-2026")
    response = page.goto(civic_site.url(later.url + "ergebnisse/"))
    assert response.status == 404
    expect(page.get_by_text("noch nicht veröffentlicht")).to_be_visible()
    assert_no_axe_violations(page)
    # The only console message is the browser's note on the 404 status itself.
    assert all("404" in error for error in console_log.errors), console_log.errors
    assert not console_log.csp_violations
