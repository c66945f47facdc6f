"""Erzähle in a real browser: step by step, map click, photo upload, double opt-in by mail."""

import base64
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.helpers import assert_clean_console, assert_no_axe_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG_1PX = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@pytest.fixture
def no_tiles(page):
    page.route(
        re.compile(r"^https?://[^/]*tile[^/]*/.*"),
        lambda route: route.fulfill(status=200, content_type="image/png", body=PNG_1PX),
    )
    return page


@pytest.fixture
def memory_setup(civic_site):
    from civic.models import District
    from stadtgedaechtnis.models import Theme
    from tests.civic.factories import square

    city = civic_site.settings
    city.map_center_lat, city.map_center_lon, city.map_zoom = 50.2585, 10.9645, 14
    city.save()
    district = District.objects.create(
        name="Innenstadt", slug="innenstadt", geometry=square(10.90, 50.20, 0.12)
    )
    theme = Theme.objects.create(name="Handel & Gastronomie", slug="handel-gastronomie")
    return {"district": district, "theme": theme}


def jpeg_file(tmp_path):
    from tests.stadtgedaechtnis.factories import jpeg_bytes

    path = tmp_path / "eisdiele.jpg"
    path.write_bytes(jpeg_bytes(size=(120, 80)))
    return path


def next_step(page):
    page.locator("[data-tell-step]:visible").get_by_role(
        "button", name="Weiter", exact=True
    ).click()


def test_form_is_accessible_step_by_step_and_works_on_a_phone(
    page, no_tiles, civic_site, memory_setup, console_log
):
    page.goto(civic_site.url("/erzaehlen/"))
    expect(
        page.get_by_role("heading", level=1, name="Erzählen Sie Ihre Erinnerung")
    ).to_be_visible()
    # JavaScript shows one step at a time.
    expect(page.locator("[data-tell-progress]")).to_have_text("Schritt 1 von 5")
    expect(page.get_by_label("Titel Ihrer Erinnerung")).to_be_visible()
    expect(page.get_by_label("Wann war das?")).to_be_hidden()
    assert_no_axe_violations(page)
    # Keyboard: Weiter is reachable and moves focus to the next step's heading.
    next_step(page)
    expect(page.locator("[data-tell-progress]")).to_have_text("Schritt 2 von 5")
    expect(page.get_by_role("heading", name=re.compile("Wann war das"))).to_be_focused()
    next_step(page)
    expect(page.locator("[data-tell-map]")).to_have_attribute("data-map-ready", "true")
    assert_no_axe_violations(page)
    next_step(page)
    next_step(page)
    expect(page.get_by_role("button", name="Erinnerung einreichen")).to_be_visible()
    assert_no_axe_violations(page)
    assert_clean_console(page, console_log)

    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(civic_site.url("/erzaehlen/"))
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375
    assert_no_axe_violations(page)


def test_form_without_javascript_shows_all_steps(browser, civic_site, memory_setup):
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    tab = context.new_page()
    try:
        tab.goto(civic_site.url("/erzaehlen/"))
        for label in ("Titel Ihrer Erinnerung", "Wann war das?", "Ort (Straße, Gebäude, Platz)"):
            expect(tab.get_by_label(label)).to_be_visible()
        expect(tab.get_by_role("button", name="Erinnerung einreichen")).to_be_visible()
        expect(tab.locator("[data-tell-map-wrap]")).to_be_hidden()  # no map without JS
    finally:
        tab.goto("about:blank")
        context.close()


def test_resident_submits_with_map_click_and_photo(
    page, no_tiles, civic_site, memory_setup, console_log, tmp_path
):
    from civic.roles import RESIDENTS, assign_role
    from stadtgedaechtnis.models import Memory, Status
    from tests.civic.factories import UserFactory

    user = UserFactory(display_name="Rita Resident")
    assign_role(user, RESIDENTS)
    log_in(page, civic_site, user)
    page.goto(civic_site.url("/erzaehlen/"))

    page.get_by_label("Titel Ihrer Erinnerung").fill("Die Eisdiele am Markt")
    page.get_by_label("Ihre Erinnerung").fill(
        "Eine Kugel kostete zehn Pfennige.\n\nDer Eismann formte sie mit einem Holzspatel."
    )
    page.get_by_label("Handel & Gastronomie").check()
    next_step(page)
    page.get_by_label("Wann war das?").fill("Sommer 1957")
    next_step(page)
    map_el = page.locator("[data-tell-map]")
    expect(map_el).to_have_attribute("data-map-ready", "true")
    map_el.click(position={"x": 200, "y": 150})
    expect(map_el).to_have_attribute("data-point", re.compile(r"^50\.\d+,10\.\d+$"))
    expect(page.locator("[data-tell-point-status]")).to_contain_text("Gewählter Punkt")
    page.get_by_label("Ort (Straße, Gebäude, Platz)").fill("Marktplatz")
    next_step(page)
    page.locator("input[name='photo-0-image']").set_input_files(str(jpeg_file(tmp_path)))
    page.get_by_label("Was ist auf dem Foto zu sehen?").first.fill("Kinder vor der Eisdiele")
    next_step(page)
    page.get_by_label("Ihr Name").fill("Rita Resident")
    page.get_by_label(re.compile("Ich habe die Rechte")).check()
    page.get_by_label(re.compile("Ich bin damit einverstanden")).check()
    page.get_by_role("button", name="Erinnerung einreichen").click()

    expect(
        page.get_by_role("heading", level=1, name="Vielen Dank für Ihre Erinnerung!")
    ).to_be_visible()
    assert_no_axe_violations(page)
    memory = Memory.objects.get()
    assert memory.status == Status.SUBMITTED
    assert memory.author == user
    assert memory.lat is not None and memory.district == memory_setup["district"]
    assert memory.photos.count() == 1
    assert memory.decade == 1950

    # "Mein Bereich" shows it with its status.
    page.goto(civic_site.url("/mein-bereich/"))
    expect(page.get_by_role("heading", name="Meine Erinnerungen")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Die Eisdiele am Markt"))).to_contain_text(
        "Eingereicht"
    )
    assert_no_axe_violations(page)
    assert_clean_console(page, console_log)


