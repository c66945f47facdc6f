"""Memory choosers for the admin: one base that the reading books and the tours narrow down.

Each chooser lists its own set of memories (``get_object_list``), searchable by title, text, place
and date, and shows a few extra columns. ``register_widget = False``: the generic memory chooser
elsewhere in the admin stays untouched; the book's block and the tour stop's panel name their
widget explicitly. Nothing here imports models at module level (imported during app loading).
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.viewsets.chooser import ChooserViewSet


class MemorySearchForm(BaseFilterForm):
    q = forms.CharField(
        label=_("Suchbegriff"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Titel, Text, Ort oder Zeitangabe")}),
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            self.is_searching = True
            self.search_query = query
            objects = objects.filter(
                Q(title__icontains=query)
                | Q(story__icontains=query)
                | Q(place_name__icontains=query)
                | Q(date_text__icontains=query)
            )
        return objects


class _ExtraColumns:
    extra_columns: tuple = ()

    @property
    def columns(self):
        return super().columns + list(self.extra_columns)


class MemoryChooserViewSet(ChooserViewSet):
    """Base of the memory choosers; subclasses set ``get_object_list``, ``extra_columns``,
    ``filter_form_class`` and ``page_title``."""

    model = "stadtgedaechtnis.Memory"
    choose_one_text = _("Erinnerung wählen")
    choose_another_text = _("Andere Erinnerung wählen")
    edit_item_text = _("Erinnerung bearbeiten")
    per_page = 20
    register_widget = False
    filter_form_class = MemorySearchForm
    extra_columns: tuple = ()

    def _with_columns(self, base):
        attrs = {"extra_columns": tuple(self.extra_columns)}
        attrs["filter_form_class"] = self.filter_form_class
        return type(base.__name__, (_ExtraColumns, base), attrs)

    @property
    def choose_view_class(self):
        return self._with_columns(ChooseView)

    @property
    def choose_results_view_class(self):
        return self._with_columns(ChooseResultsView)
