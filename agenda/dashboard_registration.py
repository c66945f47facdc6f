"""The agenda's part of the steering dashboard (issue 5): the per-round dashboard in the admin
(``agenda/dashboard.py``) and a panel on the civic dashboard ("Auswertung")."""

from django.urls import reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks

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
