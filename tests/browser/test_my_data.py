""" "Meine Daten" in a real browser: a resident downloads the ZIP, then deletes the account by
keyboard (radio buttons in a fieldset, password), and every page passes axe."""

import io
import json
import zipfile

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_clean_console, assert_no_axe_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = "/tmp/civic-helpers"


def test_download_and_delete_flow(page, civic_site, console_log, settings, tmp_path):
    from allauth.account.models import EmailAddress
    from django.core import mail

    from civic.models import User
    from stadtgedaechtnis.models import Memory
    from tests.civic.test_roles import make_user
    from tests.stadtgedaechtnis.factories import MemoryFactory, MemoryPhotoFactory

    settings.MEDIA_ROOT = tmp_path / "media"
    resident = make_user("resident")
    resident.display_name = "Rita Browser"
    resident.set_password("ein-sicheres-Passwort-42")
    resident.save()
    EmailAddress.objects.get_or_create(
        user=resident, email=resident.email, defaults={"verified": True, "primary": True}
    )
    memory = MemoryFactory(author=resident, title="Der alte Bahnhof")
    MemoryPhotoFactory(memory=memory)
    log_in(page, civic_site, resident)

    # Mein Bereich → Meine Daten
    page.goto(civic_site.url("/mein-bereich/"))
    page.get_by_role("link", name="Meine Daten ansehen, herunterladen oder Konto löschen").click()
    expect(page.get_by_role("heading", level=1, name="Meine Daten")).to_be_visible()
    expect(page.get_by_text("Kontaktdaten von Erzählenden ohne Konto: 90 Tage")).to_be_visible()
    assert_no_axe_violations(page)
    page.screenshot(path=f"{SCREENSHOTS}/privacy-my-data.png", full_page=True)

    with page.expect_download() as info:
        page.get_by_role("button", name="Meine Daten herunterladen (ZIP)").click()
    download = info.value
    assert download.suggested_filename.startswith("meine-daten-")
    archive = zipfile.ZipFile(io.BytesIO(open(download.path(), "rb").read()))
    data = json.loads(archive.read("daten.json"))
    assert data["account"]["email"] == resident.email
    assert [m["title"] for m in data["stadtgedaechtnis"]["memories"]] == ["Der alte Bahnhof"]
    assert any(name.startswith("medien/fotos/") for name in archive.namelist())

    # Delete, by keyboard: a wrong password first keeps everything and says so.
    page.get_by_role("link", name="Weiter zum Löschen des Kontos").click()
    expect(page.get_by_role("heading", level=1, name="Konto löschen")).to_be_visible()
    group = page.get_by_role("group", name="Was soll mit Ihren Beiträgen geschehen?")
    expect(group.get_by_role("radio")).to_have_count(2)
    assert_no_axe_violations(page)
    group.get_by_role("radio", name="Löschen – sie werden gelöscht").focus()
    page.keyboard.press("Space")
    page.get_by_label("Ihr Passwort").fill("falsch")
    page.get_by_label("Ich möchte mein Konto endgültig löschen").check()
    page.get_by_role("button", name="Konto endgültig löschen").click()
    expect(page.get_by_text("Das Passwort ist nicht richtig.")).to_be_visible()
    assert User.objects.filter(pk=resident.pk).exists()
    assert_no_axe_violations(page)
    page.screenshot(path=f"{SCREENSHOTS}/privacy-delete-error.png", full_page=True)

    page.get_by_label("Ihr Passwort").fill("ein-sicheres-Passwort-42")
    page.get_by_label("Ihr Passwort").press("Enter")
    expect(page.get_by_role("heading", level=1, name="Ihr Konto wurde gelöscht")).to_be_visible()
    assert_no_axe_violations(page)
    page.screenshot(path=f"{SCREENSHOTS}/privacy-deleted.png", full_page=True)
    assert not User.objects.filter(pk=resident.pk).exists()
    assert not Memory.objects.filter(title="Der alte Bahnhof").exists()
    assert mail.outbox and mail.outbox[-1].subject == "Ihr Konto wurde gelöscht"
    # Logged out: Mein Bereich asks for a login again.
    page.goto(civic_site.url("/mein-bereich/"))
    assert "/konto/login/" in page.url
    assert_clean_console(page, console_log)
