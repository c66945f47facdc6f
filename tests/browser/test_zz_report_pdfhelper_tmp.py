import pytest
from agenda import phases as ph
from tests.agenda.factories import RoundPageFactory, ProposalFactory, VoteFactory, FieldOfActionFactory
from tests.civic.factories import UserFactory, DistrictFactory
from tests.browser.helpers import assert_no_axe_violations, assert_clean_console, log_in


@pytest.mark.django_db(transaction=True)
def test_report_screens(page, civic_site, console_log):
    from civic.roles import assign_role, STEERING
    steering = UserFactory(display_name="Sven")
    assign_role(steering, STEERING)
    rp = RoundPageFactory(parent=civic_site.home.add_child(instance=__import__("agenda.models", fromlist=["AgendaPage"]).AgendaPage(title="Digitale Agenda", slug="agenda", intro="x")), current=ph.EVALUATE, title="Runde 2026")
    fields = [FieldOfActionFactory(name=n, slug=n.lower()) for n in ("Mobilität", "Bildung", "Verwaltung")]
    DistrictFactory(name="Mitte", population=5000); DistrictFactory(name="Nord", population=None)
    users = [UserFactory() for _ in range(8)]
    for i in range(12):
        p = ProposalFactory(round=rp, title=f"Vorschlag {i} <b>fett</b>", field_of_action=fields[i % 3], status="adopted" if i % 4 == 0 else "received",
                            answer="Antwort mit & Zeichen." if i % 3 == 0 else "", answer_published=i % 3 == 0)
        for u in users[: (i * 3) % 8]:
            VoteFactory(proposal=p, user=u)
    log_in(page, civic_site, steering)
    page.goto(civic_site.url(f"/admin/agenda/bericht/{rp.pk}/"))
    assert page.locator("h1").inner_text() == "Runde 2026"
    page.screenshot(path="/tmp/pdfwork/html-screen.png", full_page=True)
    page.emulate_media(media="print")
    page.screenshot(path="/tmp/pdfwork/html-print.png", full_page=True)
    page.pdf(path="/tmp/pdfwork/html-print.pdf", format="A4")
    page.emulate_media(media="screen")
    assert_no_axe_violations(page)
    assert_clean_console(page, console_log)
    page.goto("about:blank")
