"""Wagtail hooks of the Stadtgedächtnis.

* Admin: the menu group "Stadtgedächtnis" with the moderation queue (memories, filters, export,
  decide, feature, bulk publish), themes and rejection reasons; a dashboard panel with the
  number of waiting memories.
* Site: the "Meine Erinnerungen" panel in "Mein Bereich".
"""

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    Panel,
    TabbedInterface,
)
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.widgets.button import Button
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
)
from wagtail.snippets.views.snippets import (
    CreateView,
    EditView,
    IndexView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from civic import audit
from civic.models import District
from stadtgedaechtnis import admin_views, services
from stadtgedaechtnis.components import MyMemoriesPanel
from stadtgedaechtnis.forms_admin import MemoryAdminForm
from stadtgedaechtnis.models import (
    BookPage,
    Memory,
    MemoryAudio,
    MemoryPhoto,
    RejectionReason,
    Status,
    Theme,
)

# --------------------------------------------------------------------------------------------
# Site


@hooks.register("civic_my_area_panels")
def my_memories_panel(request):
    return [MyMemoriesPanel(request)]


# --------------------------------------------------------------------------------------------
# Audit trail: the editors' decisions and the contributors' withdrawals (see civic/audit.py)

for _action, _label, _message in (
    (services.LOG_PUBLISH, _("Erinnerung veröffentlicht"), _("Veröffentlicht")),
    (
        services.LOG_REQUEST_CHANGES,
        _("Änderungen an Erinnerung erbeten"),
        _("Um Änderungen gebeten"),
    ),
    (
        services.LOG_UNPUBLISH,
        _("Erinnerung offline genommen"),
        _("Offline genommen, um Änderungen gebeten"),
    ),
    (services.LOG_REJECT, _("Erinnerung abgelehnt"), _("Abgelehnt")),
    (services.LOG_WITHDRAW, _("Erinnerung zurückgezogen"), _("Zurückgezogen")),
    (services.LOG_FEATURE, _("Erinnerung des Monats gewählt"), _("Erinnerung des Monats")),
    (services.LOG_EDIT, _("Erinnerung bearbeitet (Redaktion)"), _("Von der Redaktion bearbeitet")),
    (
        services.LOG_NOT_FOR_PRINT,
        _("Erinnerung nicht für den Druck"),
        _("Nicht mehr für gedruckte Lesebücher freigegeben"),
    ),
):
    audit.register_action(_action, _label, _message, permission="stadtgedaechtnis.moderate_memory")


# --------------------------------------------------------------------------------------------
# Moderation queue


def _decade_choices():
    return [(d, f"{d}er") for d in range(1900, 2030, 10)]


class MemoryFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices)
    themes = django_filters.ModelChoiceFilter(label=_("Thema"), queryset=Theme.objects.all())
    district = django_filters.ModelChoiceFilter(
        label=_("Stadtteil"), queryset=District.objects.all()
    )
    decade = django_filters.TypedChoiceFilter(
        label=_("Jahrzehnt"), choices=_decade_choices, coerce=int
    )
    has_media = django_filters.BooleanFilter(label=_("Mit Fotos oder Ton"), method="filter_media")
    on_behalf = django_filters.BooleanFilter(label=_("Im Auftrag erfasst"))
    book_call = django_filters.ModelChoiceFilter(
        label=_("Antwort auf den Aufruf"), queryset=BookPage.objects.order_by("-number")
    )

    class Meta:
        model = Memory
        fields = ["status", "themes", "district", "decade", "has_media", "on_behalf", "book_call"]

    def filter_media(self, queryset, name, value):
        if value is None:
            return queryset
        media = Exists(MemoryPhoto.objects.filter(memory=OuterRef("pk"))) | Exists(
            MemoryAudio.objects.filter(memory=OuterRef("pk"))
        )
        return queryset.filter(media) if value else queryset.exclude(media)


class StatusColumn(Column):
    def get_value(self, instance):
        return instance.get_status_display()


class MediaColumn(Column):
    def get_value(self, instance):
        return instance.photo_count or "–"


