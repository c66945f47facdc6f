"""Registrations of the Rundgänge (tours): page type below home, memory chooser, demo seed step.

Imported from ``AppConfig.ready()`` and by ``models_tours`` (for the chooser widget), so nothing
here imports models at module level.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column

from civic.registry import register_home_child, register_seed_step
from stadtgedaechtnis.choosers import MemoryChooserViewSet

# --------------------------------------------------------------------------------------------
# Memory chooser for tour stops: only published memories with a public point


class TourMemoryChooserViewSet(MemoryChooserViewSet):
    """Chooses the memory of a tour stop; lists only published memories with a point."""

    icon = "site"
    page_title = _("Erinnerung für eine Station wählen")
    extra_columns = (
        Column("place_name", label=_("Ort")),
        Column("date_text", label=_("Zeitangabe")),
        Column("district", label=_("Stadtteil")),
    )

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
