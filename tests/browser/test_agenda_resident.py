"""The Digitale Agenda in a real browser, residents' side: a resident writes a proposal and sees
similar ones appear while typing; another resident comments and votes; the agenda, round and
proposal pages pass axe and break no CSP rule."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_clean_console, assert_no_axe_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360"
    "000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture
def no_tiles(page):
    page.route(
        re.compile(r"^https://[^/]*tile[^/]*/.*"),
        lambda route: route.fulfill(status=200, content_type="image/png", body=PNG_1PX),
    )
    return page


@pytest.fixture
def agenda(civic_site):
    from agenda.models import RoundPhase
    from tests.agenda.factories import (
        AgendaPageFactory,
        FieldOfActionFactory,
        ProposalFactory,
        RoundPageFactory,
    )
    from tests.civic.test_roles import make_user

    education = FieldOfActionFactory(name="Bildung", slug="bildung")
    FieldOfActionFactory(name="Mobilität & Verkehr", slug="mobilitaet")
    agenda_page = AgendaPageFactory(
        parent=civic_site.home, title="Digitale Agenda", slug="digitale-agenda"
    )
    from django.utils import timezone

    now = timezone.now()
    round_ = RoundPageFactory(
        parent=agenda_page,
        title="Runde 1: Digitaler Alltag",
        slug="runde-1",
        max_votes_per_person=3,
        phases=[
            RoundPhase(
                kinds=["propose", "comment", "vote"],
                start=now - timezone.timedelta(days=2),
                end=now + timezone.timedelta(days=10),
            )
        ],
    )
    author = make_user("resident")
    existing = ProposalFactory(
        round=round_,
        title="WLAN in der Stadtbücherei ausbauen",
        description="Das Netz in der Bücherei ist nachmittags überlastet.",
        field_of_action=education,
        author=author,
    )
    ProposalFactory(round=round_, title="Radwege-Mängelmelder", author=author)
    return {"agenda": agenda_page, "round": round_, "existing": existing}


def test_agenda_and_round_pages_are_accessible(page, no_tiles, civic_site, agenda, console_log):
    response = page.goto(civic_site.url(agenda["agenda"].url))
    assert response.status == 200
    expect(page.get_by_role("heading", level=1, name="Digitale Agenda")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name=re.compile("Zu den Vorschlägen")).click()
    expect(page.get_by_role("heading", level=1, name="Runde 1: Digitaler Alltag")).to_be_visible()
    expect(page.locator("[aria-current=step]")).to_contain_text("Ideensammlung")
    assert_no_axe_violations(page)
    # Filter by keyboard-usable form controls.
    page.get_by_label("Handlungsfeld", exact=True).select_option(label="Bildung")
    page.get_by_role("button", name="Anzeigen").click()
    expect(page.get_by_role("link", name="WLAN in der Stadtbücherei ausbauen")).to_be_visible()
    expect(page.get_by_role("link", name="Radwege-Mängelmelder")).to_have_count(0)
    assert_clean_console(page, console_log)


def test_resident_proposes_another_comments_and_votes(
    page, no_tiles, civic_site, agenda, console_log
):
    from agenda.models import Proposal, Vote
    from tests.civic.test_roles import make_user

    writer = make_user("resident")
    log_in(page, civic_site, writer)
    page.goto(civic_site.url(agenda["round"].url))
    page.get_by_role("link", name="Vorschlag einreichen").click()
    expect(page.get_by_role("heading", level=1, name="Ihr Vorschlag")).to_be_visible()
    assert_no_axe_violations(page)

    # While typing, the similar proposal shows up in the live region.
    page.get_by_label(re.compile(r"^Titel")).press_sequentially(
        "Schnelles WLAN für die Bücherei", delay=20
    )
    similar = page.locator("#similar-proposals")
    expect(similar).to_have_attribute("aria-live", "polite")
    expect(similar.get_by_role("link", name="WLAN in der Stadtbücherei ausbauen")).to_be_visible()
    expect(similar.get_by_role("link", name="Diesen Vorschlag unterstützen")).to_be_visible()
    expect(page.locator("#title-counter")).to_contain_text("Zeichen frei")

    page.get_by_label("Beschreibung").fill(
        "Zum Lernen braucht die Bücherei mehr Bandbreite.\n\nAuch am Samstag."
    )
    page.get_by_label(re.compile(r"^Handlungsfeld")).select_option(label="Bildung")
    page.get_by_role("button", name="Kartenmitte als Ort setzen").click()
    expect(page.locator("#point-status")).to_contain_text("Gewählter Ort")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Vorschlag einreichen").click()

    proposal = Proposal.objects.get(title="Schnelles WLAN für die Bücherei")
    expect(page.get_by_text(f"Ihr Vorschlag {proposal.reference} ist eingegangen")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name=proposal.title)).to_be_visible()
    assert proposal.lat is not None
    assert_no_axe_violations(page)

    # Another resident reads it, comments and votes.
    voter = make_user("resident")
    log_in(page, civic_site, voter)
    page.goto(civic_site.url(proposal.get_absolute_url()))
    page.get_by_label("Ihr Kommentar").fill("Unbedingt – gerade für Schülerinnen und Schüler!")
    page.get_by_role(
        "button", name=re.compile("Kommentar (senden|veröffentlichen|abschicken)")
    ).click()
    expect(page.get_by_text("Ihr Kommentar wurde veröffentlicht.")).to_be_visible()
    expect(page.locator(".comment__text")).to_have_text(
        "Unbedingt – gerade für Schülerinnen und Schüler!"
    )

    expect(page.get_by_text("noch 3 von 3 Stimmen")).to_be_visible()
    page.get_by_role("button", name="Vorschlag unterstützen").click()
    expect(page.get_by_text("Ihre Stimme für den Vorschlag wurde gezählt.")).to_be_visible()
    expect(page.get_by_text("noch 2 von 3 Stimmen").first).to_be_visible()
    expect(page.get_by_role("button", name="Stimme zurücknehmen")).to_be_visible()
    assert Vote.objects.filter(user=voter, proposal=proposal).count() == 1
    assert_no_axe_violations(page)
    assert_clean_console(page, console_log)