class ModerationHistoryPanel(Panel):
    """Status, moderation history and the decision buttons on the edit page."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "stadtgedaechtnis/admin/moderation_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            memory = self.instance
            if memory is not None and memory.pk:
                context.update(
                    memory=memory,
                    events=list(memory.events.select_related("actor")),
                    moderate_url=reverse(f"{admin_views.URL_NAMESPACE}:moderate", args=[memory.pk]),
                    preview_url=memory.get_absolute_url(),
                )
            return context


class MemoryIndexView(IndexView):
    """The queue: waiting memories first; exports of the published ones in the header."""

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("district")
            .annotate(photo_count=Count("photos", distinct=True))
        )

    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.request.user.has_perm("stadtgedaechtnis.export_memories"):
            for fmt, label in (
                ("geojson", _("Veröffentlichte als GeoJSON")),
                ("gpkg", _("Veröffentlichte als GeoPackage (QGIS)")),
                ("csv", _("Veröffentlichte als CSV")),
            ):
                buttons.append(
                    Button(
                        label,
                        url=reverse(f"{admin_views.URL_NAMESPACE}:export", args=[fmt]),
                        icon_name="download",
                    )
                )
        return buttons

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        user = self.request.user
        if user.has_perm("stadtgedaechtnis.moderate_memory"):
            buttons.insert(
                0,
                Button(
                    gettext("Prüfen und entscheiden"),
                    url=reverse(f"{admin_views.URL_NAMESPACE}:moderate", args=[instance.pk]),
                    icon_name="tasks",
                    priority=5,
                ),
            )
        buttons.insert(
            1,
            Button(
                gettext("Vorschau wie öffentlich"),
                url=instance.get_absolute_url(),
                icon_name="view",
                priority=6,
                attrs={"target": "_blank", "rel": "noopener"},
            ),
        )
        return buttons


class MemoryCreateView(CreateView):
    """Editors enter a memory on behalf of someone; it goes straight into the queue."""

    def save_instance(self):
        instance = super().save_instance()
        if services.allowed(instance, "submit"):
            services.submit(instance, actor=self.request.user)
        return instance


class MemoryEditView(EditView):
    """An editor's change is one audit entry ("bearbeitet" or "nicht für den Druck") with the
    names of the changed fields, instead of Wagtail's plain "edited"."""

    def save_instance(self):
        memory = self.form.instance
        print_allowed_before = (
            Memory.objects.filter(pk=memory.pk).values_list("print_allowed", flat=True).first()
        )
        self.action_class(memory, user=self.request.user, form=self.form, log_action=False).execute(
            skip_permission_checks=True
        )
        changed = set(self.form.changed_data)
        for name, formset in getattr(self.form, "formsets", {}).items():
            if formset.has_changed():
                changed.add(name)
        services.record_admin_edit(
            memory,
            actor=self.request.user,
            changed_fields=changed,
            print_allowed_before=bool(print_allowed_before),
        )
        return memory


