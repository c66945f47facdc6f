"""Wagtail admin for the civic app: districts (Stadtteile) as a snippet with a map editor."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

# Imported for their hooks: comment moderation, the dashboard ("Auswertung"), background jobs.
from civic import (  # noqa: F401
    audit,
    comments_admin,
    dashboard,
    jobs_admin,
)
from civic.forms_admin import DistrictAdminForm
from civic.models import District


# django-leaflet's widget renders inline scripts; they run because the admin's policy
# (civic.middleware.CivicCSPMiddleware) allows inline scripts under /admin/ only.
class DistrictViewSet(SnippetViewSet):
    model = District
    icon = "site"
    menu_label = _("Stadtteile")
    menu_name = "districts"
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name", "population", "source"]
    list_export = ["name", "slug", "population", "source"]
    export_filename = "stadtteile"
    ordering = ["name"]
    # District is not in Wagtail's search index: search the name with the ORM.
    search_fields = ["name"]
    search_backend_name = None
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("slug"),
            FieldPanel("geometry"),
            FieldPanel("population"),
            FieldPanel("source"),
        ],
        base_form_class=DistrictAdminForm,
    )


register_snippet(DistrictViewSet)


# --------------------------------------------------------------------------------------------
# Audit trail ("Protokoll"): the labels of every audited action, the report and its menu item


@hooks.register("register_log_actions")
def register_audit_log_actions(actions):
    for entry in audit.registered_actions().values():
        actions.register_action(entry.action, entry.label, entry.message)


@hooks.register("register_admin_urls")
def register_audit_urls():
    from civic.audit_admin import AuditLogView

    return [
        path(
            "protokoll/",
            include(
                (
                    [
                        path("", AuditLogView.as_view(), name="index"),
                        path(
                            "results/",
                            AuditLogView.as_view(results_only=True),
                            name="results",
                        ),
                    ],
                    "civic_audit",
                ),
                namespace="civic_audit",
            ),
        )
    ]


class AuditMenuItem(MenuItem):
    def is_shown(self, request):
        return audit.can_view(request.user)


@hooks.register("register_reports_menu_item")
def register_audit_menu_item():
    return AuditMenuItem(
        _("Protokoll"),
        reverse("civic_audit:index"),
        name="protokoll",
        icon_name="history",
        order=50,
    )
