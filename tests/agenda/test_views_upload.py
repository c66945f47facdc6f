"""A proposal's image: validated by content, stored without metadata, kept across a failed
submission (civic.uploads stash/claim)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from agenda.models import Proposal
from civic.models import PendingUpload
from tests.agenda.factories import RoundPageFactory

pytestmark = pytest.mark.django_db


def png(name="bild.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def round_(field_of_action):
    round_ = RoundPageFactory(current="propose")
    round_.fields_of_action.add(field_of_action)
    round_.save()
    return round_


def data(field_of_action, **extra):
    return {
        "title": "Ein Bild sagt mehr",
        "description": "Siehe Foto.",
        "field_of_action": field_of_action.pk,
        "image_alt": "Ein roter Platz",
        **extra,
    }


def test_image_is_stored_as_wagtail_image(client, resident, round_, field_of_action):
    client.force_login(resident)
    response = client.post(
        reverse("agenda:propose", args=[round_.pk]), data(field_of_action, image=png())
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.image is not None and proposal.image.width == 40
    assert proposal.image.description == "Ein roter Platz"
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert 'alt="Ein roter Platz"' in html


def test_not_an_image_is_refused(client, resident, round_, field_of_action):
    client.force_login(resident)
    fake = SimpleUploadedFile("bild.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = client.post(
        reverse("agenda:propose", args=[round_.pk]), data(field_of_action, image=fake)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["image"]
    assert not Proposal.objects.exists()


def test_alt_text_required_with_an_image(client, resident, round_, field_of_action):
    client.force_login(resident)
    response = client.post(
        reverse("agenda:propose", args=[round_.pk]),
        data(field_of_action, image=png(), image_alt=""),
    )
    assert response.status_code == 200
    assert "was auf dem Bild zu sehen ist" in response.content.decode()


def test_upload_is_kept_after_a_failed_submission(client, resident, round_, field_of_action):
    client.force_login(resident)
    url = reverse("agenda:propose", args=[round_.pk])
    response = client.post(url, data(field_of_action, title="", image=png("platz.png")))
    assert response.status_code == 200
    kept = PendingUpload.objects.get()
    html = response.content.decode()
    assert "Bereits hochgeladen:" in html and str(kept.token) in html
    response = client.post(url, data(field_of_action, image_token=str(kept.token)))
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.image is not None
    assert not PendingUpload.objects.exists()


def test_someone_elses_token_is_ignored(client, resident, other_resident, round_, field_of_action):
    client.force_login(resident)
    url = reverse("agenda:propose", args=[round_.pk])
    client.post(url, data(field_of_action, title="", image=png()))
    token = PendingUpload.objects.get().token
    client.force_login(other_resident)
    response = client.post(url, data(field_of_action, image_token=str(token)))
    assert response.status_code == 302
    assert Proposal.objects.get().image is None


def test_failed_submission_leaves_no_image_and_no_file(
    client, resident, round_, field_of_action, settings, tmp_path, monkeypatch
):
    """The image is written in the proposal's transaction: a failure after it removes both."""
    from wagtail.images import get_image_model

    from agenda.models import ProposalEvent

    settings.MEDIA_ROOT = tmp_path / "media"

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(ProposalEvent.objects, "create", broken)
    client.force_login(resident)
    client.raise_request_exception = False
    response = client.post(
        reverse("agenda:propose", args=[round_.pk]), data(field_of_action, image=png())
    )
    assert response.status_code == 500
    assert not Proposal.objects.exists()
    assert not get_image_model().objects.exists()
    stored = [p for p in (tmp_path / "media").rglob("*") if p.is_file()]
    assert stored == []
