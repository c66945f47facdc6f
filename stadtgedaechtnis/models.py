"""Models of the Digitales Stadtgedächtnis: memories, their media, contact data and history.

A :class:`Memory` keeps the contributor's exact point (``lat``/``lon``, never public) and a public
point (``public_lat``/``public_lon``) blurred according to ``precision`` and ``private_place``.
Contact data of contributors without an account lives apart in :class:`MemoryContact` and is
deleted after the decision (``purge_memory_contacts``).
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page

from stadtgedaechtnis.blur import public_point
from stadtgedaechtnis.dates import decade_for

# --------------------------------------------------------------------------------------------
# Choices


class Licence(models.TextChoices):
    CC_BY = "cc-by-4.0", _("CC BY 4.0 (Namensnennung)")
    CC_BY_SA = (
        "cc-by-sa-4.0",
        _("CC BY-SA 4.0 (Namensnennung, Weitergabe unter gleichen Bedingungen)"),
    )
    CC0 = "cc0", _("CC0 (gemeinfrei, ohne Bedingungen)")
    IN_COPYRIGHT = "in-copyright", _("Nur für das Stadtgedächtnis (alle Rechte vorbehalten)")

    @classmethod
    def url(cls, value: str) -> str:
        return {
            cls.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
            cls.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/",
            cls.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
            cls.IN_COPYRIGHT: "http://rightsstatements.org/vocab/InC/1.0/",
        }.get(value, "")


class Precision(models.TextChoices):
    EXACT = "exact", _("Genau (Gebäude oder Stelle)")
    STREET = "street", _("Ungefähr (Straße)")
    DISTRICT = "district", _("Nur der Stadtteil")


class PeopleStatus(models.TextChoices):
    CONSENTED = "consented", _("Die erkennbaren Personen sind einverstanden")
    PUBLIC_EVENT = "public_event", _("Öffentliche Veranstaltung")
    NOT_IDENTIFIABLE = "not_identifiable", _("Keine Personen erkennbar")
    UNKNOWN = "unknown", _("Weiß ich nicht")


class Attribution(models.TextChoices):
    FULL_NAME = "full_name", _("Mit meinem Namen")
    INITIALS = "initials", _("Mit meinen Initialen")
    PSEUDONYM = "pseudonym", _("Mit einem Pseudonym")
    ANONYMOUS = "anonymous", _("Anonym")


class OnBehalfSource(models.TextChoices):
    PHONE = "phone", _("Telefoninterview")
    STORY_CAFE = "story_cafe", _("Erzählcafé")
    LETTER = "letter", _("Brief")
    VISIT = "visit", _("Besuch oder Gespräch")
    OTHER = "other", _("Andere Quelle")


class Status(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    SUBMITTED = "submitted", _("Eingereicht")
    CHANGES_REQUESTED = "changes_requested", _("Änderungen erbeten")
    PUBLISHED = "published", _("Veröffentlicht")
    REJECTED = "rejected", _("Abgelehnt")
    WITHDRAWN = "withdrawn", _("Zurückgezogen")

    @classmethod
    def editable_by_contributor(cls) -> set[str]:
        """States in which the contributor may still change the memory."""
        return {cls.DRAFT, cls.SUBMITTED, cls.CHANGES_REQUESTED}

    @classmethod
    def decided(cls) -> set[str]:
        """States after the editorial decision (contact data may be purged later)."""
        return {cls.PUBLISHED, cls.REJECTED, cls.WITHDRAWN}


# --------------------------------------------------------------------------------------------
# Snippets


class Theme(models.Model):
    """A theme memories are sorted by (Kindheit & Schule, Verkehr, ...), managed by editors."""

    name = models.CharField(_("Name"), max_length=80, unique=True)
    slug = models.SlugField(_("Kurzname"), max_length=80, unique=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    sort_order = models.IntegerField(_("Reihenfolge"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        verbose_name = _("Thema")
        verbose_name_plural = _("Themen")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class RejectionReason(models.Model):
    """A reason editors pick when they reject a memory (plus a free message)."""

    text = models.CharField(_("Grund"), max_length=255)
    sort_order = models.IntegerField(_("Reihenfolge"), default=0)

    panels = [FieldPanel("text"), FieldPanel("sort_order")]

    class Meta:
        verbose_name = _("Ablehnungsgrund")
        verbose_name_plural = _("Ablehnungsgründe")
        ordering = ["sort_order", "text"]

    def __str__(self):
        return self.text


# --------------------------------------------------------------------------------------------
# Memories


class MemoryQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def for_map(self):
        """Published memories with a public point, with what a map marker needs."""
        return (
            self.published()
            .filter(public_lat__isnull=False, public_lon__isnull=False)
            .select_related("district")
        )

    def waiting(self):
        """Memories an editor has to decide on."""
        return self.filter(status=Status.SUBMITTED)

    def of_user(self, user):
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(author=user)

    def featured(self):
        return self.published().filter(featured_at__isnull=False).order_by("-featured_at")


class Memory(ClusterableModel):
    """One memory: a story with a time, a place, media, rights and a moderation status."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("Titel"), max_length=200)
    summary = models.CharField(
        _("Kurzfassung"),
        max_length=255,
        blank=True,
        help_text=_("Ein, zwei Sätze, die neugierig machen (höchstens 255 Zeichen)."),
    )
    story = models.TextField(
        _("Erinnerung"), help_text=_("Absätze durch eine Leerzeile trennen. Kein HTML.")
    )

    # When
    date_text = models.CharField(_("Zeitangabe in eigenen Worten"), max_length=200, blank=True)
    date_from = models.DateField(_("Frühestens"), null=True, blank=True)
    date_to = models.DateField(_("Spätestens"), null=True, blank=True)
    decade = models.PositiveSmallIntegerField(
        _("Jahrzehnt"), null=True, blank=True, db_index=True, editable=False
    )

    # Where
    lat = models.FloatField(_("Breitengrad (genau, nicht öffentlich)"), null=True, blank=True)
    lon = models.FloatField(_("Längengrad (genau, nicht öffentlich)"), null=True, blank=True)
    public_lat = models.FloatField(
        _("Breitengrad (öffentlich)"), null=True, blank=True, editable=False
    )
    public_lon = models.FloatField(
        _("Längengrad (öffentlich)"), null=True, blank=True, editable=False
    )
    precision = models.CharField(
        _("Genauigkeit"), max_length=12, choices=Precision.choices, default=Precision.EXACT
    )
    private_place = models.BooleanField(
        _("Privater Ort"),
        default=False,
        help_text=_("Private Orte (z. B. eine Wohnung) zeigt die Karte nur ungefähr."),
    )
    place_name = models.CharField(_("Ort"), max_length=200, blank=True)
    place_note = models.CharField(
        _("Hinweis zum Ort"), max_length=255, blank=True, help_text=_("z. B. „abgerissen 1972“")
    )
    district = models.ForeignKey(
        "civic.District",
        verbose_name=_("Stadtteil"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="memories",
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("Themen"), blank=True, related_name="memories"
    )

    # Rights and consent
    licence = models.CharField(
        _("Lizenz"), max_length=20, choices=Licence.choices, default=Licence.CC_BY
    )
    consent_publication = models.BooleanField(_("Einwilligung zur Veröffentlichung"), default=False)
    consent_version = models.CharField(_("Fassung der Einwilligung"), max_length=20, blank=True)
    consent_at = models.DateTimeField(_("Einwilligung erteilt am"), null=True, blank=True)
    rights_confirmed = models.BooleanField(_("Rechte an den Medien bestätigt"), default=False)
    people_status = models.CharField(
        _("Abgebildete Personen"),
        max_length=20,
        choices=PeopleStatus.choices,
        default=PeopleStatus.UNKNOWN,
    )
    attribution = models.CharField(
        _("Namensnennung"),
        max_length=12,
        choices=Attribution.choices,
        default=Attribution.FULL_NAME,
    )
    contributor_name = models.CharField(
        _("Name für die Namensnennung"),
        max_length=120,
        blank=True,
        help_text=_("Öffentlich, wenn „mit Namen“ oder „mit Initialen“ gewählt ist."),
    )
    pseudonym = models.CharField(_("Pseudonym"), max_length=80, blank=True)
    print_allowed = models.BooleanField(
        _("Darf in gedruckten Lesebüchern erscheinen"), default=False
    )

    # Who and how
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Benutzerkonto"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="memories",
    )
    on_behalf = models.BooleanField(_("Im Auftrag erfasst"), default=False)
    on_behalf_source = models.CharField(
        _("Quelle"), max_length=20, choices=OnBehalfSource.choices, blank=True
    )
    on_behalf_consent = models.TextField(
        _("Einwilligung der erzählenden Person"),
        blank=True,
        help_text=_(
            "Wie und wann die Person eingewilligt hat, z. B. „mündlich am Telefon, 12.3.2026“."
        ),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Erfasst von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    book_call = models.ForeignKey(
        "stadtgedaechtnis.BookPage",
        verbose_name=_("Antwort auf den Aufruf"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="call_answers",
        help_text=_("Das Lesebuch, zu dessen Aufruf diese Erinnerung erzählt wurde."),
    )

    language = models.CharField(
        _("Sprache der erzählenden Person"),
        max_length=8,
        default="de",
        help_text=_("In dieser Sprache erhält die Person Nachrichten."),
    )

    # Status
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    submitted_at = models.DateTimeField(_("Eingereicht am"), null=True, blank=True)
    published_at = models.DateTimeField(_("Veröffentlicht am"), null=True, blank=True)
    decided_at = models.DateTimeField(_("Entschieden am"), null=True, blank=True)
    featured_at = models.DateTimeField(
        _("Erinnerung des Monats seit"), null=True, blank=True, db_index=True
    )
    created = models.DateTimeField(_("Erstellt"), auto_now_add=True)
    updated = models.DateTimeField(_("Geändert"), auto_now=True)

    objects = MemoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("Erinnerung")
        verbose_name_plural = _("Erinnerungen")
        ordering = ["-published_at", "-created"]
        indexes = [
            models.Index(fields=["status", "public_lat", "public_lon"]),
            models.Index(fields=["status", "decade"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(lat__isnull=True) & Q(lon__isnull=True))
                | (Q(lat__gte=-90, lat__lte=90) & Q(lon__gte=-180, lon__lte=180)),
                name="memory_point_complete_and_in_range",
            ),
            models.CheckConstraint(
                condition=Q(date_from__isnull=True)
                | Q(date_to__isnull=True)
                | Q(date_to__gte=models.F("date_from")),
                name="memory_date_range_ordered",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("stadtgedaechtnis:memory", args=[self.pk])

    # -- derived fields --------------------------------------------------------------------

    def update_derived_fields(self) -> None:
        """Decade, district and the public (blurred) point from what was entered."""
        self.decade = decade_for(self.date_from, self.date_to)
        if self.lat is not None and self.lon is not None:
            from civic.services import district_for_point

            self.district = district_for_point(self.lon, self.lat)
        self.public_lon, self.public_lat = public_point(
            self.lon,
            self.lat,
            precision=self.precision,
            private=self.private_place,
            seed=str(self.uid),
            district=self.district,
        )

    def save(self, *args, **kwargs):
        self.update_derived_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = set(update_fields) | {
                "decade",
                "district",
                "public_lat",
                "public_lon",
                "updated",
            }
        super().save(*args, **kwargs)

    # -- presentation ----------------------------------------------------------------------

    @property
    def public_attribution(self) -> str:
        """The contributor's name as they chose to be named ("Anonym" when anonymous)."""
        name = self.contributor_name.strip()
        if (
            not name
            and self.author_id
            and self.attribution
            in (
                Attribution.FULL_NAME,
                Attribution.INITIALS,
            )
        ):
            name = (self.author.display_name or "").strip()
        if self.attribution == Attribution.PSEUDONYM and self.pseudonym.strip():
            return self.pseudonym.strip()
        if self.attribution == Attribution.FULL_NAME and name:
            return name
        if self.attribution == Attribution.INITIALS and name:
            return " ".join(part[0].upper() + "." for part in name.split() if part)
        return str(_("Anonym"))

    @property
    def licence_url(self) -> str:
        return Licence.url(self.licence)

    @property
    def paragraphs(self) -> list[str]:
        """The story as plain paragraphs (split at blank lines)."""
        text = self.story.replace("\r\n", "\n")
        return [p.strip() for p in text.split("\n\n") if p.strip()]

    @property
    def has_point(self) -> bool:
        return self.public_lat is not None and self.public_lon is not None

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    def can_comment(self, user) -> bool:
        """Readers' additions: on published memories, by verified residents."""
        from civic.predicates import can_participate

        return self.is_published and bool(can_participate(user))

    def comments_closed_message(self, user) -> str:
        if not self.is_published:
            return str(_("Ergänzungen sind erst nach der Veröffentlichung möglich."))
        if user is None or not user.is_authenticated:
            return str(_("Bitte melden Sie sich an, um eine Ergänzung zu schreiben."))
        return str(_("Ergänzungen können Bürgerinnen und Bürger mit bestätigtem Konto schreiben."))


class MemoryPhoto(Orderable):
    """A photo of a memory: a Wagtail image (EXIF removed) in the Stadtgedächtnis collection."""

    memory = ParentalKey(Memory, related_name="photos", on_delete=models.CASCADE)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("Bild"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    alt_text = models.CharField(
        _("Alternativtext"),
        max_length=255,
        help_text=_("Was ist auf dem Foto zu sehen? Für Menschen, die es nicht sehen können."),
    )
    caption = models.CharField(_("Bildunterschrift"), max_length=255, blank=True)
    creator = models.CharField(_("Fotografin oder Fotograf"), max_length=120, blank=True)
    year = models.PositiveSmallIntegerField(_("Jahr"), null=True, blank=True)
    licence = models.CharField(
        _("Lizenz"), max_length=20, choices=Licence.choices, default=Licence.CC_BY
    )

    panels = [
        FieldPanel("image"),
        FieldPanel("alt_text"),
        FieldPanel("caption"),
        FieldPanel("creator"),
        FieldPanel("year"),
        FieldPanel("licence"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("Foto")
        verbose_name_plural = _("Fotos")

    def __str__(self):
        return self.caption or self.alt_text

    @property
    def licence_url(self) -> str:
        return Licence.url(self.licence)


class MemoryAudio(models.Model):
    """An optional sound recording of a memory (oral history)."""

    memory = models.OneToOneField(Memory, related_name="audio", on_delete=models.CASCADE)
    file = models.FileField(_("Tonaufnahme"), upload_to="stadtgedaechtnis/audio/")
    mime = models.CharField(_("Medientyp"), max_length=40)
    transcript = models.TextField(_("Abschrift"), blank=True)

    class Meta:
        verbose_name = _("Tonaufnahme")
        verbose_name_plural = _("Tonaufnahmen")

    def __str__(self):
        return self.file.name

    def delete(self, *args, **kwargs):
        storage, name = self.file.storage, self.file.name
        result = super().delete(*args, **kwargs)
        if name:
            storage.delete(name)
        return result


def _contact_token() -> str:
    return secrets.token_urlsafe(32)


class MemoryContact(models.Model):
    """Contact data of a contributor without an account, kept apart and deleted after a while.

    Never shown publicly, never exported, never sent through the API. ``token`` is the secret in
    the confirmation link (double opt-in) and in the edit/withdraw links sent by e-mail.
    """

    memory = models.OneToOneField(Memory, related_name="contact", on_delete=models.CASCADE)
    name = models.CharField(_("Name"), max_length=120)
    email = models.EmailField(_("E-Mail-Adresse"))
    may_contact = models.BooleanField(_("Darf bei Rückfragen kontaktiert werden"), default=False)
    token = models.CharField(max_length=64, unique=True, default=_contact_token, editable=False)
    confirmed_at = models.DateTimeField(_("Bestätigt am"), null=True, blank=True)
    purge_after = models.DateTimeField(_("Löschen ab"), null=True, blank=True, db_index=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Kontaktdaten")
        verbose_name_plural = _("Kontaktdaten")

    def __str__(self):
        return str(_("Kontakt zu „%(title)s“") % {"title": self.memory.title})

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class ModerationEvent(models.Model):
    """One step in a memory's history: who changed its status when, and why."""

    memory = models.ForeignKey(Memory, related_name="events", on_delete=models.CASCADE)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Wer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("Wann"), default=timezone.now)
    from_status = models.CharField(_("Von"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("Nach"), max_length=20, choices=Status.choices)
    reason = models.CharField(_("Grund"), max_length=255, blank=True)
    message = models.TextField(_("Nachricht an die erzählende Person"), blank=True)

    class Meta:
        verbose_name = _("Moderationsschritt")
        verbose_name_plural = _("Moderationsschritte")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.memory_id}: {self.from_status} → {self.to_status}"


# --------------------------------------------------------------------------------------------
# Pages


class MemoryMapPage(Page):
    """Entdecke: the map of all published memories with a list beside it."""

    intro = RichTextField(
        _("Einleitung"), blank=True, features=["bold", "italic", "link", "ol", "ul"]
    )

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["civic.HomePage"]
    subpage_types = ["stadtgedaechtnis.MemoryTimelinePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("Stadtgedächtnis: Karte")
        verbose_name_plural = _("Stadtgedächtnis: Karten")

    def get_context(self, request, *args, **kwargs):
        from stadtgedaechtnis.explore import map_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(map_page_context(self, request) or {})
        return context


class MemoryTimelinePage(Page):
    """Erforsche: memories by decade, filterable by theme."""

    intro = RichTextField(
        _("Einleitung"), blank=True, features=["bold", "italic", "link", "ol", "ul"]
    )

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["stadtgedaechtnis.MemoryMapPage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("Stadtgedächtnis: Zeitleiste")
        verbose_name_plural = _("Stadtgedächtnis: Zeitleisten")

    def get_context(self, request, *args, **kwargs):
        from stadtgedaechtnis.explore import timeline_context

        context = super().get_context(request, *args, **kwargs)
        context.update(timeline_context(self, request) or {})
        return context


# Reading books (Lesebücher) live in their own module; re-exported here for Django and imports.
from stadtgedaechtnis.models_books import (  # noqa: E402, F401
    BookChapterBlock,
    BookEntryBlock,
    BookEntryWarning,
    BookIndexPage,
    BookNotification,
    BookPage,
    BookRelease,
    MemoryChooserBlock,
)

# Tours (Rundgänge) live in their own module; re-exported here for Django and imports.
from stadtgedaechtnis.models_tours import TourIndexPage, TourPage, TourStop  # noqa: E402,F401
