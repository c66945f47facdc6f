"""The steering group's dashboard per round in the Wagtail admin ("Auswertung", issue 5).

* ``/admin/agenda/auswertung/`` (``agenda_dashboard:index``): the rounds with headline figures
  and the size of their answer backlog, each linking to
* ``/admin/agenda/auswertung/<round pk>/`` (``agenda_dashboard:round``): participants, proposals,
  comments and votes (online / on paper), offline contributions; by field of action (bar chart),
  by district (choropleth per 1,000 residents with the table beside it), activity per day over the
  phases (time series with phase bands), the top of the ranking, and the answer backlog
  ("Keine Antwort ist die schlechteste Antwort").

The figures come from :func:`agenda.stats.round_dashboard` (definitions and caching there); the
charts from :mod:`civic.charts`. Permission ``agenda.view_dashboard`` (steering group, editors,
administrators) is checked in every view; others get 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from agenda.models import RoundPage
from agenda.stats import round_dashboard

PERMISSION = "agenda.view_dashboard"
#: How many entries of the ranking the dashboard shows (the results page has all).
RANKING_TOP = 10
#: How many backlog rows the dashboard lists (the proposals list in the admin has all).
BACKLOG_ROWS = 50
#: The hook of the "Digitale Agenda" admin menu group (``submenu_hook``).
MENU_HOOK = "register_agenda_menu_item"


def _require(user):
    if not user.has_perm(PERMISSION):
        raise PermissionDenied


def rounds_for_dashboard():
    return RoundPage.objects.prefetch_related("phases").order_by("-number", "-pk")


def results_url(round_page) -> str:
    try:
        return round_page.results_url()
    except Exception:  # noqa: BLE001 - a round outside every site has no URL
        return ""


def answer_url(proposal) -> str:
    """The steering page of a proposal (status and official answer) in the admin."""
    return reverse("wagtailsnippets_agenda_proposal:manage", args=(proposal.pk,))


def proposals_list_url(round_page, **filters) -> str:
    try:
        base = reverse("wagtailsnippets_agenda_proposal:list")
    except NoReverseMatch:  # pragma: no cover - the snippet viewset is always registered
        return ""
    query = "&".join([f"round={round_page.pk}", *(f"{k}={v}" for k, v in filters.items())])
    return f"{base}?{query}"


# --------------------------------------------------------------------------------------------
# charts


def field_chart(dash):
    from civic.charts import bar_chart

    return bar_chart(
        [
            (f.name, {"proposals": f.proposals, "votes": f.total_support + f.total_against})
            for f in dash.results.by_field
        ],
        title=_("Vorschläge und Stimmen je Handlungsfeld"),
        description=_(
            "Vorschläge (ohne zurückgezogene) und Stimmen (online und auf Papier) je "
            "Handlungsfeld der Runde."
        ),
        value_label=_("Anzahl"),
        series=[("proposals", _("Vorschläge")), ("votes", _("Stimmen"))],
        label_header=_("Handlungsfeld"),
        uid=f"round-{dash.round.pk}-fields",
    )


def district_map(dash):
    """Contributions per 1,000 residents where the population is known (else "keine Daten")."""
    from civic.charts import choropleth
    from civic.models import District

    rows = [row for row in dash.by_district if row.district_id is not None]
    features = [d.as_feature() for d in District.objects.order_by("name")]
    return choropleth(
        features,
        {row.slug: row.per_1000 for row in rows},
        title=_("Beteiligung je Stadtteil"),
        value_label=_("Beiträge je 1.000 Einwohner"),
        description=_(
            "Beiträge (Vorschläge, Stimmen und Kommentare) zu Vorschlägen mit einem Ort im "
            "Stadtteil, je 1.000 Einwohnerinnen und Einwohner; ohne Einwohnerzahl: keine Daten."
        ),
        decimals=1,
        # The side of the map is narrow: the rate and the absolute count; every figure is in
        # the full table below the map.
        extra_columns=[(_("Beiträge"), {row.slug: row.contributions for row in rows})],
        area_header=_("Stadtteil"),
        uid=f"round-{dash.round.pk}-districts",
    )


def activity_chart(dash):
    from civic.charts import time_series

    return time_series(
        [
            (row.day, {"proposals": row.proposals, "comments": row.comments, "votes": row.votes})
            for row in dash.activity
        ],
        title=_("Aktivität pro Tag"),
        description=_(
            "Neue Vorschläge, Kommentare und Online-Stimmen pro Tag; die Phasen der Runde sind "
            "hinterlegt."
        ),
        series=[
            ("proposals", _("Vorschläge")),
            ("comments", _("Kommentare")),
            ("votes", _("Stimmen online")),
        ],
        bands=[(band.start, band.end, band.label) for band in dash.phases],
        value_label=_("Beiträge"),
        uid=f"round-{dash.round.pk}-activity",
    )


# --------------------------------------------------------------------------------------------
# views


class DashboardView(WagtailAdminTemplateMixin, View):
    header_icon = "view"

    def dispatch(self, request, *args, **kwargs):
        _require(request.user)
        return super().dispatch(request, *args, **kwargs)

    def render(self, context):
        context = {**self.get_context_data(), **context}
        return TemplateResponse(self.request, self.template_name, context)


class RoundListView(DashboardView):
    template_name = "agenda/dashboard/index.html"

    def get_page_title(self):
        return _("Auswertung der Beteiligungsrunden")

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    def get(self, request):
        return self.render({"entries": round_entries()})


def round_entries(limit: int | None = None) -> list[dict]:
    """The rounds (newest first) with headline figures and backlog (for the list and the civic
    panel). Each round's figures come from the cache or cost a fixed number of queries."""
    entries = []
    rounds = rounds_for_dashboard()
    for round_page in rounds[:limit] if limit else rounds:
        dash = round_dashboard(round_page, ranking_limit=RANKING_TOP)
        entries.append(
            {
                "round": round_page,
                "dash": dash,
                "phase": round_page.current_phase(),
                "url": reverse("agenda_dashboard:round", args=(round_page.pk,)),
            }
        )
    return entries


