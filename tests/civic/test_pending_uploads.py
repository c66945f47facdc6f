"""Uploads kept across a failed submission: stash, claim, the include, the purge command."""

import datetime
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone
from PIL import Image

from civic.models import PendingUpload
from civic.uploads import (
    CleanAudio,
    CleanImage,
    claim,
    clean_audio,
    clean_image,
    kept_upload,
    stash,
)
from tests.civic.factories import UserFactory
from tests.civic.test_uploads import gps_exif, image_bytes, wav_bytes

pytestmark = pytest.mark.django_db


def make_request(user=None, session=None, data=None):
    request = RequestFactory().post("/", data=data or {})
    request.user = user or AnonymousUser()
    request.session = session if session is not None else SessionStore()
    return request


@pytest.fixture
def photo():
    return clean_image(io.BytesIO(image_bytes("JPEG", exif=gps_exif())))


def test_stash_and_claim_for_the_same_user(photo):
    user = UserFactory()
    upload = stash(make_request(user), photo, kind="image")

    assert upload.kind == "image"
    assert upload.user == user
    assert upload.meta["format"] == "JPEG"
    assert upload.meta["width"] == 40
    assert upload.meta["gps"][0] == pytest.approx(10.96)
    assert upload.file.storage.exists(upload.file.name)
    assert claim(make_request(user), upload.token) == upload
    assert claim(make_request(user), str(upload.token)) == upload


def test_nobody_else_can_claim(photo):
    owner, other = UserFactory(), UserFactory()
    upload = stash(make_request(owner), photo, kind="image")

    assert claim(make_request(other), upload.token) is None
    assert claim(make_request(), upload.token) is None
    assert claim(make_request(owner), "kein-token") is None
    assert claim(make_request(owner), None) is None


def test_anonymous_visitors_claim_by_session(photo):
    session = SessionStore()
    upload = stash(make_request(session=session), photo, kind="image")

    assert upload.user is None
    assert upload.session_key == session.session_key
    assert claim(make_request(session=session), upload.token) == upload
    assert claim(make_request(session=SessionStore()), upload.token) is None


def test_an_owner_is_required():
    with transaction.atomic(), pytest.raises(IntegrityError):
        PendingUpload.objects.create(kind="image", file="pending/x/a.jpg")


def test_delete_removes_the_file(photo):
    upload = stash(make_request(UserFactory()), photo, kind="image")
    storage, name = upload.file.storage, upload.file.name
    upload.delete()
    assert not storage.exists(name)
    assert not PendingUpload.objects.exists()


def test_as_cleaned_gives_the_same_result(photo):
    upload = stash(make_request(UserFactory()), photo, kind="image")
    cleaned = upload.as_cleaned()
    assert isinstance(cleaned, CleanImage)
    assert cleaned.gps == pytest.approx(photo.gps)
    assert cleaned.format == "JPEG"
    assert Image.open(cleaned.content).format == "JPEG"

    audio = stash(make_request(UserFactory()), clean_audio(io.BytesIO(wav_bytes())), kind="audio")
    cleaned_audio = audio.as_cleaned()
    assert isinstance(cleaned_audio, CleanAudio)
    assert cleaned_audio.mime == "audio/wav"


def test_unknown_kind_is_refused(photo):
    with pytest.raises(ValueError):
        stash(make_request(UserFactory()), photo, kind="video")


def test_kept_upload_reads_the_token_and_the_remove_checkbox(photo):
    user = UserFactory()
    upload = stash(make_request(user), photo, kind="image")

    request = make_request(user, data={"photo_token": str(upload.token)})
    assert kept_upload(request, "photo") == upload
    assert kept_upload(make_request(user), "photo") is None

    request = make_request(
        user, data={"photo_token": str(upload.token), "photo_remove": str(upload.token)}
    )
    assert kept_upload(request, "photo") is None
    assert not PendingUpload.objects.filter(pk=upload.pk).exists()


def test_include_shows_name_thumbnail_checkbox_and_token(photo):
    upload = stash(make_request(UserFactory()), photo, kind="image")
    html = render_to_string(
        "civic/includes/kept_upload.html", {"upload": upload, "field_name": "photo"}
    )
    assert "Bereits hochgeladen:" in html
    assert upload.display_name in html
    assert f'name="photo_token" value="{upload.token}"' in html
    assert 'type="checkbox" id="id_photo_remove" name="photo_remove"' in html
    assert '<label for="id_photo_remove">' in html
    assert f'src="{upload.file.url}"' in html
    assert "style=" not in html


def test_purge_command_deletes_only_old_uploads(photo, settings):
    settings.CIVIC_PENDING_UPLOAD_HOURS = 24
    user = UserFactory()
    old = stash(make_request(user), photo, kind="image")
    fresh = stash(make_request(user), photo, kind="image")
    PendingUpload.objects.filter(pk=old.pk).update(
        created=timezone.now() - datetime.timedelta(hours=25)
    )
    old_name = old.file.name

    out = io.StringIO()
    call_command("purge_pending_uploads", stdout=out)

    assert list(PendingUpload.objects.all()) == [fresh]
    assert not old.file.storage.exists(old_name)
    assert fresh.file.storage.exists(fresh.file.name)
    assert "1 " in out.getvalue()

    call_command("purge_pending_uploads", "--hours", "0", stdout=io.StringIO())
    assert not PendingUpload.objects.exists()
