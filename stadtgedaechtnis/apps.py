from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StadtgedaechtnisConfig(AppConfig):
    name = "stadtgedaechtnis"
    label = "stadtgedaechtnis"
    verbose_name = _("Stadtgedächtnis")
    default_auto_field = "django.db.models.BigAutoField"
