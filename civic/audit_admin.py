"""The "Protokoll" report of the Wagtail admin (``/admin/protokoll/``): the audit trail of
moderation and steering actions (see ``civic/audit.py``), filterable by action, person, date, object
type and name, with a CSV/XLSX export. Built on Wagtail's site-history report, but showing only the
audited actions the person may see: editors moderation and steering, the steering group the agenda.
Residents and anonymous visitors get no access.
"""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import IntegerField, Value
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.reports.audit_logging import (
    LogEntriesView,
    SiteHistoryReportFilterSet,
)
from wagtail.log_actions import registry as log_action_registry

from civic.audit import can_view, registered_actions, visible_actions


def visible_entries(log_model, user):
    return log_model.objects.filter(action__in=visible_actions(user))


def _users_for_filter(user):
    ids = set()
    for log_model in log_action_registry.get_log_entry_models():
        ids.update(
            visible_entries(log_model, user)
            .exclude(user_id__isnull=True)
            .values_list("user_id", flat=True)
            .distinct()
        )
    User = get_user_model()
    return User.objects.filter(pk__in=ids).order_by("display_name", "pk")


def _content_types_for_filter(request):
    ids = set()
    for log_model in log_action_registry.get_log_entry_models():
        ids.update(
            visible_entries(log_model, request.user)
            .values_list("content_type_id", flat=True)
            .distinct()
        )
    return ContentType.objects.filter(pk__in=ids).order_by("model")


class AuditFilterSet(SiteHistoryReportFilterSet):
    """Filters by action, person, date, object type and name, over the visible entries only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "object_type" in self.filters:
            self.filters["object_type"].queryset = _content_types_for_filter
        self.filters.pop("is_commenting_action", None)

    def get_action_choices(self):
        actions = registered_actions()
        return [(name, actions[name].label) for name in visible_actions(self.request.user)]

    def get_user_choices(self):
        return _users_for_filter(self.request.user)

    def get_users_queryset(self):
        return _users_for_filter(self.request.user)


class AuditLogView(LogEntriesView):
    """ "Protokoll": the audited actions the person may see, newest first, with filters and a
    CSV/XLSX export. Editors see moderation and steering; the steering group the agenda."""

    page_title = _("Protokoll")
    header_icon = "history"
    filterset_class = AuditFilterSet
    index_url_name = "civic_audit:index"
    index_results_url_name = "civic_audit:results"

    def dispatch(self, request, *args, **kwargs):
        if not can_view(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_filename(self):
        return "protokoll"

    def get_filtered_queryset(self):
        queryset = None
        self.log_models = list(log_action_registry.get_log_entry_models())
        for index, log_model in enumerate(self.log_models):
            sub = (
                visible_entries(log_model, self.request.user)
                .values("pk", "timestamp")
                .annotate(log_model_index=Value(index, output_field=IntegerField()))
            )
            sub = self.filter_queryset(sub).order_by()
            queryset = sub if queryset is None else queryset.union(sub, all=True)
        return queryset.order_by("-timestamp")
