"""Admin of the reading books: the memory chooser, the book's buttons, warnings and URLs.

* :data:`book_memory_chooser_viewset` lists only placeable memories (published, allowed in
  print), searchable and filterable by call ("Antworten auf den Aufruf").
* Page header buttons on a book: "PDF erzeugen" (a background job) and "Lesebuch veröffentlichen
  und Mitwirkende benachrichtigen".
* Opening a book's edit page warns about entries whose memory can no longer be printed.

Imported by ``books_registration`` (hooks) and lazily by the chooser block (widget); nothing
here imports models at module level.
"""

from django import forms
from django.contrib import messages
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets.button import HeaderButton

from stadtgedaechtnis.choosers import MemoryChooserViewSet, MemorySearchForm

URL_NAMESPACE = "stadtgedaechtnis_books"


# --------------------------------------------------------------------------------------------
# Memory chooser


class BookMemoryFilterForm(MemorySearchForm):
    call = forms.TypedChoiceField(
        label=_("Aufruf"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs={"data-chooser-modal-search-filter": True}),
    )

    def __init__(self, *args, **kwargs):
        from stadtgedaechtnis.models import BookPage

        super().__init__(*args, **kwargs)
        self.fields["call"].choices = [("", _("Alle veröffentlichten Erinnerungen"))] + [
            (book.pk, gettext("Antworten auf: %(book)s") % {"book": book.book_label})
            for book in BookPage.objects.order_by("-number")
        ]

    def filter(self, objects):
        objects = super().filter(objects)
        call = self.cleaned_data.get("call")
        if call:
            self.is_searching = True
            objects = objects.filter(book_call_id=call)
        return objects


class AttributionColumn(Column):
    def get_value(self, instance):
        return instance.public_attribution


class CallColumn(Column):
    def get_value(self, instance):
        return gettext("ja") if instance.book_call_id else "–"


class BookMemoryChooserViewSet(MemoryChooserViewSet):
    """Chooses a memory for a book entry: only published memories that may be printed."""

    icon = "doc-full-inverse"
    page_title = _("Erinnerung für das Lesebuch wählen")
    filter_form_class = BookMemoryFilterForm
    extra_columns = (
        Column("date_text", label=_("Zeitangabe")),
        Column("place_name", label=_("Ort")),
        AttributionColumn("attribution", label=_("Namensnennung")),
        CallColumn("book_call", label=_("Zum Aufruf")),
    )

    def get_object_list(self):
        from stadtgedaechtnis.books import placeable_memories

        return placeable_memories().select_related("author").order_by("title", "pk")


book_memory_chooser_viewset = BookMemoryChooserViewSet(
    "stadtgedaechtnis_book_memory_chooser", url_prefix="stadtgedaechtnis/lesebuch-erinnerungen"
)


class _LazyWidgetClass:
    @cached_property
    def cls(self):
        return book_memory_chooser_viewset.widget_class


_lazy = _LazyWidgetClass()


def PlaceableMemoryChooserWidget(*args, **kwargs):  # noqa: N802 -- used like a class
    """The chooser widget of :data:`book_memory_chooser_viewset` (built on first use)."""
    return _lazy.cls(*args, **kwargs)


# --------------------------------------------------------------------------------------------
# Buttons and warnings on a book's admin pages


def book_header_buttons(page, user, view_name, next_url=None):
    from stadtgedaechtnis.models import BookPage

    specific_class = page.specific_class
    if specific_class is None or not issubclass(specific_class, BookPage):
        return []
    if not user.has_perm("stadtgedaechtnis.compose_books"):
        return []
    return [
        HeaderButton(
            gettext("PDF erzeugen"),
            url=reverse(f"{URL_NAMESPACE}:pdf", args=[page.pk]),
            icon_name="doc-full",
            priority=40,
        ),
        HeaderButton(
            gettext("Lesebuch veröffentlichen und Mitwirkende benachrichtigen"),
            url=reverse(f"{URL_NAMESPACE}:release", args=[page.pk]),
            icon_name="mail",
            priority=41,
        ),
    ]


def warn_on_edit(request, page):
    """Before the edit page of a book: list entries whose memory can no longer be printed."""
    from stadtgedaechtnis.books import affected_entries
    from stadtgedaechtnis.models import BookPage

    if request.method != "GET" or not isinstance(page.specific, BookPage):
        return None
    affected = affected_entries(page.specific)
    if affected:
        lines = "; ".join(
            gettext("Kapitel „%(chapter)s“: %(reason)s")
            % {"chapter": entry.chapter, "reason": entry.reason}
            for entry in affected
        )
        messages.warning(
            request,
            ngettext(
                "Achtung: %(count)d Beitrag kann nicht mehr gedruckt werden und erscheint weder "
                "im Web noch im PDF – bitte ersetzen oder entfernen. %(lines)s",
                "Achtung: %(count)d Beiträge können nicht mehr gedruckt werden und erscheinen "
                "weder im Web noch im PDF – bitte ersetzen oder entfernen. %(lines)s",
                len(affected),
            )
            % {"count": len(affected), "lines": lines},
        )
    return None


def admin_urls():
    from stadtgedaechtnis import views_books

    return [
        path(
            "lesebuecher/<int:page_id>/pdf/",
            views_books.BookPdfView.as_view(),
            name="pdf",
        ),
        path(
            "lesebuecher/<int:page_id>/veroeffentlichen/",
            views_books.BookReleaseView.as_view(),
            name="release",
        ),
    ]
