"""Registers the council report of a round (imported from AppConfig.ready()): admin URLs, the
"Bericht" button on round pages in the page explorer and the Wagtail log action."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from agenda import report


@hooks.register("register_admin_urls")
def register_report_urls():
    patterns = [
        path("<int:pk>/", report.report_view, name="html"),
        path("<int:pk>/pdf/", report.report_pdf, name="pdf"),
    ]
    return [
        path("agenda/bericht/", include((patterns, "agenda_report"), namespace="agenda_report"))
    ]


@hooks.register("register_log_actions")
def register_report_log_action(actions):
    @actions.register_action(report.LOG_ACTION)
    class ReportAction(LogFormatter):
        label = _("Bericht heruntergeladen")

        def format_message(self, log_entry):
            return _("Bericht an den Stadtrat als PDF heruntergeladen")