def test_no_account_path_with_confirmation_mail(
    page, no_tiles, civic_site, memory_setup, console_log
):
    from stadtgedaechtnis.models import Memory, Status

    page.goto(civic_site.url("/erzaehlen/"))
    page.get_by_label("Titel Ihrer Erinnerung").fill("Der Milchmann und sein Pferd")
    page.get_by_label("Ihre Erinnerung").fill("Das Pferd hieß Liese und kannte jede Haltestelle.")
    next_step(page)
    page.get_by_label("Wann war das?").fill("um 1928")
    next_step(page)
    # No map click: a typed place and the district suffice.
    page.get_by_label("Ort (Straße, Gebäude, Platz)").fill("Hauptstraße")
    page.get_by_label("Stadtteil", exact=True).select_option(label="Innenstadt")
    next_step(page)
    next_step(page)
    page.get_by_label("Anonym", exact=True).check()
    page.get_by_label("Ihr Name").fill("Karla Kontakt")
    page.get_by_label("Ihre E-Mail-Adresse").fill("karla@example.net")
    page.get_by_label(re.compile("Ich bin damit einverstanden")).check()
    page.get_by_role("button", name="Erinnerung einreichen").click()

    expect(page.get_by_text("Wir haben Ihnen eine E-Mail geschickt")).to_be_visible()
    memory = Memory.objects.get()
    assert memory.status == Status.DRAFT
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/erzaehlen/bestaetigen/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Ja, Erinnerung bestätigen").click()
    expect(page.get_by_text("liegt jetzt der Redaktion vor")).to_be_visible()
    memory.refresh_from_db()
    assert memory.status == Status.SUBMITTED
    assert memory.attribution == "anonymous" and memory.contributor_name == ""
    assert_clean_console(page, console_log)


def test_validation_error_keeps_photo_without_reupload(
    page, no_tiles, civic_site, memory_setup, console_log, tmp_path
):
    from civic.roles import RESIDENTS, assign_role
    from stadtgedaechtnis.models import Memory
    from tests.civic.factories import UserFactory

    user = UserFactory()
    assign_role(user, RESIDENTS)
    log_in(page, civic_site, user)
    page.goto(civic_site.url("/erzaehlen/"))
    page.get_by_label("Ihre Erinnerung").fill("Ohne Titel geht es nicht.")
    for _ in range(3):
        next_step(page)
    page.locator("input[name='photo-0-image']").set_input_files(str(jpeg_file(tmp_path)))
    page.get_by_label("Was ist auf dem Foto zu sehen?").first.fill("Ein Foto")
    next_step(page)
    page.get_by_label("Anonym", exact=True).check()
    page.get_by_label(re.compile("Ich habe die Rechte")).check()
    page.get_by_label(re.compile("Ich bin damit einverstanden")).check()
    page.get_by_role("button", name="Erinnerung einreichen").click()

    alert = page.get_by_role("alert").filter(has_text="Bitte prüfen Sie Ihre Eingaben")
    expect(alert).to_be_visible()
    assert_no_axe_violations(page)
    # The summary link opens the step with the field.
    alert.get_by_role("link", name=re.compile("Titel")).click()
    expect(page.get_by_label("Titel Ihrer Erinnerung")).to_be_focused()
    page.get_by_label("Titel Ihrer Erinnerung").fill("Jetzt mit Titel")
    for _ in range(3):
        next_step(page)
    expect(page.get_by_text("Bereits hochgeladen:")).to_be_visible()
    next_step(page)
    page.get_by_role("button", name="Erinnerung einreichen").click()
    expect(
        page.get_by_role("heading", level=1, name="Vielen Dank für Ihre Erinnerung!")
    ).to_be_visible()
    assert Memory.objects.get().photos.count() == 1
    assert_clean_console(page, console_log)
