"""Rundgänge: themed tours of memories on a map (issue 6).

A :class:`TourIndexPage` ("Rundgänge", below the home page) lists :class:`TourPage` s. A tour is an
ordered list of :class:`TourStop` s, each a published memory with a public point plus an editorial
text. The public page shows the stops on a map (numbered markers, the route in order) and as an
ordered list; the walking distance is the straight-line distance between the stops' public
(blurred) points, see :mod:`stadtgedaechtnis.tours`.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from stadtgedaechtnis.models import Status
from stadtgedaechtnis.tours_registration import tour_memory_chooser_viewset

MIN_STOPS_TO_PUBLISH = 2


class TourIndexPage(Page):
    """Rundgänge: the list of the site's tours."""

    intro = RichTextField(
        _("Einleitung"), blank=True, features=["bold", "italic", "link", "ol", "ul"]
    )

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["civic.HomePage"]
    subpage_types = ["stadtgedaechtnis.TourPage"]
    max_count_per_parent = 1
    template = "stadtgedaechtnis/tours/tour_index_page.html"

    class Meta:
        verbose_name = _("Rundgänge: Übersicht")
        verbose_name_plural = _("Rundgänge: Übersichten")

    def get_context(self, request, *args, **kwargs):
        from stadtgedaechtnis.tours import index_context

        context = super().get_context(request, *args, **kwargs)
        context.update(index_context(self, request))
        return context


class TourPageForm(WagtailAdminPageForm):
    """Refuses to publish a tour with fewer than two stops (drafts may have fewer)."""

    def clean(self):
        cleaned_data = super().clean()
        if self.data.get("action-publish"):
            formset = self.formsets.get("stops")
            if formset is not None and formset.is_valid():
                stops = [
                    form
                    for form in formset.forms
                    if form.cleaned_data.get("memory") and not form.cleaned_data.get("DELETE")
                ]
                if len(stops) < MIN_STOPS_TO_PUBLISH:
                    raise ValidationError(
                        _(
                            "Ein Rundgang braucht mindestens %(count)d Stationen, bevor er "
                            "veröffentlicht werden kann."
                        ),
                        params={"count": MIN_STOPS_TO_PUBLISH},
                        code="too_few_stops",
                    )
        return cleaned_data


class TourPage(Page):
    """A Rundgang: memories as ordered stops, with the route on a map and a printable list."""

    intro = RichTextField(
        _("Einleitung"), blank=True, features=["bold", "italic", "link", "ol", "ul"]
    )
    theme = models.ForeignKey(
        "stadtgedaechtnis.Theme",
        verbose_name=_("Thema"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tours",
    )
    walking_speed = models.FloatField(
        _("Gehgeschwindigkeit (km/h)"),
        default=4.5,
        validators=[MinValueValidator(1.0), MaxValueValidator(10.0)],
        help_text=_(
            "Daraus wird die Gehzeit geschätzt. 4,5 km/h ist gemütliches Gehen; für einen "
            "Rundgang mit Kinderwagen oder Rollator eher 3 km/h."
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("theme"), FieldPanel("walking_speed")], heading=_("Thema und Gehzeit")
        ),
        InlinePanel(
            "stops",
            heading=_("Stationen"),
            label=_("Station"),
            help_text=_(
                "Nur veröffentlichte Erinnerungen mit einem Ort auf der Karte. Die Reihenfolge "
                "hier ist die Reihenfolge des Rundgangs. Zum Veröffentlichen braucht es "
                "mindestens zwei Stationen."
            ),
        ),
    ]

    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["stadtgedaechtnis.TourIndexPage"]
    subpage_types: list[str] = []
    base_form_class = TourPageForm
    template = "stadtgedaechtnis/tours/tour_page.html"

    class Meta:
        verbose_name = _("Rundgang")
        verbose_name_plural = _("Rundgänge")

    def get_context(self, request, *args, **kwargs):
        from stadtgedaechtnis.tours import tour_context

        context = super().get_context(request, *args, **kwargs)
        context.update(tour_context(self, request))
        return context


class TourStop(Orderable):
    """One stop of a tour: a memory, an optional title of its own and an editorial text."""

    page = ParentalKey(TourPage, related_name="stops", on_delete=models.CASCADE)
    memory = models.ForeignKey(
        "stadtgedaechtnis.Memory",
        verbose_name=_("Erinnerung"),
        on_delete=models.CASCADE,
        related_name="tour_stops",
    )
    title = models.CharField(
        _("Titel der Station"),
        max_length=200,
        blank=True,
        help_text=_("Leer lassen, um den Titel der Erinnerung zu zeigen."),
    )
    text = RichTextField(
        _("Text der Redaktion"),
        blank=True,
        features=["bold", "italic", "link"],
        help_text=_("Was es an dieser Station zu sehen oder zu wissen gibt."),
    )

    panels = [
        FieldPanel("memory", widget=tour_memory_chooser_viewset.widget_class),
        FieldPanel("title"),
        FieldPanel("text"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("Station")
        verbose_name_plural = _("Stationen")

    def __str__(self):
        return self.display_title

    @property
    def display_title(self) -> str:
        if self.title.strip():
            return self.title.strip()
        return self.memory.title if self.memory_id else ""

    def clean(self):
        super().clean()
        if not self.memory_id:
            return
        memory = self.memory
        if memory.status != Status.PUBLISHED:
            raise ValidationError(
                {
                    "memory": _(
                        "„%(title)s“ ist nicht veröffentlicht und kann keine Station eines "
                        "Rundgangs sein."
                    )
                    % {"title": memory.title}
                }
            )
        if not memory.has_point:
            raise ValidationError(
                {
                    "memory": _(
                        "„%(title)s“ hat keinen Ort auf der Karte und kann keine Station eines "
                        "Rundgangs sein."
                    )
                    % {"title": memory.title}
                }
            )
