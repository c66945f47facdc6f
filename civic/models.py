"""Site-wide models: users, districts, site settings, the editorial page types, pending
uploads and comment moderation."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from civic import registry
from civic.blocks import CivicStreamBlock, TeaserBlock
from civic.colors import HEX_COLOUR, MIN_TEXT_CONTRAST, contrast_ratio
from civic.geo import geometry_bounds, validate_polygon_geojson

# --------------------------------------------------------------------------------------------
# Users


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractUser):
    """A person with an account: logs in with an e-mail address, appears under a display name."""

    username = None
    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    display_name = models.CharField(
        _("Öffentlicher Name"),
        max_length=80,
        blank=True,
        help_text=_("So erscheinen Sie bei Ihren Beiträgen. Leer lassen für „anonym“."),
    )
    district = models.ForeignKey(
        "civic.District",
        verbose_name=_("Stadtteil"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="residents",
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("Benutzerkonto")
        verbose_name_plural = _("Benutzerkonten")
        ordering = ["email"]

    def __str__(self):
        return self.public_name if self.display_name else self.email

    def save(self, *args, **kwargs):
        if self.email:
            self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        """Wagtail's admin (audit log, locks, revisions) shows this before the e-mail address."""
        return self.display_name or super().get_full_name()

    @property
    def public_name(self) -> str:
        """The name shown next to public contributions; never the e-mail address."""
        return self.display_name or str(_("Anonym"))


# --------------------------------------------------------------------------------------------
# Districts


class DistrictQuerySet(models.QuerySet):
    def containing_bbox(self, lon: float, lat: float):
        """Districts whose bounding box contains the point (a cheap pre-filter)."""
        return self.filter(min_lon__lte=lon, max_lon__gte=lon, min_lat__lte=lat, max_lat__gte=lat)


