"""Registers the round exports (imported from AppConfig.ready()): admin URLs, the "Exporte"
button on round pages in the page explorer, the Wagtail log action and the background job."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from agenda import export_views, exports
from civic import jobs

jobs.register(
    export_views.JOB_KIND,
    run=export_views.run_round_export,
    label=_("Export einer Beteiligungsrunde"),
    permission=lambda user, params: user.has_perm(export_views.PERMISSION),
)


@hooks.register("register_admin_urls")
def register_export_urls():
    patterns = [
        path("<int:pk>/", export_views.RoundExportsView.as_view(), name="round"),
        path(
            "<int:pk>/<slug:kind>.<slug:fmt>",
            export_views.download,
            name="download",
        ),
        path(
            "<int:pk>/<slug:kind>.<slug:fmt>/auftrag/",
            export_views.start_job,
            name="start",
        ),
    ]
    return [
        path(
            "agenda/exporte/",
            include((patterns, "agenda_exports"), namespace="agenda_exports"),
        )
    ]


@hooks.register("register_log_actions")
def register_export_log_actions(actions):
    @actions.register_action(exports.LOG_EXPORT)
    class ExportAction(LogFormatter):
        label = _("Export")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            kind = exports.KINDS.get(data.get("kind"))
            fmt = exports.FORMATS.get(data.get("format"), {}).get("label", "")
            if kind is None:
                return _("Exportiert")
            return _("Exportiert: %(kind)s (%(format)s)") % {"kind": kind.label, "format": fmt}
