"""Erzähle: submitting a memory with and without an account, uploads kept, nothing half-saved."""

import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images import get_image_model

from civic.models import PendingUpload
from stadtgedaechtnis.models import Memory, MemoryContact, ModerationEvent, Status
from tests.stadtgedaechtnis.factories import ThemeFactory, jpeg_bytes, png_bytes, wav_bytes

pytestmark = pytest.mark.django_db

URL = "/erzaehlen/"


def form_data(**overrides) -> dict:
    data = {
        "title": "Der erste Fernseher",
        "story": "Im Sommer 1962 kam der Fernseher.\n\nDie ganze Straße kam zu uns.",
        "summary": "Fernsehabende in der Ketschengasse.",
        "date_text": "Sommer 1962",
        "lat": "50.2585",
        "lon": "10.9645",
        "place_name": "Ketschengasse",
        "precision": "exact",
        "place_note": "",
        "licence": "cc-by-4.0",
        "people_status": "not_identifiable",
        "attribution": "full_name",
        "name": "Rita Resident",
        "pseudonym": "",
        "consent": "on",
        "rights_confirmed": "on",
    }
    for i in range(5):
        data[f"photo-{i}-licence"] = "cc-by-4.0"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def photo(name="foto.jpg", data=None):
    return SimpleUploadedFile(name, data or jpeg_bytes(), content_type="image/jpeg")


def problems(response) -> str:
    """The error summary (or GPS question) of a re-shown form, for assertion messages."""
    html = response.content.decode()
    found = re.findall(
        r'<div class="form-errors".*?</div>|<div class="tell-gps".*?</div>', html, re.S
    )
    return "\n".join(found) or html[:500]


def media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_form_page_has_five_steps_and_no_inline_script(client):
    ThemeFactory(name="Verkehr")
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("data-tell-step=") == 5
    for step in ("Ihre Geschichte", "Wann war das?", "Wo war das?", "Fotos und Ton", "Rechte"):
        assert step in html
    assert 'name="contact_email"' in html  # no account: we need an address
    assert "Verkehr" in html
    assert "stadtgedaechtnis/tell.js" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)
    assert " style=" not in html


def test_resident_submits_with_point_and_photo(
    client, resident, centre_district, settings, django_capture_on_commit_callbacks
):
    theme = ThemeFactory()
    client.force_login(resident)
    data = form_data(themes=[theme.pk])
    data.update(
        {
            "photo-0-image": photo(),
            "photo-0-alt_text": "Familie vor dem Fernseher",
            "photo-0-caption": "Fernsehabend",
            "photo-0-year": "1962",
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, data)
    assert response.status_code == 302, problems(response)
    assert response["Location"] == reverse("stadtgedaechtnis:thanks")
    memory = Memory.objects.get()
    assert memory.status == Status.SUBMITTED
    assert memory.author == resident
    assert memory.submitted_at is not None
    assert memory.district == centre_district
    assert (memory.date_from.isoformat(), memory.date_to.isoformat()) == (
        "1962-06-01",
        "1962-08-31",
    )
    assert memory.decade == 1960
    assert memory.contributor_name == "Rita Resident"
    assert memory.consent_publication and memory.consent_version and memory.consent_at
    assert list(memory.themes.all()) == [theme]
    assert not hasattr(memory, "contact") or MemoryContact.objects.count() == 0
    event = ModerationEvent.objects.get(memory=memory)
    assert (event.from_status, event.to_status, event.actor) == ("draft", "submitted", resident)
    photo_row = memory.photos.get()
    assert photo_row.alt_text == "Familie vor dem Fernseher"
    assert photo_row.image.collection.name == "Stadtgedächtnis"
    assert photo_row.year == 1962
    # The thank-you page follows.
    assert "bei der Redaktion angekommen" in client.get(response["Location"]).content.decode()


def test_stored_photo_has_no_exif(client, resident):
    client.force_login(resident)
    data = form_data()
    data.update(
        {
            "photo-0-image": photo(data=jpeg_bytes(gps=(10.96, 50.26))),
            "photo-0-alt_text": "Ein Haus",
        }
    )
    response = client.post(URL, data)
    assert response.status_code == 302
    image = Memory.objects.get().photos.get().image
    with image.file.open("rb") as fh:
        stored = PILImage.open(fh)
        stored.load()
        assert not stored.getexif()
        assert b"Kamera-Hersteller" not in fh.read() if fh.seek(0) == 0 else True


def test_no_account_double_opt_in(client, django_capture_on_commit_callbacks):
    data = form_data(name="Karla Kontakt", contact_email="karla@example.net", may_contact="on")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, data)
    assert response.status_code == 302
    memory = Memory.objects.get()
    assert memory.status == Status.DRAFT
    assert memory.author is None
    contact = memory.contact
    assert (contact.email, contact.may_contact, contact.confirmed_at) == (
        "karla@example.net",
        True,
        None,
    )
    assert "E-Mail geschickt" in client.get(response["Location"]).content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["karla@example.net"]
    link = re.search(r"https?://\S+/erzaehlen/bestaetigen/\S+/", message.body).group(0)
    path = "/" + link.split("/", 3)[3]
    # Following the link shows a button (mail scanners must not confirm by fetching it).
    page = client.get(path)
    assert page.status_code == 200 and "Ja, Erinnerung bestätigen" in page.content.decode()
    memory.refresh_from_db()
    assert memory.status == Status.DRAFT
    page = client.post(path)
    assert "liegt jetzt der Redaktion vor" in page.content.decode()
    memory.refresh_from_db()
    contact.refresh_from_db()
    assert memory.status == Status.SUBMITTED
    assert contact.confirmed_at is not None
    # Twice is harmless.
    assert client.post(path).status_code == 200
    assert ModerationEvent.objects.filter(memory=memory).count() == 1


