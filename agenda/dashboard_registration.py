"""The agenda's part of the steering dashboard (issue 5): the per-round dashboard in the admin
(``agenda/dashboard.py``) and a panel on the civic dashboard ("Auswertung")."""

from django.urls import reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.ui.menus.pages import PageMenuItem

from civic.dashboard import DashboardPanel

PERMISSION = "agenda.view_dashboard"
#: The civic panel lists the latest rounds; the agenda's own list has them all.
PANEL_ROUNDS = 5


@hooks.register("register_admin_viewset")
def register_round_dashboard():
    from agenda.dashboard import RoundDashboardViewSet

    return RoundDashboardViewSet()


class RoundsDashboardPanel(DashboardPanel):
    """The rounds with headline figures and their answer backlog, linking to each dashboard."""

    heading = gettext_lazy("Digitale Agenda")
    anchor = "digitale-agenda"
    order = 100
    template_name = "agenda/dashboard/panel.html"

    def get_context_data(self, parent_context=None):
        from agenda.dashboard import round_entries

        return {
            "entries": round_entries(limit=PANEL_ROUNDS),
            "index_url": reverse("agenda_dashboard:index"),
        }


@hooks.register("civic_dashboard_panels")
def agenda_dashboard_panels(request):
    if not request.user.has_perm(PERMISSION):
        return []
    return [RoundsDashboardPanel(request)]


# --------------------------------------------------------------------------------------------
# The round's admin pages as buttons on a round page (page explorer and page header)


def round_admin_links():
    """(label, url(round_page), icon, permission) of the admin pages every round has."""
    from agenda import export_views, report

    return [
        (
            gettext_lazy("Auswertung"),
            lambda page: reverse("agenda_dashboard:round", args=(page.pk,)),
            "view",
            PERMISSION,
        ),
        (gettext_lazy("Bericht an den Stadtrat"), report.report_url, "doc-full", report.PERMISSION),
        (gettext_lazy("Exporte"), export_views.exports_url, "download", export_views.PERMISSION),
    ]


def _round_buttons(page, user, priority):
    from agenda.models import RoundPage

    if page.specific_class is None or not issubclass(page.specific_class, RoundPage):
        return
    for offset, (label, url, icon, permission) in enumerate(round_admin_links()):
        if user.has_perm(permission):
            yield PageMenuItem(
                label, url(page), icon_name=icon, priority=priority + offset, page=page
            )


@hooks.register("register_page_listing_more_buttons")
def round_listing_buttons(page, user, next_url=None):
    yield from _round_buttons(page, user, priority=45)


@hooks.register("register_page_header_buttons")
def round_header_buttons(page, user, view_name, next_url=None):
    yield from _round_buttons(page, user, priority=62)
