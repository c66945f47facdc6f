from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CivicConfig(AppConfig):
    name = "civic"
    label = "civic"
    verbose_name = _("Website und Konten")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from civic import cache, privacy, signals  # noqa: F401

        # Publishing in management commands and the job worker invalidates the page cache too.
        cache.connect_signals()