class _ModeratorsOnly:
    """The generic memory chooser lists every memory, unpublished ones too: only for who
    moderates them (books and tours have their own choosers of published memories)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("stadtgedaechtnis.moderate_memory"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class MemoryChooseView(_ModeratorsOnly, ChooseView):
    pass


class MemoryChooseResultsView(_ModeratorsOnly, ChooseResultsView):
    pass


class MemoryChosenView(_ModeratorsOnly, SnippetChosenView):
    pass


class MemoryChosenMultipleView(_ModeratorsOnly, SnippetChosenMultipleView):
    pass


class MemorySnippetChooserViewSet(SnippetChooserViewSet):
    choose_view_class = MemoryChooseView
    choose_results_view_class = MemoryChooseResultsView
    chosen_view_class = MemoryChosenView
    chosen_multiple_view_class = MemoryChosenMultipleView


class MemoryViewSet(SnippetViewSet):
    model = Memory
    chooser_viewset_class = MemorySnippetChooserViewSet
    icon = "doc-full-inverse"
    menu_label = _("Erinnerungen")
    base_url_path = "stadtgedaechtnis/erinnerungen"
    admin_url_namespace = admin_views.URL_NAMESPACE
    index_view_class = MemoryIndexView
    add_view_class = MemoryCreateView
    edit_view_class = MemoryEditView
    filterset_class = MemoryFilterSet
    search_fields = ["title", "summary", "story", "place_name", "date_text"]
    search_backend_name = None
    ordering = ["-submitted_at", "-created"]
    list_per_page = 50
    list_display = [
        "title",
        StatusColumn("status", label=_("Status"), sort_key="status"),
        DateColumn("submitted_at", label=_("Eingereicht"), sort_key="submitted_at"),
        Column("district", label=_("Stadtteil")),
        Column("decade", label=_("Jahrzehnt"), sort_key="decade"),
        MediaColumn("photo_count", label=_("Fotos")),
        Column("on_behalf", label=_("Im Auftrag")),
    ]
    # The list export (CSV/XLSX) shows no contact data and no exact point.
    list_export = [
        "id",
        "title",
        "status",
        "date_text",
        "date_from",
        "date_to",
        "decade",
        "place_name",
        "district",
        "public_lat",
        "public_lon",
        "precision",
        "licence",
        "public_attribution",
        "on_behalf",
        "on_behalf_source",
        "submitted_at",
        "published_at",
    ]
    export_headings = {
        "public_lat": _("Breitengrad (öffentlich)"),
        "public_lon": _("Längengrad (öffentlich)"),
        "public_attribution": _("Namensnennung"),
    }
    export_filename = "erinnerungen"

    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("title"),
                    FieldPanel("summary"),
                    FieldPanel("story"),
                    FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
                    MultiFieldPanel(
                        [
                            FieldPanel("date_text"),
                            FieldRowPanel([FieldPanel("date_from"), FieldPanel("date_to")]),
                        ],
                        heading=_("Wann"),
                    ),
                ],
                heading=_("Erinnerung"),
            ),
            ObjectList(
                [
                    FieldPanel("location"),
                    FieldPanel("place_name"),
                    FieldPanel("precision"),
                    FieldPanel("private_place"),
                    FieldPanel("place_note"),
                    FieldPanel("district"),
                ],
                heading=_("Ort"),
            ),
            ObjectList([InlinePanel("photos", heading=_("Fotos"))], heading=_("Fotos")),
            ObjectList(
                [
                    FieldPanel("licence"),
                    FieldPanel("people_status"),
                    FieldPanel("attribution"),
                    FieldPanel("contributor_name"),
                    FieldPanel("pseudonym"),
                    FieldPanel("print_allowed"),
                    FieldPanel("rights_confirmed"),
                    MultiFieldPanel(
                        [FieldPanel("on_behalf_source"), FieldPanel("on_behalf_consent")],
                        heading=_("Im Auftrag erfasst"),
                    ),
                ],
                heading=_("Rechte"),
            ),
            ObjectList([ModerationHistoryPanel()], heading=_("Status und Verlauf")),
        ],
        base_form_class=MemoryAdminForm,
    )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("pruefen/<int:pk>/", admin_views.ModerateView.as_view(), name="moderate"),
            path(
                "erinnerung-des-monats/<int:pk>/",
                admin_views.FeatureView.as_view(),
                name="feature",
            ),
            path("export/<str:fmt>/", admin_views.ExportView.as_view(), name="export"),
        ]


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    menu_label = _("Themen")
    list_display = ["name", "slug", "sort_order"]
    ordering = ["sort_order", "name"]


class RejectionReasonViewSet(SnippetViewSet):
    model = RejectionReason
    icon = "warning"
    menu_label = _("Ablehnungsgründe")
    list_display = ["text", "sort_order"]
    ordering = ["sort_order", "text"]


class StadtgedaechtnisGroup(SnippetViewSetGroup):
    items = (MemoryViewSet, ThemeViewSet, RejectionReasonViewSet)
    menu_icon = "doc-full-inverse"
    menu_label = _("Stadtgedächtnis")
    menu_name = "stadtgedaechtnis"
    menu_order = 250


register_snippet(StadtgedaechtnisGroup)


# --------------------------------------------------------------------------------------------
# Bulk publish


class PublishMemoriesBulkAction(SnippetBulkAction):
    display_name = _("Veröffentlichen")
    action_type = "publish_memories"
    aria_label = _("Ausgewählte Erinnerungen veröffentlichen")
    template_name = "stadtgedaechtnis/admin/confirm_bulk_publish.html"
    action_priority = 10
    models = [Memory]

    def check_perm(self, obj):
        return self.request.user.has_perm("stadtgedaechtnis.moderate_memory") and services.allowed(
            obj, "publish"
        )

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        request = kwargs.get("self").request if kwargs.get("self") else None
        count = 0
        for memory in objects:
            if services.allowed(memory, "publish"):
                services.publish(memory, actor=user, request=request)
                count += 1
        return count, 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return gettext("%(count)d Erinnerungen veröffentlicht.") % {"count": num_parent_objects}


hooks.register("register_bulk_action", PublishMemoriesBulkAction)


# --------------------------------------------------------------------------------------------
# Dashboard


class WaitingMemoriesPanel(Component):
    """How many memories wait for a decision (on the admin dashboard)."""

    name = "stadtgedaechtnis_waiting"
    order = 150
    template_name = "stadtgedaechtnis/admin/waiting_panel.html"

    def get_context_data(self, parent_context=None):
        waiting = Memory.objects.waiting().count()
        return {
            "waiting": waiting,
            "queue_url": reverse(f"{admin_views.URL_NAMESPACE}:list")
            + f"?status={Status.SUBMITTED}",
        }


@hooks.register("construct_homepage_panels")
def add_waiting_memories_panel(request, panels):
    if request.user.has_perm("stadtgedaechtnis.moderate_memory"):
        panels.append(WaitingMemoriesPanel())
