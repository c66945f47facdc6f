from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    name = "agenda"
    label = "agenda"
    verbose_name = _("Digitale Agenda")
    default_auto_field = "django.db.models.BigAutoField"
