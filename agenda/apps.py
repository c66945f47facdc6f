from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    name = "agenda"
    label = "agenda"
    verbose_name = _("Digitale Agenda")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Each module registers its part (hooks, seed steps, API routers, comment targets).
        from agenda import (
            counters,  # noqa: F401  (keeps the proposals' vote and comment counters)
            dashboard_registration,  # noqa: F401
            export_registration,  # noqa: F401
            privacy,  # noqa: F401
            registration,  # noqa: F401
            report_registration,  # noqa: F401
            rules,  # noqa: F401
            steering_registration,  # noqa: F401
        )
        from civic.cache import cache_view_names, invalidate_on_change

        # Proposals, answers, paper votes and fields show on public pages (online votes do not
        # invalidate: anonymous visitors see counts at most CIVIC_PAGE_CACHE_SECONDS old).
        invalidate_on_change("agenda.Proposal", "agenda.OfflineVoteTally", "agenda.FieldOfAction")
        # The proposal page for anonymous visitors (issue 7): comments and every change of the
        # proposal invalidate it; vote counts on it are at most CIVIC_PAGE_CACHE_SECONDS old.
        cache_view_names("agenda:proposal")
