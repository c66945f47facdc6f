"""Lesebücher: reading books composed from published memories, with a public call (Aufruf).

A :class:`BookIndexPage` ("Lesebücher") holds one :class:`BookPage` per book. Before its release a
book page shows the call for memories; after the release (a :class:`BookRelease` row, kept apart
from the page so that publishing an older revision cannot undo it) it shows the book.

The chapters are a StreamField: each chapter has a title, an introduction and an ordered list of
entries; an entry points at a memory (chosen from published, printable memories) and carries an
editorial note and an optional print text (the memory on the web stays as it was told).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

_wagtail = gettext_lazy  # msgids that Wagtail's catalogue translates (not extracted here)

TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3"]


# --------------------------------------------------------------------------------------------
# Blocks


class MemoryChooserBlock(blocks.ChooserBlock):
    """A memory for a book: the chooser lists only published memories that may be printed."""

    @cached_property
    def target_model(self):
        from stadtgedaechtnis.models import Memory

        return Memory

    @cached_property
    def widget(self):
        from stadtgedaechtnis.books_admin import PlaceableMemoryChooserWidget

        return PlaceableMemoryChooserWidget()

    def get_form_state(self, value):
        return self.widget.get_value_data(value)

    def clean(self, value):
        from stadtgedaechtnis.books import placement_error

        value = super().clean(value)
        if value is not None:
            error = placement_error(value)
            if error:
                raise ValidationError(error, code="not_placeable")
        return value

    class Meta:
        icon = "doc-full-inverse"


class BookEntryBlock(blocks.StructBlock):
    memory = MemoryChooserBlock(label=_("Erinnerung"))
    note = blocks.TextBlock(
        label=_("Anmerkung der Redaktion"),
        required=False,
        help_text=_("Erscheint im Buch unter der Erinnerung (kurz, freiwillig)."),
    )
    print_text = blocks.TextBlock(
        label=_("Text für das Buch"),
        required=False,
        help_text=_(
            "Nur wenn das Buch eine bearbeitete Fassung zeigen soll (z. B. gekürzt). Die "
            "Erinnerung im Stadtgedächtnis bleibt, wie sie erzählt wurde. Absätze durch eine "
            "Leerzeile trennen."
        ),
    )

    class Meta:
        icon = "doc-full"
        label = _("Beitrag")


class BookChapterBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Kapitelüberschrift"), max_length=160)
    intro = blocks.TextBlock(label=_("Einleitung zum Kapitel"), required=False)
    entries = blocks.ListBlock(BookEntryBlock(), label=_("Beiträge"), collapsed=False)

    class Meta:
        icon = "list-ul"
        label = _("Kapitel")
        template = "stadtgedaechtnis/books/chapter_block.html"


# --------------------------------------------------------------------------------------------
# Pages


class BookIndexPage(Page):
    """Lesebücher: every reading book of the city, newest first."""

    intro = RichTextField(_("Einleitung"), blank=True, features=TEXT_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["civic.HomePage"]
    subpage_types = ["stadtgedaechtnis.BookPage"]
    max_count_per_parent = 1
    template = "stadtgedaechtnis/books/book_index_page.html"

    class Meta:
        verbose_name = _("Lesebücher (Übersicht)")
        verbose_name_plural = _("Lesebücher (Übersichten)")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["books"] = (
            BookPage.objects.child_of(self)
            .live()
            .select_related("release", "cover_image", "theme")
            .order_by("-number")
        )
        return context


class BookPage(Page):
    """One reading book: its call for memories, then (after the release) the book itself."""

    number = models.PositiveSmallIntegerField(_("Nummer"), default=1)
    year = models.PositiveSmallIntegerField(_("Jahr"), null=True, blank=True)
    subtitle = models.CharField(_("Untertitel"), max_length=200, blank=True)
    theme = models.ForeignKey(
        "stadtgedaechtnis.Theme",
        verbose_name=_("Thema"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("Titelbild"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cover_alt = models.CharField(
        _("Alternativtext des Titelbilds"),
        max_length=255,
        blank=True,
        help_text=_("Was ist auf dem Titelbild zu sehen?"),
    )

    call_intro = RichTextField(_("Text des Aufrufs"), blank=True, features=TEXT_FEATURES)
    call_opens = models.DateField(_("Aufruf offen ab"), null=True, blank=True)
    call_closes = models.DateField(_("Aufruf offen bis"), null=True, blank=True)

    foreword = RichTextField(_("Vorwort"), blank=True, features=TEXT_FEATURES)
    chapters = StreamField(
        [("chapter", BookChapterBlock())],
        verbose_name=_("Kapitel"),
        blank=True,
        help_text=_(
            "Kapitel mit ihren Beiträgen, in der Reihenfolge des Buchs. Nur veröffentlichte "
            "Erinnerungen, die gedruckt werden dürfen, lassen sich wählen."
        ),
    )
    credits_text = RichTextField(_("Dank"), blank=True, features=TEXT_FEATURES)
    postscript = RichTextField(_("Nachwort"), blank=True, features=TEXT_FEATURES)

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("number"), FieldPanel("year")]),
        FieldPanel("subtitle"),
        FieldPanel("theme"),
        MultiFieldPanel(
            [FieldPanel("cover_image"), FieldPanel("cover_alt")], heading=_("Titelbild")
        ),
    ]
    call_panels = [
        FieldPanel("call_intro"),
        FieldRowPanel([FieldPanel("call_opens"), FieldPanel("call_closes")]),
    ]
    book_panels = [
        FieldPanel("foreword"),
        FieldPanel("chapters"),
        FieldPanel("credits_text"),
        FieldPanel("postscript"),
    ]

    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Inhalt")),
            ObjectList(call_panels, heading=_("Aufruf")),
            ObjectList(book_panels, heading=_("Buch")),
            # Wagtail's own tab names, translated by Wagtail's catalogue.
            ObjectList(Page.promote_panels, heading=_wagtail("Promote")),
            ObjectList(Page.settings_panels, heading=_wagtail("Settings")),
        ]
    )

    parent_page_types = ["stadtgedaechtnis.BookIndexPage"]
    subpage_types: list[str] = []
    template = "stadtgedaechtnis/books/book_page.html"

    class Meta:
        verbose_name = _("Lesebuch")
        verbose_name_plural = _("Lesebücher")

    # -- state -----------------------------------------------------------------------------

    @property
    def is_released(self) -> bool:
        try:
            return self.release is not None
        except BookRelease.DoesNotExist:
            return False

    def call_is_open(self, today=None) -> bool:
        """Whether memories may be told in answer to the call today (before the release)."""
        if not self.call_opens and not self.call_closes:
            return False
        today = today or timezone.localdate()
        if self.call_opens and today < self.call_opens:
            return False
        if self.call_closes and today > self.call_closes:
            return False
        return not self.is_released

    @property
    def book_label(self) -> str:
        return str(
            _("Lesebuch %(number)s: %(title)s") % {"number": self.number, "title": self.title}
        )

    def clean(self):
        super().clean()
        if self.call_opens and self.call_closes and self.call_closes < self.call_opens:
            raise ValidationError(
                {"call_closes": _("Der Aufruf kann nicht enden, bevor er beginnt.")}
            )

    def get_context(self, request, *args, **kwargs):
        from stadtgedaechtnis.books import book_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(book_page_context(self, request))
        return context


# --------------------------------------------------------------------------------------------
# Release, notifications, warnings


class BookRelease(models.Model):
    """The release of a book: from then on its page shows the book instead of the call."""

    book = models.OneToOneField(BookPage, related_name="release", on_delete=models.CASCADE)
    released_at = models.DateTimeField(_("Veröffentlicht am"), default=timezone.now)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    pdf_document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("PDF des Lesebuchs (öffentlich)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Veröffentlichung eines Lesebuchs")
        verbose_name_plural = _("Veröffentlichungen von Lesebüchern")

    def __str__(self):
        return f"{self.book_id} @ {self.released_at:%Y-%m-%d}"


class BookNotification(models.Model):
    """A contributor told about the book (one row per book and address: nobody is told twice)."""

    book = models.ForeignKey(BookPage, related_name="notifications", on_delete=models.CASCADE)
    email = models.EmailField(_("E-Mail-Adresse"))
    memory = models.ForeignKey(
        "stadtgedaechtnis.Memory",
        verbose_name=_("Erinnerung"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("Benachrichtigt am"), default=timezone.now)

    class Meta:
        verbose_name = _("Benachrichtigung zum Lesebuch")
        verbose_name_plural = _("Benachrichtigungen zum Lesebuch")
        constraints = [
            models.UniqueConstraint(fields=["book", "email"], name="book_notification_once")
        ]

    def __str__(self):
        return f"{self.book_id}: {self.email}"


class BookEntryWarning(models.Model):
    """A memory in a book that may no longer be printed; the editors were told once.

    Removed when the memory can be placed again, so a later change warns again.
    """

    book = models.ForeignKey(BookPage, related_name="entry_warnings", on_delete=models.CASCADE)
    memory = models.ForeignKey(
        "stadtgedaechtnis.Memory", related_name="book_warnings", on_delete=models.CASCADE
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Warnung zu einem Beitrag")
        verbose_name_plural = _("Warnungen zu Beiträgen")
        constraints = [
            models.UniqueConstraint(fields=["book", "memory"], name="book_entry_warning_once")
        ]

    def __str__(self):
        return f"{self.book_id}: {self.memory_id}"
