"""Background jobs: long exports and generated documents, with visible progress and a private file.

A domain app registers a kind of job once (in its registration module)::

    jobs.register("agenda.round_export", run=run_export, label=_("Export einer Runde"),
                  permission=lambda user, params: user.has_perm("agenda.export_round"))

and a view starts one::

    job = jobs.start("agenda.round_export", user=request.user, params={...}, title="...")
    return redirect(job.get_absolute_url())

``run(job, progress)`` writes its result into ``workdir(job)`` and returns the file's path;
``progress(done, total, message)`` may be called as often as convenient (writes are throttled).
Expected failures raise :class:`JobError` with a German message for the user.

The job runs after the surrounding transaction commits, as a django-tasks task on the backend
``"jobs"``: in production the database backend (django-tasks-db) with its worker
(``manage.py db_worker --backend jobs``), so the page shows progress while the job runs; in tests
the immediate backend. The result is stored in ``STORAGES["private"]`` and only handed out by
``civic.jobs_admin`` to people who pass the job's permission check. Starting and downloading are
recorded in Wagtail's log ("when and by whom").
"""

import logging
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task
from wagtail.log_actions import log

from civic.models_jobs import Job

logger = logging.getLogger(__name__)

JOB_STARTED = "civic.job.start"
JOB_DOWNLOADED = "civic.job.download"


class JobError(Exception):
    """An expected failure; its message (German, translated) is shown to the user."""


@dataclass(frozen=True)
class JobKind:
    kind: str
    run: Callable
    label: str
    permission: Callable


_KINDS: dict[str, JobKind] = {}


def register(kind: str, *, run: Callable, label, permission: Callable) -> None:
    """Register a kind of job.

    ``run(job, progress) -> Path`` makes the file; ``permission(user, params) -> bool`` decides who
    may start the job and download its file."""
    _KINDS[kind] = JobKind(kind=kind, run=run, label=label, permission=permission)


def kind_of(job: Job) -> JobKind | None:
    return _KINDS.get(job.kind)


def label_of(job: Job) -> str:
    spec = kind_of(job)
    return str(spec.label) if spec else job.kind


def may_access(user, job: Job) -> bool:
    """Whether the user may see the job and download its file: who passes the kind's permission
    (checked again now: a role may have been taken away since the job started)."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    spec = kind_of(job)
    return bool(spec and spec.permission(user, job.params))


def start(kind: str, *, user, params: dict | None = None, title: str) -> Job:
    """Create the job and run it once the current transaction commits."""
    spec = _KINDS.get(kind)
    if spec is None:
        raise ValueError(f"Unknown job kind: {kind}")
    params = dict(params or {})
    if not (user and user.is_authenticated and spec.permission(user, params)):
        raise PermissionDenied
    job = Job.objects.create(kind=kind, title=title[:200], params=params, created_by=user)
    log(instance=job, action=JOB_STARTED, user=user, data={"kind": kind, "params": params})
    job_id = str(job.pk)
    transaction.on_commit(lambda: run_job.enqueue(job_id))
    return job


def workdir(job: Job) -> Path:
    """A temporary directory for the job's output; removed after the run."""
    path = Path(tempfile.gettempdir()) / f"civic-job-{job.pk}"
    path.mkdir(parents=True, exist_ok=True)
    return path


class Progress:
    """Callable handed to a job's ``run``: records each new percentage, and a changed message
    at most about once a second."""

    def __init__(self, job: Job, min_interval: float = 1.0):
        self.job = job
        self.min_interval = min_interval
        self._last_write = 0.0
        self._last_percent = -1

    def __call__(self, done: int, total: int, message: str = "") -> None:
        percent = 0 if total <= 0 else max(0, min(99, int(done * 100 / total)))
        now = time.monotonic()
        if percent == self._last_percent and now - self._last_write < self.min_interval:
            return
        self._last_write, self._last_percent = now, percent
        Job.objects.filter(pk=self.job.pk).update(progress=percent, message=str(message)[:255])


@task(backend="jobs")
def run_job(job_id: str) -> str:
    """Run one job (the django-tasks task). Idempotent: a job that is not waiting is left alone."""
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=timezone.now(), message=""
    )
    if not claimed:
        return "skipped"
    job = Job.objects.get(pk=job_id)
    spec = kind_of(job)
    folder = workdir(job)
    try:
        if spec is None:
            raise JobError(_("Diese Art von Auftrag gibt es nicht mehr."))
        if not (job.created_by and may_access(job.created_by, job)):
            raise JobError(_("Sie haben keine Berechtigung mehr für diesen Auftrag."))
        result = Path(spec.run(job, Progress(job)))
        with result.open("rb") as handle:
            job.file.save(result.name, File(handle), save=False)
        job.file_size = result.stat().st_size
        job.status, job.progress, job.message = Job.Status.DONE, 100, ""
    except JobError as error:
        job.status, job.message = Job.Status.FAILED, str(error)[:255]
    except Exception:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        job.status = Job.Status.FAILED
        job.message = str(
            _(
                "Der Auftrag ist fehlgeschlagen. Bitte versuchen Sie es erneut; "
                "wenn der Fehler bleibt, wenden Sie sich an die Administration."
            )
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "progress", "message", "file", "file_size", "finished_at"])
    return job.status


def record_download(job: Job, user) -> None:
    log(instance=job, action=JOB_DOWNLOADED, user=user, data={"kind": job.kind})


def purge_finished_jobs(now=None) -> int:
    """Delete jobs (and their files) that finished more than CIVIC_JOB_RETENTION_DAYS ago."""
    now = now or timezone.now()
    limit = now - timedelta(days=settings.CIVIC_JOB_RETENTION_DAYS)
    count = 0
    for job in Job.objects.filter(finished_at__lt=limit).iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        count += 1
    return count
