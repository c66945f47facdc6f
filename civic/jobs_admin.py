"""Wagtail admin for background jobs ("Exporte und Dokumente"): a job's status with its progress,
the download of its file, and the list of one's own jobs. See ``civic/jobs.py``."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from civic import jobs
from civic.models_jobs import Job


def _job_for(request, pk) -> Job:
    job = get_object_or_404(Job, pk=pk)
    if not jobs.may_access(request.user, job):
        raise PermissionDenied
    return job


def status_payload(job: Job) -> dict:
    return {
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "progress": job.progress,
        "message": job.message,
        "download_url": job.download_url(),
        "filename": job.filename,
    }


def index(request):
    if not request.user.has_perm("civic.view_dashboard"):
        raise PermissionDenied
    page = Paginator(Job.objects.visible_to(request.user), 25).get_page(request.GET.get("seite"))
    page.object_list = list(page.object_list)
    for job in page.object_list:
        job.kind_label = jobs.label_of(job)
    return TemplateResponse(
        request,
        "civic/jobs/index.html",
        {
            "page_obj": page,
            "retention_days": settings.CIVIC_JOB_RETENTION_DAYS,
        },
    )


def detail(request, pk):
    job = _job_for(request, pk)
    return TemplateResponse(
        request, "civic/jobs/detail.html", {"job": job, "kind_label": jobs.label_of(job)}
    )


def status(request, pk):
    return JsonResponse(status_payload(_job_for(request, pk)))


def download(request, pk):
    job = _job_for(request, pk)
    if not job.is_done:
        raise Http404
    jobs.record_download(job, request.user)
    response = FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@hooks.register("register_admin_urls")
def register_job_urls():
    patterns = [
        path("", index, name="index"),
        path("<uuid:pk>/", detail, name="detail"),
        path("<uuid:pk>/status/", status, name="status"),
        path("<uuid:pk>/datei/", download, name="download"),
    ]
    return [path("auftraege/", include((patterns, "civic_jobs"), namespace="civic_jobs"))]


class JobsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("civic.view_dashboard")


@hooks.register("register_admin_menu_item")
def register_jobs_menu_item():
    return JobsMenuItem(
        _("Exporte und Dokumente"),
        reverse("civic_jobs:index"),
        name="auftraege",
        icon_name="download",
        order=910,
    )


@hooks.register("register_log_actions")
def register_job_log_actions(actions):
    actions.register_action(jobs.JOB_STARTED, _("Auftrag gestartet"), _("Auftrag gestartet"))
    actions.register_action(
        jobs.JOB_DOWNLOADED, _("Datei heruntergeladen"), _("Datei heruntergeladen")
    )