def test_confirm_unknown_token_is_404(client):
    assert client.get("/erzaehlen/bestaetigen/nichts/").status_code == 404


def test_no_account_requires_name_and_email(client):
    response = client.post(URL, form_data(name=""))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bitte prüfen Sie Ihre Eingaben" in html
    assert 'id="id_contact_email_error"' in html
    assert 'id="id_name_error"' in html
    assert Memory.objects.count() == 0


def test_validation_error_keeps_text_and_uploaded_photo(
    client, resident, settings, django_capture_on_commit_callbacks
):
    client.force_login(resident)
    data = form_data(title="")
    data.update({"photo-0-image": photo("meine-strasse.jpg"), "photo-0-alt_text": "Die Straße"})
    response = client.post(URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Im Sommer 1962 kam der Fernseher." in html  # what was typed is still there
    assert "Bereits hochgeladen:" in html and "meine-strasse" in html
    pending = PendingUpload.objects.get()
    assert f'value="{pending.token}"' in html
    assert Memory.objects.count() == 0
    # Second attempt: no file sent again, only the token of the kept upload.
    data = form_data()
    data.update({"photo-0-image_token": str(pending.token), "photo-0-alt_text": "Die Straße"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, data)
    assert response.status_code == 302, problems(response)
    memory = Memory.objects.get()
    assert memory.photos.count() == 1
    assert PendingUpload.objects.count() == 0


def test_alt_text_required_with_photo(client, resident):
    client.force_login(resident)
    data = form_data()
    data["photo-0-image"] = photo()
    response = client.post(URL, data)
    assert response.status_code == 200
    assert "Bitte beschreiben Sie kurz, was auf dem Foto zu sehen ist." in response.content.decode()
    assert Memory.objects.count() == 0


def test_rights_confirmation_required_with_media(client, resident):
    client.force_login(resident)
    data = form_data(rights_confirmed=None)
    data.update({"photo-0-image": photo(), "photo-0-alt_text": "Ein Bild"})
    response = client.post(URL, data)
    assert response.status_code == 200
    assert "veröffentlichen dürfen" in response.content.decode()


def test_story_rejects_html(client, resident):
    client.force_login(resident)
    response = client.post(URL, form_data(story="Hallo <script>alert(1)</script>"))
    assert response.status_code == 200
    assert "ohne HTML" in response.content.decode()
    assert Memory.objects.count() == 0


def test_typed_place_without_point_uses_district(client, resident, centre_district):
    client.force_login(resident)
    response = client.post(
        URL, form_data(lat="", lon="", place_name="Alte Schule", district=centre_district.pk)
    )
    assert response.status_code == 302
    memory = Memory.objects.get()
    assert memory.lat is None and memory.district == centre_district
    assert memory.precision == "district"
    assert memory.public_lat is not None  # the district's centre


@pytest.mark.parametrize(
    ("name", "payload", "message"),
    [
        ("bild.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "SVG"),
        ("bild.jpg", b"das ist kein bild", "kein lesbares Bild"),
        ("bild.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "kein lesbares Bild"),
        ("leer.jpg", b"", "leer"),
    ],
)
def test_bad_photo_uploads_are_refused(client, resident, name, payload, message):
    client.force_login(resident)
    data = form_data()
    data.update({"photo-0-image": SimpleUploadedFile(name, payload), "photo-0-alt_text": "x"})
    response = client.post(URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html or "nicht unterstützt" in html or "leer" in html
    assert Memory.objects.count() == 0


def test_too_large_and_bomb_refused(client, resident, settings):
    client.force_login(resident)
    settings.CIVIC_UPLOAD_MAX_IMAGE_BYTES = 100
    data = form_data()
    data.update({"photo-0-image": photo(data=jpeg_bytes(size=(200, 200))), "photo-0-alt_text": "x"})
    assert "zu groß" in client.post(URL, data).content.decode()
    settings.CIVIC_UPLOAD_MAX_IMAGE_BYTES = 15 * 1024 * 1024
    settings.CIVIC_UPLOAD_MAX_PIXELS = 100
    data = form_data()
    data.update({"photo-0-image": photo(data=png_bytes(50, 50)), "photo-0-alt_text": "x"})
    assert "Megapixel" in client.post(URL, data).content.decode()
    assert Memory.objects.count() == 0


def test_audio_recording_is_stored_and_bad_audio_refused(client, resident):
    client.force_login(resident)
    data = form_data()
    data.update({"audio-file": SimpleUploadedFile("aufnahme.mp3", b"kein ton hier, nur text")})
    response = client.post(URL, data)
    assert response.status_code == 200
    assert "keine unterstützte Tonaufnahme" in response.content.decode()
    data = form_data()
    data.update(
        {
            "audio-file": SimpleUploadedFile("aufnahme.wav", wav_bytes()),
            "audio-transcript": "Wir saßen alle vor dem Apparat.",
        }
    )
    response = client.post(URL, data)
    assert response.status_code == 302
    audio = Memory.objects.get().audio
    assert audio.mime == "audio/wav"
    assert audio.transcript == "Wir saßen alle vor dem Apparat."


def test_failure_leaves_no_memory_and_no_files(client, resident, settings, monkeypatch):
    """A failure in the middle (after photos were written) rolls everything back."""
    client.force_login(resident)

    def broken_submit(*args, **kwargs):
        raise DatabaseError("simulated failure")

    monkeypatch.setattr("stadtgedaechtnis.services.submit", broken_submit)
    data = form_data()
    data.update(
        {
            "photo-0-image": photo(),
            "photo-0-alt_text": "Ein Bild",
            "audio-file": SimpleUploadedFile("a.wav", wav_bytes()),
        }
    )
    response = client.post(URL, data)
    assert response.status_code == 200
    assert "Fehler aufgetreten" in response.content.decode()
    assert Memory.objects.count() == 0
    assert get_image_model().objects.count() == 0
    assert ModerationEvent.objects.count() == 0
    # Only the kept uploads (for the next attempt) remain, no image or audio file of the memory.
    files = media_files(settings)
    assert files and all("original_images" not in str(f) and "audio" not in f.parts for f in files)
    assert PendingUpload.objects.count() == 2


def test_photo_gps_is_offered_before_saving(client, resident):
    client.force_login(resident)
    data = form_data(lat="", lon="")
    data.update(
        {
            "photo-0-image": photo(data=jpeg_bytes(gps=(10.9645, 50.2585))),
            "photo-0-alt_text": "Ein Haus",
        }
    )
    response = client.post(URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Standort aus dem Foto übernehmen" in html
    assert 'data-start-step="where"' in html
    assert Memory.objects.count() == 0
    token = PendingUpload.objects.get().token
    data = form_data(lat="", lon="", photo_location="use", photo_location_asked="1")
    data.update({"photo-0-image_token": str(token), "photo-0-alt_text": "Ein Haus"})
    response = client.post(URL, data)
    assert response.status_code == 302, problems(response)
    memory = Memory.objects.get()
    assert memory.lat == pytest.approx(50.2585, abs=1e-4)
    assert memory.lon == pytest.approx(10.9645, abs=1e-4)


def test_photo_gps_can_be_ignored(client, resident):
    client.force_login(resident)
    data = form_data(lat="", lon="", photo_location="ignore")
    data.update(
        {
            "photo-0-image": photo(data=jpeg_bytes(gps=(10.9645, 50.2585))),
            "photo-0-alt_text": "Ein Haus",
        }
    )
    response = client.post(URL, data)
    assert response.status_code == 302
    assert Memory.objects.get().lat is None


def test_editor_enters_memory_on_behalf(client, editor):
    client.force_login(editor)
    response = client.get(URL)
    assert "im Auftrag" in response.content.decode()
    response = client.post(URL, form_data(on_behalf="on", on_behalf_source="phone"))
    assert response.status_code == 200  # the person's consent is missing
    assert "wie die Person eingewilligt hat" in response.content.decode()
    response = client.post(
        URL,
        form_data(
            on_behalf="on",
            on_behalf_source="phone",
            on_behalf_consent="Mündlich am Telefon, 3. März 2026",
            name="Gertrud Zeitzeugin",
        ),
    )
    assert response.status_code == 302
    memory = Memory.objects.get()
    assert memory.on_behalf and memory.on_behalf_source == "phone"
    assert memory.author is None and memory.entered_by == editor
    assert memory.contributor_name == "Gertrud Zeitzeugin"
    assert memory.status == Status.SUBMITTED


def test_resident_cannot_enter_on_behalf(client, resident):
    client.force_login(resident)
    assert "im Auftrag" not in client.get(URL).content.decode()
    client.post(URL, form_data(on_behalf="on", on_behalf_source="phone"))
    assert Memory.objects.get().on_behalf is False
