"""The round dashboard in a real browser: a member of the steering group opens it from the
civic dashboard, sees the SVG charts and the choropleth's polygons; the public transparency page
(the results page) passes axe and breaks no CSP rule."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.helpers import assert_clean_console, assert_no_axe_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOT = "/tmp/civic-helpers/shot-round-dashboard.png"


def _round_with_contributions(civic_site, now_kind):
    from agenda.models import AgendaPage, Proposal, RoundPhase, Vote
    from tests.agenda.factories import (
        AgendaPageFactory,
        FieldOfActionFactory,
        OfflineSourceFactory,
        OfflineVoteTallyFactory,
        ProposalFactory,
        RoundPageFactory,
    )
    from tests.agenda.factories_dashboard import comment_on
    from tests.civic.factories import DistrictFactory, UserFactory, square

    agenda_page = AgendaPage.objects.first() or AgendaPageFactory(
        parent=civic_site.home, title="Digitale Agenda", slug="digitale-agenda"
    )
    now = timezone.now()
    day = datetime.timedelta(days=1)
    phases = [
        RoundPhase(kinds=["propose", "comment"], start=now - 24 * day, end=now - 14 * day),
        RoundPhase(kinds=["vote"], start=now - 14 * day, end=now - 7 * day),
        RoundPhase(
            kinds=["evaluate"],
            start=now - 7 * day,
            end=now + 5 * day if now_kind == "evaluate" else now - 2 * day,
        ),
    ]
    if now_kind == "result":
        phases.append(RoundPhase(kinds=["result"], start=now - 2 * day, end=now + 30 * day))
    round_ = RoundPageFactory(
        parent=agenda_page,
        title="Runde 3: Digitale Stadt",
        slug=f"runde-3-{now_kind}",
        phases=phases,
        answer_target_days=14,
    )
    districts = [
        DistrictFactory(name="Altstadt", geometry=square(10.95, 50.25, 0.02), population=4200),
        DistrictFactory(name="Nordviertel", geometry=square(10.95, 50.27, 0.02), population=2800),
        DistrictFactory(name="Südhang", geometry=square(10.97, 50.25, 0.02), population=None),
    ]
    fields = [
        FieldOfActionFactory(name="Bildung", slug="bildung"),
        FieldOfActionFactory(name="Mobilität & Verkehr", slug="mobilitaet"),
        FieldOfActionFactory(name="Verwaltung", slug="verwaltung"),
    ]
    people = UserFactory.create_batch(8)
    workshop = OfflineSourceFactory(round=round_, name="Workshop Schule", participants=14)
    titles = [
        "Tablets für Grundschulen",
        "Echtzeit-Busanzeige",
        "Digitale Sprechstunde",
        "Offenes WLAN am Marktplatz",
        "Online-Terminbuchung",
        "Radwege-Karte",
        "Idee aus dem Workshop",
    ]
    for i, title in enumerate(titles):
        offline = title.startswith("Idee")
        p = ProposalFactory(
            round=round_,
            title=title,
            field_of_action=fields[i % 3],
            author=None if offline else people[i],
            offline_source=workshop if offline else None,
            status="adopted" if i == 1 else "received",
            answer="Wird umgesetzt." if i == 1 else "",
            answer_published=i == 1,
        )
        Proposal.objects.filter(pk=p.pk).update(
            district=districts[i % 4] if i % 4 < 3 else None,
            created=now - (24 - 2 * i) * day,
        )
        for j, person in enumerate(people[: (i * 3) % 8]):
            Vote.objects.create(proposal=p, round=round_, user=person, created=now - (13 - j) * day)
        if i % 2 == 0:
            comment_on(p, people[(i + 1) % 8], at=now - (20 - i) * day)
            OfflineVoteTallyFactory(proposal=p, source=workshop, support=3 + i, against=0)
    return round_


def test_steering_member_opens_the_round_dashboard(page, civic_site, console_log):
    from tests.civic.test_roles import make_user

    round_ = _round_with_contributions(civic_site, "evaluate")
    steering = make_user("steering")
    log_in(page, civic_site, steering)

    # From the civic dashboard's agenda panel to the round's dashboard
    page.goto(civic_site.url("/admin/auswertung/"))
    panel = page.locator("#digitale-agenda")
    expect(panel).to_be_visible()
    panel.get_by_role("link", name=re.compile("Runde 3: Digitale Stadt")).click()
    expect(page).to_have_url(re.compile(rf"/admin/agenda/auswertung/{round_.pk}/$"))
    expect(page.get_by_role("heading", name="Beteiligung in Zahlen")).to_be_visible()

    # SVG charts with their titles, the choropleth with its polygons and the table beside it
    charts = page.locator("figure.civic-chart svg[role='img']")
    expect(charts).to_have_count(2)
    expect(page.locator("[data-civic-choropleth] path.leaflet-interactive")).to_have_count(3)
    beside_map = page.locator(".civic-choropleth__side table")
    expect(beside_map.get_by_role("rowheader", name="Altstadt")).to_be_visible()
    expect(beside_map.get_by_role("rowheader", name="Nordviertel")).to_be_visible()
    full_table = page.locator("table.agenda-districts")
    expect(full_table.get_by_role("rowheader")).to_have_count(4)  # 3 districts + "ohne Ort"
    expect(full_table.get_by_role("rowheader", name=re.compile("ohne Ort"))).to_be_visible()

    # The backlog: overdue proposals say so in words, and link to their answer page
    backlog = page.locator("table.agenda-backlog")
    expect(backlog.locator("tbody tr")).to_have_count(6)
    expect(backlog.locator("tbody tr").first).to_contain_text("Tablets für Grundschulen")
    expect(backlog.locator("tbody tr").first).to_contain_text("überfällig")
    expect(backlog.locator("tbody tr").last).to_contain_text("in der Frist")
    # The admin scrolls inside its main area: a tall window shows the whole dashboard at once.
    page.set_viewport_size({"width": 1280, "height": 4200})
    page.wait_for_timeout(300)
    page.screenshot(path=SHOT, full_page=True)
    backlog.get_by_role("link", name=re.compile("Beantworten")).first.click()
    expect(page.get_by_role("heading", name="Status und offizielle Antwort")).to_be_visible()
    page.goto("about:blank")


def test_public_transparency_page_is_accessible(page, civic_site, console_log):
    round_ = _round_with_contributions(civic_site, "result")
    response = page.goto(civic_site.url(round_.url + "ergebnisse/"))
    assert response.status == 200
    expect(page.get_by_role("heading", name="Was aus den Vorschlägen wurde")).to_be_visible()
    expect(page.locator("#outcome-heading ~ figure svg[role='img']")).to_have_count(1)
    page.get_by_text("Daten als Tabelle").first.click()
    assert_no_axe_violations(page)
    page.screenshot(path="/tmp/civic-helpers/shot-round-transparency.png", full_page=True)
    assert_clean_console(page, console_log)
