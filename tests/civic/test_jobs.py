"""Background jobs (civic.jobs): run after commit, progress, private file, permissions, log."""

import csv
import io
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from civic import jobs
from civic.models import Job

KIND = "tests.numbers"
seen_progress: list[int] = []


def _write_numbers(job, progress):
    count = int(job.params["count"])
    if count < 0:
        raise jobs.JobError("Die Anzahl darf nicht negativ sein.")
    if count == 13:
        raise RuntimeError("unexpected")
    path = jobs.workdir(job) / "zahlen.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["nummer", "quadrat"])
        for number in range(count):
            writer.writerow([number, number * number])
            progress(number + 1, count, "Zeilen schreiben")
            seen_progress.append(Job.objects.get(pk=job.pk).progress)
    return path


jobs.register(
    KIND,
    run=_write_numbers,
    label="Zahlen",
    permission=lambda user, params: user.has_perm("civic.view_dashboard"),
)


def _workdir_of(job) -> Path:
    return Path(tempfile.gettempdir()) / f"civic-job-{job.pk}"


def _start(user, count, capture):
    with capture(execute=True):
        job = jobs.start(KIND, user=user, params={"count": count}, title=f"{count} Zahlen")
        assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED  # not before the commit
    job.refresh_from_db()
    return job


def test_job_runs_after_commit_and_stores_its_file_privately(
    editor, django_capture_on_commit_callbacks, settings
):
    seen_progress.clear()
    job = _start(editor, 50, django_capture_on_commit_callbacks)
    assert job.status == Job.Status.DONE and job.progress == 100
    rows = list(csv.reader(io.StringIO(job.file.read().decode())))
    assert rows[0] == ["nummer", "quadrat"] and len(rows) == 51 and rows[-1] == ["49", "2401"]
    assert job.file_size == len(job.file.open("rb").read())
    # Stored in the private storage, not below MEDIA_ROOT (which is served publicly).
    assert Path(settings.MEDIA_ROOT) not in Path(job.file.path).parents
    # Progress was recorded while it ran, rising, below 100 until the end.
    assert seen_progress[0] < seen_progress[-1] <= 99 and seen_progress == sorted(seen_progress)
    # Its temporary folder is gone.
    assert not _workdir_of(job).exists()


def test_start_is_logged_and_refused_without_permission(
    editor, resident, django_capture_on_commit_callbacks
):
    job = _start(editor, 3, django_capture_on_commit_callbacks)
    entry = ModelLogEntry.objects.get(object_id=str(job.pk), action=jobs.JOB_STARTED)
    assert entry.user == editor and entry.data["params"] == {"count": 3}
    with pytest.raises(PermissionDenied):
        jobs.start(KIND, user=resident, params={"count": 3}, title="x")
    assert Job.objects.count() == 1


def test_expected_failure_shows_its_message_and_leaves_no_file(
    editor, django_capture_on_commit_callbacks
):
    job = _start(editor, -1, django_capture_on_commit_callbacks)
    assert job.status == Job.Status.FAILED
    assert job.message == "Die Anzahl darf nicht negativ sein."
    assert not job.file


def test_unexpected_failure_gets_a_general_message(editor, django_capture_on_commit_callbacks):
    job = _start(editor, 13, django_capture_on_commit_callbacks)
    assert job.status == Job.Status.FAILED and not job.file
    assert "fehlgeschlagen" in job.message and "unexpected" not in job.message
    assert not _workdir_of(job).exists()


def test_status_page_progress_and_download(client, editor, django_capture_on_commit_callbacks):
    job = _start(editor, 5, django_capture_on_commit_callbacks)
    client.force_login(editor)
    page = client.get(job.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert '<progress id="job-progress" max="100" value="100">' in html
    assert job.download_url() in html and "Fertig" in html
    state = client.get(job.status_url()).json()
    assert state == {
        "status": "done",
        "status_label": "Fertig",
        "progress": 100,
        "message": "",
        "download_url": job.download_url(),
        "filename": job.filename,
    }
    response = client.get(job.download_url())
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"nummer,quadrat")
    assert ModelLogEntry.objects.filter(
        object_id=str(job.pk), action=jobs.JOB_DOWNLOADED, user=editor
    ).exists()
    listing = client.get(reverse("civic_jobs:index")).content.decode()
    assert job.title in listing and job.download_url() in listing


def test_queued_job_page_shows_waiting_state(client, editor):
    job = Job.objects.create(kind=KIND, title="Wartend", params={"count": 1}, created_by=editor)
    client.force_login(editor)
    html = client.get(job.get_absolute_url()).content.decode()
    assert "Wartet" in html and "data-job-finished" not in html
    assert client.get(reverse("civic_jobs:download", args=[job.pk])).status_code == 404


def test_residents_get_403_and_anonymous_the_login(
    client, editor, resident, django_capture_on_commit_callbacks
):
    job = _start(editor, 2, django_capture_on_commit_callbacks)
    for url in (job.get_absolute_url(), job.status_url(), job.download_url()):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(resident)
    for url in (job.get_absolute_url(), job.status_url(), job.download_url()):
        assert client.get(url).status_code == 403


def test_someone_who_lost_the_permission_cannot_download(
    client, editor, django_capture_on_commit_callbacks
):
    job = _start(editor, 2, django_capture_on_commit_callbacks)
    editor.groups.clear()
    client.force_login(get_user_model().objects.get(pk=editor.pk))  # fresh: no cached groups
    assert client.get(job.download_url()).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_database_backend_runs_jobs_in_the_worker(
    editor, settings, django_capture_on_commit_callbacks
):
    """The production path: the job waits in the database until `db_worker` runs it.

    Transactional: the worker closes connections that are inside a transaction, as the test's
    wrapping transaction would be."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        "jobs": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.start(KIND, user=editor, params={"count": 4}, title="Im Hintergrund")
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.progress == 0
    call_command("db_worker", "--backend", "jobs", "--batch", "--no-startup-delay", verbosity=0)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.file.read().decode().splitlines()[-1] == "3,9"


def test_purge_removes_old_jobs_and_their_files(editor, django_capture_on_commit_callbacks):
    old = _start(editor, 2, django_capture_on_commit_callbacks)
    recent = _start(editor, 2, django_capture_on_commit_callbacks)
    path = Path(old.file.path)
    Job.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=8))
    call_command("purge_jobs", verbosity=0)
    assert not path.exists()
    assert list(Job.objects.values_list("pk", flat=True)) == [recent.pk]
