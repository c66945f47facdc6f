"""Wagtail admin for the civic app: districts (Stadtteile) as a snippet with a map editor."""

from django.utils.translation import gettext_lazy as _
from leaflet.forms.widgets import LeafletWidget
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, EditView, SnippetViewSet

from civic.forms_admin import DistrictAdminForm
from civic.models import District


class LeafletNonceMixin:
    """Hand the request's CSP nonce to django-leaflet's inline scripts.

    The scripts only run if the Content-Security-Policy of the admin lists the nonce
    (``csp.constants.NONCE`` in ``script-src``).
    """

    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        nonce = getattr(self.request, "csp_nonce", None)
        if nonce is not None:
            for field in form.fields.values():
                if isinstance(field.widget, LeafletWidget):
                    field.widget.csp_nonce = str(nonce)
        return form


class DistrictCreateView(LeafletNonceMixin, CreateView):
    pass


class DistrictEditView(LeafletNonceMixin, EditView):
    pass


class DistrictViewSet(SnippetViewSet):
    model = District
    icon = "site"
    menu_label = _("Stadtteile")
    menu_name = "districts"
    menu_order = 300
    add_to_admin_menu = True
    add_view_class = DistrictCreateView
    edit_view_class = DistrictEditView
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
