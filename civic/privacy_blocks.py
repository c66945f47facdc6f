"""The "Speicherfristen" block for the privacy page: the retention times as configured.

The times come from the settings at render time (civic.privacy.retention_periods), never from
text typed into the page, so the privacy page cannot drift from what the purges really do.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class RetentionPeriodsBlock(blocks.StaticBlock):
    def get_context(self, value, parent_context=None):
        from civic.privacy import retention_periods

        context = super().get_context(value, parent_context=parent_context)
        context["periods"] = retention_periods()
        return context

    class Meta:
        icon = "time"
        label = _("Speicherfristen")
        admin_text = _(
            "Zeigt die eingestellten Speicherfristen (aus den Einstellungen der Website)."
        )
        template = "civic/privacy/retention_block.html"
        preview_value = None
        description = _("Wie lange personenbezogene Daten aufbewahrt werden.")