class RoundDashboardView(DashboardView):
    template_name = "agenda/dashboard/round.html"

    def get_page_title(self):
        return _("Auswertung: %(round)s") % {"round": self.round.title}

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {
                "url": reverse("agenda_dashboard:index"),
                "label": _("Auswertung der Beteiligungsrunden"),
            },
            {"url": "", "label": self.round.title},
        ]

    def get(self, request, pk):
        self.round = get_object_or_404(rounds_for_dashboard(), pk=pk)
        dash = round_dashboard(self.round, ranking_limit=RANKING_TOP)
        backlog = [
            {"row": row, "url": answer_url(row.proposal)} for row in dash.backlog[:BACKLOG_ROWS]
        ]
        return self.render(
            {
                "round": self.round,
                "dash": dash,
                "res": dash.results,
                "phase": self.round.current_phase(),
                "field_chart": field_chart(dash),
                "district_map": district_map(dash),
                "activity_chart": activity_chart(dash),
                "backlog": backlog,
                "backlog_more": max(dash.backlog_count - BACKLOG_ROWS, 0),
                "backlog_list_url": proposals_list_url(self.round, answer="none"),
                "proposals_list_url": proposals_list_url(self.round),
                "results_url": results_url(self.round),
                "ranking_top": RANKING_TOP,
            }
        )


class DashboardMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


class RoundDashboardViewSet(ViewSet):
    """Registered in ``agenda/dashboard_registration.py``; its menu item appears in the
    "Digitale Agenda" group when the group reads :data:`MENU_HOOK`."""

    name = "agenda_dashboard"
    url_prefix = "agenda/auswertung"
    icon = "view"
    menu_label = gettext_lazy("Auswertung")
    menu_name = "agenda-dashboard"
    menu_order = 50
    menu_item_class = DashboardMenuItem
    menu_hook = MENU_HOOK

    def get_urlpatterns(self):
        return [
            path("", RoundListView.as_view(), name="index"),
            path("<int:pk>/", RoundDashboardView.as_view(), name="round"),
        ]
