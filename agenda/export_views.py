"""Admin views of the round exports (``/admin/agenda/exporte/…``), permission
``agenda.export_round`` (steering group, editors, administrators; 403 for everyone else).

* the "Exporte" page of a round: each export with its formats, a direct download for small
  rounds and a background job for any size;
* the direct download (GET): CSV and GeoJSON stream row by row, XLSX and GeoPackage are written
  to a temporary file first; refused above the stream limit (then only the job is offered);
* starting a background job (POST), which redirects to the job's status page.

Every export is recorded in Wagtail's log of the round page (:func:`agenda.exports.log_export`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.models import PageLogEntry

from agenda import exports
from agenda.models import RoundPage

PERMISSION = "agenda.export_round"
JOB_KIND = "agenda.round_export"


def _require(user):
    if not user.has_perm(PERMISSION):
        raise PermissionDenied


def _round(pk) -> RoundPage:
    return get_object_or_404(RoundPage, pk=pk)


def _check(kind: str, fmt: str):
    if not exports.is_valid(kind, fmt):
        raise Http404


def exports_url(round_page) -> str:
    return reverse("agenda_exports:round", args=[round_page.pk])


def job_title(round_page, kind: str, fmt: str) -> str:
    return _("%(round)s – %(kind)s (%(format)s)") % {
        "round": round_page.title,
        "kind": exports.KINDS[kind].label,
        "format": exports.FORMATS[fmt]["label"],
    }


class RoundExportsView(WagtailAdminTemplateMixin, View):
    """The exports of one round, with format buttons and the last exports made."""

    template_name = "agenda/exports/round.html"
    header_icon = "download"

    def dispatch(self, request, *args, **kwargs):
        _require(request.user)
        self.round_page = _round(kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Exporte")

    def get_page_subtitle(self):
        return self.round_page.title

    def get_breadcrumbs_items(self):
        items = list(self.breadcrumbs_items)
        if self.request.user.has_perm("civic.view_participation_results"):
            items.append({"url": reverse("agenda_rounds:index"), "label": _("Runden")})
        return items + [{"url": "", "label": f"{self.round_page.title}: {_('Exporte')}"}]

    def get(self, request, pk):
        round_page = self.round_page
        limit = exports.stream_limit()
        counts = {}
        kinds = []
        for kind in exports.KINDS.values():
            formats = []
            for fmt in kind.formats:
                key = (kind.key, fmt in exports.GEO_FORMATS)
                if key not in counts:
                    counts[key] = exports.count_rows(round_page, kind.key, fmt)
                rows = counts[key]
                formats.append(
                    {
                        "key": fmt,
                        "label": exports.FORMATS[fmt]["label"],
                        "rows": rows,
                        "direct": rows <= limit,
                        "download_url": reverse(
                            "agenda_exports:download", args=[round_page.pk, kind.key, fmt]
                        ),
                        "job_url": reverse(
                            "agenda_exports:start", args=[round_page.pk, kind.key, fmt]
                        ),
                    }
                )
            kinds.append({"kind": kind, "formats": formats})
        history = (
            PageLogEntry.objects.filter(page=round_page, action=exports.LOG_EXPORT)
            .select_related("user")
            .order_by("-timestamp")[:10]
        )
        context = {
            **self.get_context_data(),
            "round": round_page,
            "kinds": kinds,
            "limit": limit,
            "history": [
                {
                    "entry": entry,
                    "kind": exports.KINDS.get(entry.data.get("kind")),
                    "format": exports.FORMATS.get(entry.data.get("format"), {}).get("label", ""),
                    "job": entry.data.get("mode") == "job",
                }
                for entry in history
            ],
            "jobs_url": reverse("civic_jobs:index"),
            "can_view_history": round_page.permissions_for_user(request.user).can_view_revisions(),
        }
        return TemplateResponse(request, self.template_name, context)


def download(request, pk, kind, fmt):
    """Download a small export at once (GET)."""
    _require(request.user)
    round_page = _round(pk)
    _check(kind, fmt)
    rows = exports.count_rows(round_page, kind, fmt)
    if rows > exports.stream_limit():
        messages.warning(
            request,
            _(
                "Dieser Export hat %(rows)d Zeilen und wird deshalb als Hintergrundauftrag "
                "erstellt. Bitte nutzen Sie die Schaltfläche „Als Auftrag erstellen“."
            )
            % {"rows": rows},
        )
        return redirect(exports_url(round_page))
    exports.log_export(round_page, kind, fmt, user=request.user, mode="download", rows=rows)
    name = exports.filename(round_page, kind, fmt)
    content_type = exports.FORMATS[fmt]["content_type"]
    if fmt in exports.STREAMING_FORMATS:
        response = StreamingHttpResponse(
            exports.stream(round_page, kind, fmt), content_type=content_type
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    else:
        folder = Path(tempfile.mkdtemp(prefix="civic-export-"))
        try:
            path = exports.export_to_path(round_page, kind, fmt, folder)
            handle = path.open("rb")
        finally:
            # The open handle keeps the data readable; the directory entry goes now.
            shutil.rmtree(folder, ignore_errors=True)
        response = FileResponse(
            handle, as_attachment=True, filename=name, content_type=content_type
        )
        response["Content-Length"] = str(os.fstat(handle.fileno()).st_size)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def start_job(request, pk, kind, fmt):
    """Start the export as a background job and show its progress page."""
    from civic import jobs

    _require(request.user)
    round_page = _round(pk)
    _check(kind, fmt)
    job = jobs.start(
        JOB_KIND,
        user=request.user,
        params={
            "round": round_page.pk,
            "kind": kind,
            "format": fmt,
            "language": translation.get_language(),
        },
        title=job_title(round_page, kind, fmt),
    )
    messages.success(
        request,
        _(
            "Der Export wird im Hintergrund erstellt. Sie können diese Seite verlassen; die "
            "Datei finden Sie später unter „Exporte und Dokumente“."
        ),
    )
    return redirect(job.get_absolute_url())


def run_round_export(job, progress):
    """The background job (``civic.jobs``): write the export into the job's folder."""
    from civic import jobs

    params = job.params or {}
    kind, fmt = params.get("kind"), params.get("format")
    if not exports.is_valid(kind, fmt):
        raise jobs.JobError(_("Diesen Export gibt es nicht."))
    round_page = RoundPage.objects.filter(pk=params.get("round")).first()
    if round_page is None:
        raise jobs.JobError(_("Die Runde gibt es nicht mehr."))
    message = _("Zeilen werden geschrieben …")
    seen = {"total": 0}

    def report(done, total):
        seen["total"] = total
        progress(done, total, message)

    with translation.override(params.get("language") or settings.LANGUAGE_CODE):
        path = exports.export_to_path(round_page, kind, fmt, jobs.workdir(job), progress=report)
    exports.log_export(round_page, kind, fmt, user=job.created_by, mode="job", rows=seen["total"])
    return path