class District(models.Model):
    """A part of the city (Stadtteil) with its boundary as a GeoJSON (Multi)Polygon in WGS84."""

    name = models.CharField(_("Name"), max_length=120, unique=True)
    slug = models.SlugField(_("Kurzname"), max_length=120, unique=True, allow_unicode=False)
    geometry = models.JSONField(
        _("Grenze"),
        help_text=_("Polygon oder Multipolygon als GeoJSON in WGS84 (Längengrad, Breitengrad)."),
        validators=[validate_polygon_geojson],
    )
    population = models.PositiveIntegerField(_("Einwohnerzahl"), null=True, blank=True)
    source = models.CharField(
        _("Quelle"),
        max_length=255,
        blank=True,
        help_text=_("Herkunft der Grenze, z. B. „Vermessungsamt 2024“ oder „Demo-Daten“."),
    )
    # Bounding box, derived on save, for cheap spatial pre-filtering on any database.
    min_lon = models.FloatField(editable=False, default=0)
    min_lat = models.FloatField(editable=False, default=0)
    max_lon = models.FloatField(editable=False, default=0)
    max_lat = models.FloatField(editable=False, default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        verbose_name = _("Stadtteil")
        verbose_name_plural = _("Stadtteile")
        ordering = ["name"]
        indexes = [models.Index(fields=["min_lon", "max_lon", "min_lat", "max_lat"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self.slug_for(self.name)
        self.min_lon, self.min_lat, self.max_lon, self.max_lat = geometry_bounds(self.geometry)
        super().save(*args, **kwargs)

    @classmethod
    def slug_for(cls, name: str) -> str:
        """The slug a district of this name gets (room left for a "-2" suffix)."""
        max_length = cls._meta.get_field("slug").max_length
        return slugify(name)[: max_length - 4] or "stadtteil"

    def as_feature(self) -> dict:
        return {
            "type": "Feature",
            "id": self.slug,
            "geometry": self.geometry,
            "properties": {
                "name": self.name,
                "slug": self.slug,
                "population": self.population,
                "source": self.source,
            },
        }


# --------------------------------------------------------------------------------------------
# Site settings


def validate_colour(value: str):
    if not HEX_COLOUR.match(value or ""):
        raise ValidationError(_("Bitte eine Farbe im Format #1a2b3c angeben."))


@register_setting(icon="site")
class CitySettings(BaseSiteSetting):
    """Everything that makes an instance one city's: name, look, map and legal pages."""

    city_name = models.CharField(_("Name der Stadt"), max_length=120, default="Musterstadt")
    site_title = models.CharField(
        _("Titel der Website"),
        max_length=160,
        default="Mitmachen",
        help_text=_("Erscheint im Seitenkopf und im Fenstertitel, z. B. „Coburg gestalten“."),
    )
    tagline = models.CharField(_("Untertitel"), max_length=255, blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("Logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    primary_colour = models.CharField(
        _("Hauptfarbe"),
        max_length=7,
        default="#0b5394",
        validators=[validate_colour],
        help_text=_("Für Kopfzeile, Schaltflächen und Verweise; muss auf Weiß gut lesbar sein."),
    )
    accent_colour = models.CharField(
        _("Akzentfarbe"),
        max_length=7,
        default="#a61c3c",
        validators=[validate_colour],
        help_text=_("Für Hervorhebungen; muss auf Weiß gut lesbar sein."),
    )
    contact_email = models.EmailField(_("Kontakt-E-Mail"), blank=True)

    map_center_lat = models.FloatField(_("Kartenmitte: Breitengrad"), default=51.1657)
    map_center_lon = models.FloatField(_("Kartenmitte: Längengrad"), default=10.4515)
    map_zoom = models.PositiveSmallIntegerField(_("Standard-Zoomstufe"), default=13)
    map_min_zoom = models.PositiveSmallIntegerField(_("Kleinste Zoomstufe"), default=10)
    map_max_zoom = models.PositiveSmallIntegerField(_("Größte Zoomstufe"), default=19)
    map_bounds_south = models.FloatField(_("Kartengrenze Süd"), null=True, blank=True)
    map_bounds_west = models.FloatField(_("Kartengrenze West"), null=True, blank=True)
    map_bounds_north = models.FloatField(_("Kartengrenze Nord"), null=True, blank=True)
    map_bounds_east = models.FloatField(_("Kartengrenze Ost"), null=True, blank=True)
    tile_url = models.CharField(
        _("Kachel-Adresse"),
        max_length=255,
        default="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        help_text=_("URL-Vorlage des Kartendienstes mit {z}, {x} und {y}."),
    )
    tile_attribution = models.CharField(
        _("Kartennachweis"),
        max_length=255,
        default="© OpenStreetMap-Mitwirkende",
    )

    imprint_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("Impressum"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("Datenschutzerklärung"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accessibility_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("Erklärung zur Barrierefreiheit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("city_name"),
                FieldPanel("site_title"),
                FieldPanel("tagline"),
                FieldPanel("logo"),
                FieldPanel("contact_email"),
            ],
            heading=_("Stadt"),
        ),
        MultiFieldPanel(
            [FieldPanel("primary_colour"), FieldPanel("accent_colour")],
            heading=_("Farben"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("map_center_lat"),
                FieldPanel("map_center_lon"),
                FieldPanel("map_zoom"),
                FieldPanel("map_min_zoom"),
                FieldPanel("map_max_zoom"),
                FieldPanel("map_bounds_south"),
                FieldPanel("map_bounds_west"),
                FieldPanel("map_bounds_north"),
                FieldPanel("map_bounds_east"),
                FieldPanel("tile_url"),
                FieldPanel("tile_attribution"),
            ],
            heading=_("Karte"),
        ),
        MultiFieldPanel(
            [
                PageChooserPanel("imprint_page"),
                PageChooserPanel("privacy_page"),
                PageChooserPanel("accessibility_page"),
            ],
            heading=_("Rechtliche Seiten"),
        ),
    ]

    class Meta:
        verbose_name = _("Einstellungen der Stadt")

    def clean(self):
        errors = {}
        for field in ("primary_colour", "accent_colour"):
            value = getattr(self, field)
            if not HEX_COLOUR.match(value or ""):
                continue
            ratio = contrast_ratio(value, "#ffffff")
            if ratio < MIN_TEXT_CONTRAST:
                errors[field] = _(
                    "Diese Farbe ist auf Weiß zu schwach "
                    "(Kontrast %(ratio)s:1, nötig %(minimum)s:1)."
                ) % {
                    "ratio": number_format(ratio, 1),
                    "minimum": number_format(MIN_TEXT_CONTRAST, 1),
                }
        bounds = [
            self.map_bounds_south,
            self.map_bounds_west,
            self.map_bounds_north,
            self.map_bounds_east,
        ]
        if any(b is not None for b in bounds) and not all(b is not None for b in bounds):
            errors["map_bounds_south"] = _("Bitte alle vier Kartengrenzen angeben oder keine.")
        elif all(b is not None for b in bounds):
            if self.map_bounds_south >= self.map_bounds_north:
                errors["map_bounds_north"] = _("Die Nordgrenze muss nördlich der Südgrenze liegen.")
            if self.map_bounds_west >= self.map_bounds_east:
                errors["map_bounds_east"] = _("Die Ostgrenze muss östlich der Westgrenze liegen.")
        if not (-90 <= self.map_center_lat <= 90):
            errors["map_center_lat"] = _("Der Breitengrad liegt zwischen -90 und 90.")
        if not (-180 <= self.map_center_lon <= 180):
            errors["map_center_lon"] = _("Der Längengrad liegt zwischen -180 und 180.")
        if self.map_min_zoom > self.map_max_zoom:
            errors["map_min_zoom"] = _("Die kleinste Zoomstufe ist größer als die größte.")
        if not all(part in (self.tile_url or "") for part in ("{z}", "{x}", "{y}")):
            errors["tile_url"] = _("Die Kachel-Adresse braucht die Platzhalter {z}, {x} und {y}.")
        if errors:
            raise ValidationError(errors)

    @property
    def map_bounds(self) -> list[list[float]] | None:
        if None in (
            self.map_bounds_south,
            self.map_bounds_west,
            self.map_bounds_north,
            self.map_bounds_east,
        ):
            return None
        return [
            [self.map_bounds_south, self.map_bounds_west],
            [self.map_bounds_north, self.map_bounds_east],
        ]

    def theme_css(self) -> str:
        """The site's colours as CSS custom properties (defaults where a value is malformed)."""

        def colour(name: str) -> str:
            value = getattr(self, name)
            return value if HEX_COLOUR.match(value or "") else self._meta.get_field(name).default

        return (
            ":root {\n"
            f"  --civic-primary: {colour('primary_colour')};\n"
            f"  --civic-accent: {colour('accent_colour')};\n"
            "}\n"
        )

    def map_options(self) -> dict:
        """The map configuration handed to the front end (as JSON in a data attribute)."""
        return {
            "center": [self.map_center_lat, self.map_center_lon],
            "zoom": self.map_zoom,
            "minZoom": self.map_min_zoom,
            "maxZoom": self.map_max_zoom,
            "bounds": self.map_bounds,
            "tileUrl": self.tile_url,
            "attribution": self.tile_attribution,
        }


# --------------------------------------------------------------------------------------------
# Pages


class HomePage(Page):
    """The start page of a city's site: hero, teasers, news and featured items."""

    hero_title = models.CharField(_("Aufmacher: Titel"), max_length=160, blank=True)
    hero_text = models.TextField(_("Aufmacher: Text"), blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("Aufmacher: Bild"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hero_link = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("Aufmacher: Verweis"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hero_link_label = models.CharField(_("Aufmacher: Beschriftung"), max_length=60, blank=True)
    teasers = StreamField(
        [("teaser", TeaserBlock())], verbose_name=_("Teaser"), blank=True, use_json_field=True
    )
    body = StreamField(CivicStreamBlock(), verbose_name=_("Inhalt"), blank=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("hero_title"),
                FieldPanel("hero_text"),
                FieldPanel("hero_image"),
                PageChooserPanel("hero_link"),
                FieldPanel("hero_link_label"),
            ],
            heading=_("Aufmacher"),
        ),
        FieldPanel("teasers"),
        FieldPanel("body"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    # Domain apps add their index pages through civic.registry.register_home_child().
    subpage_types = registry.HOME_CHILD_PAGE_TYPES
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("Startseite")

    def latest_news(self, limit: int = 3):
        return (
            NewsPage.objects.live()
            .public()
            .descendant_of(self)
            .select_related("image")
            .order_by("-date", "-first_published_at")[:limit]
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["latest_news"] = self.latest_news()
        featured = []
        for fn in hooks.get_hooks("civic_home_featured"):
            featured.extend(fn(request, self) or [])
        context["featured_items"] = featured
        return context


class StandardPage(Page):
    """A content page built from the shared block set (also Impressum, Datenschutz, ...)."""

    intro = models.TextField(_("Einleitung"), blank=True)
    body = StreamField(CivicStreamBlock(), verbose_name=_("Inhalt"), blank=True)

    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
    ]
    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]

    parent_page_types = ["civic.HomePage", "civic.StandardPage"]
    subpage_types = ["civic.StandardPage"]

    class Meta:
        verbose_name = _("Inhaltsseite")
        verbose_name_plural = _("Inhaltsseiten")


class NewsIndexPage(Page):
    """ "Aktuelles": the list of news articles, newest first, ten a page."""

    intro = models.TextField(_("Einleitung"), blank=True)
    per_page = 10

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["civic.HomePage"]
    subpage_types = ["civic.NewsPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("Nachrichtenübersicht")

    def articles(self):
        return (
            NewsPage.objects.live()
            .public()
            .child_of(self)
            .select_related("image")
            .order_by("-date", "-first_published_at")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        page_obj = Paginator(self.articles(), self.per_page).get_page(request.GET.get("seite"))
        context["page_obj"] = page_obj
        context["articles"] = page_obj.object_list
        return context


class NewsPage(Page):
    """A news article ("Aktuelles")."""

    date = models.DateField(_("Datum"), default=timezone.localdate)
    intro = models.TextField(_("Anrisstext"), max_length=400)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("Bild"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(CivicStreamBlock(), verbose_name=_("Inhalt"), blank=True)

    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]
    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("intro"),
        FieldPanel("image"),
        FieldPanel("body"),
    ]

    parent_page_types = ["civic.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("Nachricht")
        verbose_name_plural = _("Nachrichten")
        ordering = ["-date"]

    @cached_property
    def news_index(self):
        return self.get_parent().specific


# --------------------------------------------------------------------------------------------
# Pending uploads: files kept across a failed submission (see civic.uploads.stash / claim)


def pending_upload_path(instance, filename: str) -> str:
    # A random folder per upload: the address cannot be guessed from the token or the name.
    return f"pending/{uuid.uuid4().hex}/{PurePath(filename).name}"


class PendingUploadQuerySet(models.QuerySet):
    def expired(self, hours: int | None = None):
        """Uploads older than ``hours`` (default: setting ``CIVIC_PENDING_UPLOAD_HOURS``)."""
        from civic.uploads import pending_upload_hours

        hours = pending_upload_hours() if hours is None else hours
        return self.filter(created__lt=timezone.now() - timezone.timedelta(hours=hours))

    def delete_with_files(self) -> int:
        """Delete the rows and their files; returns the number deleted."""
        count = 0
        for upload in self.iterator():
            upload.delete()
            count += 1
        return count


class PendingUpload(models.Model):
    """An already checked upload waiting for its form to be submitted without errors."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Bild")
        AUDIO = "audio", _("Tonaufnahme")

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField(_("Datei"), upload_to=pending_upload_path, max_length=255)
    kind = models.CharField(_("Art"), max_length=10, choices=Kind.choices)
    original_name = models.CharField(_("Ursprünglicher Dateiname"), max_length=255, blank=True)
    meta = models.JSONField(_("Angaben"), default=dict, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    session_key = models.CharField(max_length=40, blank=True, db_index=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)

    objects = PendingUploadQuerySet.as_manager()

    class Meta:
        verbose_name = _("Zwischengespeicherte Datei")
        verbose_name_plural = _("Zwischengespeicherte Dateien")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(session_key=""),
                name="civic_pendingupload_has_owner",
            )
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.original_name or PurePath(self.file.name).name

    @property
    def is_image(self) -> bool:
        return self.kind == self.Kind.IMAGE

    def as_cleaned(self):
        """This upload as a ``CleanImage`` / ``CleanAudio`` (see civic.uploads)."""
        from civic.uploads import cleaned_from_pending

        return cleaned_from_pending(self)

    def delete(self, *args, **kwargs):
        """Delete the row and the stored file."""
        name = self.file.name
        storage = self.file.storage
        result = super().delete(*args, **kwargs)
        if name:
            storage.delete(name)
        return result


# --------------------------------------------------------------------------------------------
# Comment moderation (see civic.comments)


class CommentRemovalReason(models.Model):
    """A reason editors pick when they remove a comment; shown in place of the comment."""

    text = models.CharField(_("Grund"), max_length=200, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Grund für das Entfernen eines Kommentars")
        verbose_name_plural = _("Gründe für das Entfernen von Kommentaren")
        ordering = ["sort_order", "text"]

    def __str__(self):
        return self.text


class CommentRemoval(models.Model):
    """Why, when and by whom a comment was removed (the row stays, and so do its replies)."""

    comment = models.OneToOneField(
        "django_comments_xtd.XtdComment",
        on_delete=models.CASCADE,
        related_name="civic_removal",
        verbose_name=_("Kommentar"),
    )
    reason = models.ForeignKey(
        CommentRemovalReason,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Grund aus der Liste"),
    )
    reason_text = models.CharField(_("Grund"), max_length=200, blank=True)
    note = models.CharField(_("Ergänzung"), max_length=500, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Entfernt von"),
    )
    at = models.DateTimeField(_("Entfernt am"), default=timezone.now)

    class Meta:
        verbose_name = _("Entfernter Kommentar")
        verbose_name_plural = _("Entfernte Kommentare")

    def __str__(self):
        return self.public_reason

    @property
    def public_reason(self) -> str:
        """The reason as the public sees it: the chosen reason and the free text."""
        parts = [part for part in (self.reason_text, self.note) if part]
        return " – ".join(parts)


# Background jobs live in their own module; imported here so Django registers the model.
from civic.models_jobs import Job  # noqa: E402,F401
