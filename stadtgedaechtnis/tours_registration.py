"""Registrations of the Rundgänge (tours): page type below home, memory chooser, demo seed step.

Imported from ``AppConfig.ready()`` and by ``models_tours`` (for the chooser widget), so nothing
here imports models at module level.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.viewsets.chooser import ChooserViewSet

from civic.registry import register_home_child, register_seed_step

# --------------------------------------------------------------------------------------------
# Memory chooser for tour stops: only published memories with a public point


class TourMemoryFilterForm(BaseFilterForm):
    q = forms.CharField(
        label=_("Suchbegriff"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Titel, Ort oder Zeitangabe")}),
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            self.is_searching = True
            self.search_query = query
            objects = objects.filter(
                Q(title__icontains=query)
                | Q(place_name__icontains=query)
                | Q(date_text__icontains=query)
            )
        return objects


class _TourMemoryColumns:
    filter_form_class = TourMemoryFilterForm

    @property
    def columns(self):
        return super().columns + [
            Column("place_name", label=_("Ort")),
            Column("date_text", label=_("Zeitangabe")),
            Column("district", label=_("Stadtteil")),
        ]


class TourMemoryChooseView(_TourMemoryColumns, ChooseView):
    pass


class TourMemoryChooseResultsView(_TourMemoryColumns, ChooseResultsView):
    pass


class TourMemoryChooserViewSet(ChooserViewSet):
    """Chooses the memory of a tour stop; lists only published memories with a point."""

    model = "stadtgedaechtnis.Memory"
    icon = "site"
    choose_one_text = _("Erinnerung wählen")
    choose_another_text = _("Andere Erinnerung wählen")
    edit_item_text = _("Erinnerung bearbeiten")
    page_title = _("Erinnerung für eine Station wählen")
    choose_view_class = TourMemoryChooseView
    choose_results_view_class = TourMemoryChooseResultsView
    per_page = 20
    # Explicit widget in TourStop.panels; other memory choosers (e.g. books) stay untouched.
    register_widget = False

    def get_object_list(self):
        from stadtgedaechtnis.models import Memory

        return Memory.objects.for_map().order_by("title", "pk")


tour_memory_chooser_viewset = TourMemoryChooserViewSet(
    "stadtgedaechtnis_tour_memory_chooser", url_prefix="stadtgedaechtnis/rundgang-erinnerungen"
)


@hooks.register("register_admin_viewset")
def register_tour_memory_chooser():
    return tour_memory_chooser_viewset


# --------------------------------------------------------------------------------------------
# Site


def _seed(context):
    from stadtgedaechtnis.demo_tours import seed

    seed(context)


register_home_child("stadtgedaechtnis.TourIndexPage")
register_seed_step(120, "Rundgänge", _seed)
