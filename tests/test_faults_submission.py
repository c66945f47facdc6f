"""Faults in the middle of an Erzähle submission (photos + recording) leave nothing half-written.

The real ``/erzaehlen/`` POST runs while the database refuses its k-th write, for every k, or
while the file storage refuses its k-th file. After each failure the test counts the rows of every
table the submission writes and the files on disk; the resident's uploads are kept (the next
attempt sends only their tokens), and the last attempt, without a fault, saves everything once.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.images import get_image_model
from wagtail.models import Collection

from civic.models import PendingUpload
from stadtgedaechtnis.models import (
    Memory,
    MemoryAudio,
    MemoryContact,
    MemoryPhoto,
    ModerationEvent,
    Status,
)
from tests.faults_support import (
    FailingStorage,
    fail_on_write,
    files_under,
    row_counts,
    use_failing_storage,
)
from tests.stadtgedaechtnis.factories import MemoryFactory, jpeg_bytes, png_bytes, wav_bytes

pytestmark = pytest.mark.django_db

URL = "/erzaehlen/"
ERROR = "Beim Speichern ist leider ein Fehler aufgetreten"
MODELS = (
    Memory,
    MemoryPhoto,
    MemoryAudio,
    MemoryContact,
    ModerationEvent,
    get_image_model(),
    Collection,
)


@pytest.fixture
def media(settings, tmp_path):
    """Default storage: a real file system storage under tmp_path that can be told to fail."""
    root = tmp_path / "media"
    use_failing_storage(settings, root)
    yield root
    FailingStorage.arm(0)


def form_data(**overrides) -> dict:
    data = {
        "title": "Das Hochwasser 1967",
        "story": "Die Itz trat über die Ufer.\n\nWir trugen die Stühle in den ersten Stock.",
        "summary": "Hochwasser in der Judengasse.",
        "date_text": "März 1967",
        "lat": "50.2585",
        "lon": "10.9645",
        "place_name": "Judengasse",
        "precision": "exact",
        "licence": "cc-by-4.0",
        "people_status": "not_identifiable",
        "attribution": "full_name",
        "name": "Rita Resident",
        "consent": "on",
        "rights_confirmed": "on",
        "photo-0-alt_text": "Wasser in der Gasse",
        "photo-1-alt_text": "Sandsäcke vor der Tür",
        "audio-transcript": "Das Wasser stand kniehoch.",
    }
    for i in range(5):
        data[f"photo-{i}-licence"] = "cc-by-4.0"
    data.update(overrides)
    return data


def fresh_files() -> dict:
    return {
        "photo-0-image": SimpleUploadedFile("gasse.jpg", jpeg_bytes(), "image/jpeg"),
        "photo-1-image": SimpleUploadedFile("sandsaecke.png", png_bytes(), "image/png"),
        "audio-file": SimpleUploadedFile("erzaehlung.wav", wav_bytes(), "audio/wav"),
    }


def kept_tokens(response) -> dict:
    """The hidden token inputs of the re-shown form, as the browser would send them back."""
    tell = response.context["tell"]
    tokens = {}
    for i, photo in enumerate(tell.photos):
        if photo.kept is not None:
            tokens[f"photo-{i}-image_token"] = str(photo.kept.token)
    if tell.audio.kept is not None:
        tokens["audio-file_token"] = str(tell.audio.kept.token)
    html = response.content.decode()
    for token in tokens.values():
        assert f'value="{token}"' in html  # the page really carries it
    return tokens


def pending_files() -> set[str]:
    return {f"0:{u.file.name}" for u in PendingUpload.objects.all()}


def rendition_files() -> set[str]:
    """Thumbnails the re-shown form rendered for existing photos (each with its row)."""
    from wagtail.images import get_image_model

    renditions = get_image_model().get_rendition_model().objects.all()
    return {f"0:{r.file.name}" for r in renditions}


def submit_until_saved(client, media, *, fault, extra=None, max_attempts=60):
    """POST the form; on each attempt ``fault(k)`` breaks the k-th step. After every failed
    attempt: nothing of the memory in the database or on disk, the uploads kept. Returns
    (number of failed attempts, last response)."""
    baseline = row_counts(*MODELS)
    payload = {**form_data(**(extra or {})), **fresh_files()}
    for k in range(1, max_attempts + 1):
        with fault(k) as fired:
            response = client.post(URL, payload)
        if not fired():
            return k - 1, response
        assert response.status_code == 200, f"fault {k}: {response.status_code}"
        assert ERROR in response.content.decode(), f"fault {k}: no message"
        assert row_counts(*MODELS) == baseline, f"fault {k} left rows behind"
        assert len(mail.outbox) == 0, f"fault {k} sent a mail"
        kept = PendingUpload.objects.all()
        assert sorted(u.kind for u in kept) == ["audio", "image", "image"], f"fault {k}"
        assert files_under(media) == pending_files(), f"fault {k} left orphan files"
        # The next attempt, as the browser sends it: the same text, the kept uploads' tokens.
        payload = {**form_data(**(extra or {})), **kept_tokens(response)}
    raise AssertionError("the submission never succeeded")


def db_fault(k):
    return _fired(fail_on_write(k))


def storage_fault(k):
    FailingStorage.arm(k)

    class _Ctx:
        fired = False

        def __enter__(self):
            return lambda: self.fired

        def __exit__(self, *exc):
            self.fired = FailingStorage.fired
            FailingStorage.arm(0)
            return False

    return _Ctx()


class _fired:
    def __init__(self, cm):
        self.cm = cm

    def __enter__(self):
        fault = self.cm.__enter__()
        return lambda: fault.fired

    def __exit__(self, *exc):
        return self.cm.__exit__(*exc)


def assert_saved_once(media, *, status):
    memory = Memory.objects.get()
    assert memory.status == status
    photos = list(memory.photos.select_related("image").order_by("sort_order"))
    assert [p.alt_text for p in photos] == ["Wasser in der Gasse", "Sandsäcke vor der Tür"]
    assert memory.audio.transcript == "Das Wasser stand kniehoch."
    assert get_image_model().objects.count() == 2
    # Exactly the memory's files remain: the kept uploads were deleted after the commit.
    assert PendingUpload.objects.count() == 0
    expected = {f"0:{p.image.file.name}" for p in photos} | {f"0:{memory.audio.file.name}"}
    assert files_under(media) == expected
    for name in expected:
        assert (media / name[2:]).stat().st_size > 0
    return memory


def test_resident_submission_survives_a_database_fault_at_every_write(
    client, resident, media, django_capture_on_commit_callbacks
):
    client.force_login(resident)
    with django_capture_on_commit_callbacks(execute=True):
        failed, response = submit_until_saved(client, media, fault=db_fault)
    assert response.status_code == 302, response.content.decode()[:300]
    # memory, m2m, collection, 2 images + 2 photo rows, audio, status change, event, ...
    assert failed >= 8, f"only {failed} writes were broken: the test did not reach the middle"
    assert_saved_once(media, status=Status.SUBMITTED)
    assert ModerationEvent.objects.count() == 1


def test_anonymous_submission_survives_a_database_fault_at_every_write(
    client, media, django_capture_on_commit_callbacks
):
    extra = {"name": "Karla Kontakt", "contact_email": "karla@example.net", "may_contact": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        failed, response = submit_until_saved(client, media, fault=db_fault, extra=extra)
    assert response.status_code == 302
    assert failed >= 8
    memory = assert_saved_once(media, status=Status.DRAFT)
    assert MemoryContact.objects.get().memory == memory
    # The confirmation mail went out once, for the saved memory only.
    assert [m.to for m in mail.outbox] == [["karla@example.net"]]


def test_submission_survives_a_storage_fault_at_every_file(
    client, resident, media, django_capture_on_commit_callbacks
):
    client.force_login(resident)
    with django_capture_on_commit_callbacks(execute=True):
        failed, response = submit_until_saved(client, media, fault=storage_fault)
    assert response.status_code == 302
    assert failed == 3  # photo, photo, recording: each refused once
    assert_saved_once(media, status=Status.SUBMITTED)


def test_failed_edit_keeps_the_old_photo_and_recording(
    client, resident, media, django_capture_on_commit_callbacks
):
    """Editing: removing a photo and replacing the recording, broken at every write, leaves the
    memory as it was (rows and files); the working attempt then replaces them."""
    from django.core.files.base import ContentFile

    from tests.stadtgedaechtnis.factories import make_image

    memory = MemoryFactory(author=resident, status=Status.CHANGES_REQUESTED)
    image = make_image("Altes Foto")
    old_photo = MemoryPhoto.objects.create(memory=memory, image=image, alt_text="Alt", sort_order=1)
    audio = MemoryAudio(memory=memory, mime="audio/wav", transcript="alt")
    audio.file.save("alt.wav", ContentFile(wav_bytes()), save=False)
    audio.save()
    old_files = files_under(media)
    assert f"0:{image.file.name}" in old_files and f"0:{audio.file.name}" in old_files
    baseline = row_counts(*MODELS)

    client.force_login(resident)
    url = f"/erinnerungen/{memory.pk}/bearbeiten/"
    assert client.get(url).status_code == 200, "edit URL changed?"
    data = form_data(title=memory.title, remove_photo=[str(old_photo.pk)], remove_audio="on")
    data["photo-0-alt_text"] = "Neues Foto"
    del data["photo-1-alt_text"]
    files = {
        "photo-0-image": SimpleUploadedFile("neu.jpg", jpeg_bytes(), "image/jpeg"),
        "audio-file": SimpleUploadedFile("neu.wav", wav_bytes(), "audio/wav"),
    }
    payload = {**data, **files}
    with django_capture_on_commit_callbacks(execute=True):
        for k in range(1, 60):
            with fail_on_write(k) as fault:
                response = client.post(url, payload)
            if not fault.fired:
                break
            assert response.status_code == 200 and ERROR in response.content.decode()
            assert row_counts(*MODELS) == baseline, f"fault {k}"
            memory.refresh_from_db()
            assert list(memory.photos.values_list("pk", flat=True)) == [old_photo.pk]
            assert MemoryAudio.objects.get(memory=memory).file.name == audio.file.name
            assert files_under(media) == old_files | pending_files() | rendition_files(), k
            payload = {**data, **kept_tokens(response)}
        else:
            raise AssertionError("the edit never succeeded")
    assert k > 5
    assert response.status_code == 302
    memory.refresh_from_db()
    photo = memory.photos.get()
    assert photo.alt_text == "Neues Foto"
    new_audio = MemoryAudio.objects.get(memory=memory)
    # The old files went after the commit, the new ones are there, nothing else.
    assert (
        files_under(media)
        == {
            f"0:{photo.image.file.name}",
            f"0:{new_audio.file.name}",
        }
        | rendition_files()
    )
    # The removed photo's original and its thumbnail are gone with it.
    assert not [
        f for f in files_under(media) if f.startswith(("0:original_images/foto", "0:images/foto."))
    ]


@pytest.mark.django_db(transaction=True)  # autocommit, as in production: the view has no atomic
def test_failed_stash_leaves_no_file_without_its_row(client, resident, media):
    """Keeping an upload for the next attempt (a form with an error) is a write too: when its row
    cannot be written, its file goes as well; no file is left that no row knows about."""
    client.force_login(resident)
    client.raise_request_exception = False
    payload = {**form_data(title=""), **fresh_files()}  # invalid: the uploads are stashed
    with fail_on_write(2, only=r"civic_pendingupload") as fault:
        response = client.post(URL, payload)
    assert fault.fired
    assert response.status_code == 500
    assert PendingUpload.objects.count() == 1  # the first was kept, then the error page
    assert files_under(media) == pending_files(), "a stashed file without its row"
