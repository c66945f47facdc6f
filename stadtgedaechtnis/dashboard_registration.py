"""The memory collection's panel on the dashboard ("Auswertung", see civic/dashboard.py)."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks

from civic import charts
from civic.dashboard import DashboardPanel, invalidate
from stadtgedaechtnis import admin_views
from stadtgedaechtnis.models import Memory, Status
from stadtgedaechtnis.stats import MONTHS, MemoryFigures, cached_memory_figures

PERMISSION = "stadtgedaechtnis.view_dashboard"


def decade_label(decade: int) -> str:
    return _("%(decade)ser") % {"decade": decade}


def build_charts(figures: MemoryFigures) -> dict:
    """The charts and the map of the panel (pure: no database access)."""
    submissions = charts.time_series(
        figures.months,
        title=_("Einsendungen je Monat (letzte %(months)s Monate)") % {"months": MONTHS},
        series=[("n", _("Einsendungen"))],
        value_label=_("Einsendungen"),
        period="month",
        uid="memory-submissions",
    )
    theme_rows = list(figures.themes)
    if figures.without_theme:
        theme_rows.append((_("ohne Thema"), figures.without_theme))
    themes = charts.bar_chart(
        theme_rows,
        title=_("Veröffentlichte Erinnerungen je Thema"),
        value_label=_("Erinnerungen"),
        label_header=_("Thema"),
        uid="memory-themes",
    )
    decade_rows = [(decade_label(decade), n) for decade, n in figures.decades]
    if figures.without_decade:
        decade_rows.append((_("ohne Zeitangabe"), figures.without_decade))
    decades = charts.bar_chart(
        decade_rows,
        title=_("Veröffentlichte Erinnerungen je Jahrzehnt"),
        value_label=_("Erinnerungen"),
        label_header=_("Jahrzehnt"),
        uid="memory-decades",
    )
    district_rows = sorted(
        ((d.name, d.published) for d in figures.districts), key=lambda row: (-row[1], row[0])
    )
    if figures.without_district:
        district_rows.append((_("ohne Stadtteil"), figures.without_district))
    districts = charts.bar_chart(
        district_rows,
        title=_("Veröffentlichte Erinnerungen je Stadtteil"),
        value_label=_("Erinnerungen"),
        label_header=_("Stadtteil"),
        uid="memory-districts",
    )
    features = [d.feature for d in figures.districts]
    counts = {d.slug: d.published for d in figures.districts}
    if any(d.population for d in figures.districts):
        district_map = charts.choropleth(
            features,
            {d.slug: d.per_thousand for d in figures.districts},
            title=_("Veröffentlichte Erinnerungen je 1.000 Einwohner"),
            value_label=_("je 1.000 Einwohner"),
            decimals=1,
            extra_columns=[(_("Erinnerungen"), counts)],
            description=_(
                "Karte der Stadtteile, eingefärbt nach veröffentlichten Erinnerungen je 1.000 "
                "Einwohner; Stadtteile ohne Einwohnerzahl sind grau. Dieselben Angaben stehen "
                "in der Tabelle."
            ),
            uid="memory-district-map",
        )
    else:
        district_map = charts.choropleth(
            features,
            counts,
            title=_("Veröffentlichte Erinnerungen je Stadtteil"),
            value_label=_("Erinnerungen"),
            uid="memory-district-map",
        )
    return {
        "submissions": submissions,
        "themes": themes,
        "decades": decades,
        "districts": districts,
        "district_map": district_map,
    }


class MemoryDashboardPanel(DashboardPanel):
    """Submissions, the moderation queue, the time to decision and the collection's spread."""

    heading = gettext_lazy("Stadtgedächtnis")
    anchor = "stadtgedaechtnis"
    order = 200
    template_name = "stadtgedaechtnis/dashboard/memory_panel.html"

    def get_context_data(self, parent_context=None):
        figures = cached_memory_figures()
        oldest = figures.oldest_waiting
        return {
            "figures": figures,
            "months": MONTHS,
            "queue_url": reverse(f"{admin_views.URL_NAMESPACE}:list")
            + f"?status={Status.SUBMITTED}",
            "oldest_url": (
                reverse(f"{admin_views.URL_NAMESPACE}:moderate", args=[oldest["pk"]])
                if oldest
                else ""
            ),
            **build_charts(figures),
        }


@hooks.register("civic_dashboard_panels")
def memory_dashboard_panels(request):
    if not request.user.has_perm(PERMISSION):
        return []
    return [MemoryDashboardPanel(request)]


# Figures are cached for a few minutes; a change to a memory (submission, decision, themes)
# makes them stale at once, so editors see their own moderation reflected.
@receiver(post_save, sender=Memory, dispatch_uid="stadtgedaechtnis_dashboard_memory_saved")
@receiver(post_delete, sender=Memory, dispatch_uid="stadtgedaechtnis_dashboard_memory_deleted")
@receiver(
    m2m_changed, sender=Memory.themes.through, dispatch_uid="stadtgedaechtnis_dashboard_themes"
)
def invalidate_memory_figures(**kwargs):
    invalidate("stadtgedaechtnis")
