"""Abuse protection in a real browser: a resident who hits the vote limit sees the German
message in the site's frame, and the honeypot on anonymous forms is unreachable by keyboard and
absent from the accessibility tree (while still in the HTML, where bots find it)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_clean_console, assert_no_axe_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = "tests/browser/artifacts"
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360"
    "000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture
def no_tiles(page):
    """Map tiles come from outside servers, which this machine cannot reach."""
    page.route(
        re.compile(r"^https://[^/]*tile[^/]*/.*"),
        lambda route: route.fulfill(status=200, content_type="image/png", body=PNG_1PX),
    )
    return page


@pytest.fixture
def voting(civic_site):
    from django.utils import timezone

    from agenda.models import RoundPhase
    from tests.agenda.factories import AgendaPageFactory, ProposalFactory, RoundPageFactory

    agenda_page = AgendaPageFactory(parent=civic_site.home, title="Digitale Agenda", slug="agenda")
    now = timezone.now()
    round_ = RoundPageFactory(
        parent=agenda_page,
        title="Runde 1",
        slug="runde-1",
        max_votes_per_person=3,
        phases=[
            RoundPhase(
                kinds=["vote"],
                start=now - timezone.timedelta(days=1),
                end=now + timezone.timedelta(days=10),
            )
        ],
    )
    return ProposalFactory(round=round_, title="Trinkbrunnen am Marktplatz")


def test_resident_hitting_the_vote_limit_sees_the_message(page, civic_site, voting, console_log):
    from agenda.models import Vote
    from civic import ratelimit
    from tests.civic.ratelimit_helpers import use_up
    from tests.civic.test_roles import make_user

    voter = make_user("resident")
    log_in(page, civic_site, voter)
    # The resident has clicked vote buttons 59 times in this minute (counted as the view
    # counts them); the next click is the 60th and still counts, the one after it is refused.
    use_up("vote", ratelimit.rates("vote")["account"].amount - 1, user=voter, address="192.0.2.1")

    page.goto(civic_site.url(voting.get_absolute_url()))
    page.get_by_role("button", name="Vorschlag unterstützen").click()
    expect(page.get_by_text("Ihre Stimme für den Vorschlag wurde gezählt.")).to_be_visible()
    assert Vote.objects.filter(user=voter, proposal=voting).count() == 1

    page.get_by_role("button", name="Stimme zurücknehmen").click()
    expect(page.get_by_role("heading", level=1, name="Zu viele Anfragen")).to_be_visible()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Sie haben in kurzer Zeit zu viele Anfragen gesendet.")
    expect(alert).to_contain_text("wurde nichts gespeichert")
    expect(alert).to_contain_text(re.compile(r"in \d+ Minuten? noch einmal"))
    expect(page.get_by_role("navigation", name="Service")).to_be_visible()  # the site frame
    assert Vote.objects.filter(user=voter, proposal=voting).count() == 1  # not taken back
    page.screenshot(path=f"{SCREENSHOTS}/abuse-vote-limit.png", full_page=True)
    assert_no_axe_violations(page)
    # The browser logs the 429 status of the page itself as an error; nothing else may fail.
    console_log.errors = [e for e in console_log.errors if "429" not in e]
    assert_clean_console(page, console_log)

    page.get_by_role("link", name="Zurück zur vorigen Seite").click()
    expect(page.get_by_role("heading", level=1, name="Trinkbrunnen am Marktplatz")).to_be_visible()


def focus_path(page, steps: int) -> list[str]:
    """Press Tab ``steps`` times and note what got the focus (name or text)."""
    seen = []
    for _ in range(steps):
        page.keyboard.press("Tab")
        seen.append(
            page.evaluate(
                "() => { const e = document.activeElement;"
                " return e ? (e.getAttribute('name') || e.textContent || e.tagName).trim() : ''; }"
            )
        )
    return seen


@pytest.mark.parametrize("path", ["/konto/signup/", "/erzaehlen/"])
def test_honeypot_is_unreachable_for_people(page, no_tiles, civic_site, console_log, path):
    page.goto(civic_site.url(path))
    trap = page.locator('input[name="homepage"]')
    expect(trap).to_have_count(1)  # in the HTML, for bots
    # Clipped to one pixel by .visually-hidden (not display:none, which bots detect).
    box = page.locator("[data-honeypot]").bounding_box()
    assert box is not None and box["width"] <= 1 and box["height"] <= 1

    # Not in the accessibility tree: no textbox of that name, and not in the ARIA snapshot.
    expect(page.get_by_role("textbox", name="Dieses Feld bitte leer lassen")).to_have_count(0)
    assert "leer lassen" not in page.locator("main").aria_snapshot()

    # Not reachable with Tab, whichever way round.
    page.locator("body").focus()
    forward = focus_path(page, 40)
    assert "homepage" not in forward, forward
    assert any(name in forward for name in ("email", "title")), forward
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('name')") != "homepage"
    assert_no_axe_violations(page)
    assert_clean_console(page, console_log)


def test_autofilled_honeypot_costs_a_person_one_more_click(page, civic_site):
    """If a browser's autofill ever fills the trap, the person sees why, keeps the input, and
    the second submission (the trap is rendered empty again) goes through."""
    from civic.models import User

    password = "ein-sicheres-Passwort-42"
    page.goto(civic_site.url("/konto/signup/"))
    page.get_by_role("textbox", name=re.compile("E-Mail")).fill("mensch@example.org")
    page.locator('input[name="password1"]').fill(password)
    page.locator('input[name="password2"]').fill(password)
    page.get_by_label(re.compile("Datenschutzerklärung gelesen")).check()
    page.evaluate("() => { document.querySelector('input[name=homepage]').value = 'x'; }")
    page.get_by_role("button", name="Registrieren").click()

    expect(page.get_by_role("alert")).to_contain_text("verstecktes Feld ausgefüllt")
    expect(page.get_by_role("textbox", name=re.compile("E-Mail"))).to_have_value(
        "mensch@example.org"
    )
    assert not User.objects.filter(email="mensch@example.org").exists()
    page.screenshot(path=f"{SCREENSHOTS}/abuse-honeypot-signup.png", full_page=True)

    page.locator('input[name="password1"]').fill(password)  # passwords are never echoed back
    page.locator('input[name="password2"]').fill(password)
    page.get_by_role("button", name="Registrieren").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Registrieren")
    assert User.objects.filter(email="mensch@example.org").exists()
