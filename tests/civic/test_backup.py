"""``manage.py backup`` / ``manage.py restore``: the round trip, and every refusal.

"Wiping" the installation puts the database back to what ``migrate`` leaves (the state every test
starts from, serialized at its start) and deletes the media folders.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.db import connection

from civic.backup import dumped_models
from tests.faults_support import fail_on_write

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "Coburg-Demo-2026"  # noqa: S105 (the documented demo password)


@pytest.fixture
def roots(settings, tmp_path):
    media, private = tmp_path / "media", tmp_path / "private"
    settings.MEDIA_ROOT = media
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(private), "base_url": None},
        },
    }
    return media, private


def counts() -> dict[str, int]:
    return {m._meta.label_lower: m._base_manager.count() for m in dumped_models()}


def checksums(*roots) -> dict[str, str]:
    found = {}
    for root in roots:
        for path in sorted(Path(root).rglob("*")):
            if path.is_file():
                key = f"{Path(root).name}/{path.relative_to(root)}"
                found[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.fixture
def fresh(db) -> str:
    """The database as ``migrate`` left it (each test starts there), serialized for wipe()."""
    return connection.creation.serialize_db_to_string()


def wipe(fresh: str, *roots) -> None:
    """A fresh installation: the tables as ``migrate`` leaves them, no files."""
    from civic.backup import _flush

    _flush("default")
    connection.creation.deserialize_db_from_string(fresh)
    for root in roots:
        shutil.rmtree(root, ignore_errors=True)


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def add_round_activity():
    """Votes and comments in a round of the demo (on top of the demo's own)."""
    from agenda.models import Proposal, Vote
    from tests.agenda.factories import make_comment
    from tests.civic.factories import UserFactory

    proposal = Proposal.objects.order_by("pk").first()
    voter = UserFactory(display_name="Vera Voting")
    Vote.objects.create(proposal=proposal, round=proposal.round, user=voter, value=1)
    make_comment(proposal, voter, "Ein Kommentar, der die Sicherung überlebt.")
    return proposal


def test_round_trip_restores_every_row_and_every_file(client, fresh, roots):
    from stadtgedaechtnis.models import Memory, MemoryAudio
    from tests.stadtgedaechtnis.factories import wav_bytes

    media, private = roots
    run("seed_demo")
    memory = Memory.objects.published().filter(photos__isnull=False).first()
    assert memory is not None, "the demo has no memory with a photo"
    audio = MemoryAudio(memory=memory, mime="audio/wav", transcript="Hören Sie mal.")
    audio.file.save("erzaehlt.wav", ContentFile(wav_bytes()), save=False)
    audio.save()
    proposal = add_round_activity()
    storages["private"].save("exports/abstimmung.csv", ContentFile(b"Vorschlag;Stimmen\n"))
    before_rows, before_files = counts(), checksums(media, private)
    assert before_rows["stadtgedaechtnis.memoryphoto"] > 0
    assert before_rows["agenda.vote"] > 0 and before_rows["django_comments_xtd.xtdcomment"] > 0
    assert any(k.startswith("private/") for k in before_files)
    assert any(k.startswith("media/original_images/") for k in before_files)

    archive = roots[0].parent / "sicherung.tar.gz"
    output = run("backup", str(archive))
    assert "Sicherung geschrieben" in output
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["counts"]["stadtgedaechtnis.memory"] == before_rows["stadtgedaechtnis.memory"]
    assert "private/exports/abstimmung.csv" in manifest["members"]
    assert manifest["database"] == connection.vendor

    wipe(fresh, media, private)
    assert counts()["stadtgedaechtnis.memory"] == 0 and not media.exists()

    output = run("restore", str(archive))
    assert "wiederhergestellt" in output and "Fertig" in output
    assert counts() == before_rows
    assert checksums(media, private) == before_files
    # What a visitor and a resident see.
    response = client.get(memory.get_absolute_url())
    assert response.status_code == 200 and memory.title in response.content.decode()
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "Ein Kommentar, der die Sicherung überlebt." in html
    photo = memory.photos.first()
    assert (media / photo.image.file.name).read_bytes()
    assert client.login(email="buergerin@coburg.example", password=DEMO_PASSWORD)
    # New rows after the restore get new primary keys (PostgreSQL's sequences were moved on).
    from tests.civic.factories import UserFactory

    UserFactory(display_name="Nach der Wiederherstellung")


@pytest.fixture
def small_backup(fresh, roots):
    """A few rows and files, backed up; returns (archive, rows, files)."""
    from tests.stadtgedaechtnis.factories import MemoryFactory, MemoryPhotoFactory

    media, private = roots
    MemoryPhotoFactory(memory=MemoryFactory(title="Die alte Brücke"))
    storages["private"].save("jobs/bericht.pdf", ContentFile(b"%PDF-1.4 bericht"))
    archive = media.parent / "klein.tar.gz"
    run("backup", str(archive))
    return archive, counts(), checksums(media, private), fresh


def test_restore_refuses_a_database_with_content_unless_forced(small_backup, roots):
    from stadtgedaechtnis.models import Memory
    from tests.stadtgedaechtnis.factories import MemoryFactory

    archive, rows, files, fresh = small_backup
    MemoryFactory(title="Nach der Sicherung erzählt")
    with pytest.raises(CommandError, match="nicht leer.*--force"):
        run("restore", str(archive))
    assert Memory.objects.count() == 2  # nothing changed

    output = run("restore", "--force", str(archive))
    assert "Fertig" in output
    assert counts() == rows
    assert list(Memory.objects.values_list("title", flat=True)) == ["Die alte Brücke"]
    assert checksums(*roots) == files


def test_restore_refuses_a_damaged_archive_and_changes_nothing(small_backup, roots, tmp_path):
    archive, _rows, _files, fresh = small_backup
    damaged = tmp_path / "beschaedigt.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for info in source:
            data = source.extractfile(info).read()
            if info.name.startswith("private/"):
                data = data.replace(b"bericht", b"BERICHT")  # same size, other content
            target.addfile(info, io.BytesIO(data))
    wipe(fresh, *roots)
    before = counts()
    with pytest.raises(CommandError, match="Prüfsumme falsch.*private/jobs/bericht.pdf"):
        run("restore", str(damaged))
    assert counts() == before
    assert checksums(*roots) == {}
    with pytest.raises(CommandError, match="keine lesbare Sicherung"):
        run("restore", str(tmp_path / "gibt-es-nicht.tar.gz"))


def test_restore_is_one_transaction(small_backup, roots):
    """A database fault in the middle of loading the rows: nothing restored, no file written."""
    archive, rows, files, fresh = small_backup
    wipe(fresh, *roots)
    before = counts()
    with fail_on_write(40, only=r"^\s*INSERT") as fault:
        with pytest.raises(CommandError, match="zurückgerollt"):
            run("restore", str(archive))
    assert fault.fired
    assert counts() == before
    assert checksums(*roots) == {}
    run("restore", str(archive))  # the archive is fine: the next attempt works
    assert counts() == rows
    assert checksums(*roots) == files


def test_backup_refuses_to_overwrite_and_leaves_no_partial_file(roots, tmp_path):
    archive = tmp_path / "vorhanden.tar.gz"
    archive.write_bytes(b"alt")
    with pytest.raises(CommandError, match="gibt es schon"):
        run("backup", str(archive))
    assert archive.read_bytes() == b"alt"
    run("backup", "--overwrite", str(archive))
    assert tarfile.is_tarfile(archive)
    assert not list(tmp_path.glob("*.partial"))


def test_restore_deletes_the_files_it_wrote_when_a_later_file_fails(small_backup, roots, settings):
    """The disk fills up while the files are written back: the rows are rolled back and the files
    written so far are deleted again."""
    from tests.faults_support import FailingStorage

    archive, rows, files, fresh = small_backup
    media, private = roots
    wipe(fresh, *roots)
    before = counts()
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "tests.faults_support.FailingStorage",
            "OPTIONS": {"location": str(private), "base_url": None},
        },
    }
    FailingStorage.arm(1)  # media/ comes first in the archive, then private/
    try:
        with pytest.raises(CommandError, match="zurückgerollt"):
            run("restore", str(archive))
        assert FailingStorage.fired
    finally:
        FailingStorage.arm(0)
    assert counts() == before
    assert checksums(*roots) == {}, "files of a failed restore were left behind"
    run("restore", str(archive))
    assert counts() == rows and checksums(*roots) == files
