from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StadtgedaechtnisConfig(AppConfig):
    name = "stadtgedaechtnis"
    label = "stadtgedaechtnis"
    verbose_name = _("Stadtgedächtnis")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Each module registers its part (hooks, seed steps, API routers, comment targets).
        from civic.cache import invalidate_on_change
        from stadtgedaechtnis import (
            books_registration,  # noqa: F401
            dashboard_registration,  # noqa: F401
            explore_registration,  # noqa: F401
            privacy,  # noqa: F401
            registration,  # noqa: F401
            rules,  # noqa: F401
            tours_registration,  # noqa: F401
        )

        # What shows on public pages: a memory's changes and a book's release empty the page cache.
        invalidate_on_change("stadtgedaechtnis.Memory", "stadtgedaechtnis.BookRelease")
