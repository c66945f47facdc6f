"""Factories for the stadtgedaechtnis models (factory_boy)."""

import datetime
import io

import factory
from django.core.files.images import ImageFile
from django.utils import timezone

from stadtgedaechtnis.models import (
    Memory,
    MemoryContact,
    MemoryPhoto,
    RejectionReason,
    Status,
    Theme,
)
from tests.civic.factories import UserFactory


def png_bytes(width: int = 40, height: int = 30, colour=(200, 120, 40)) -> bytes:
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Thema {n}")
    slug = factory.Sequence(lambda n: f"thema-{n}")
    sort_order = factory.Sequence(lambda n: n)


class RejectionReasonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RejectionReason

    text = factory.Sequence(lambda n: f"Ablehnungsgrund {n}")


class MemoryFactory(factory.django.DjangoModelFactory):
    """A published memory in Coburg's centre (pass ``status=...`` for others)."""

    class Meta:
        model = Memory
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Erinnerung {n}")
    summary = "Eine kurze Zusammenfassung."
    story = "Erster Absatz der Erinnerung.\n\nZweiter Absatz."
    date_text = "um 1965"
    date_from = datetime.date(1963, 1, 1)
    date_to = datetime.date(1967, 12, 31)
    lat = 50.2585
    lon = 10.9645
    precision = "exact"
    place_name = "Marktplatz"
    contributor_name = "Erika Mustermann"
    attribution = "full_name"
    consent_publication = True
    consent_version = "2026-1"
    consent_at = factory.LazyFunction(timezone.now)
    rights_confirmed = True
    status = Status.PUBLISHED
    author = factory.SubFactory(UserFactory)
    submitted_at = factory.LazyFunction(timezone.now)
    published_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == Status.PUBLISHED else None
    )

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)


class MemoryContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemoryContact

    memory = factory.SubFactory(MemoryFactory, author=None, status=Status.DRAFT)
    name = "Karl Kontakt"
    email = factory.Sequence(lambda n: f"kontakt{n}@example.net")


def make_image(title: str = "Foto", **kwargs):
    """A small Wagtail image (PNG)."""
    from wagtail.images import get_image_model

    image_model = get_image_model()
    image = image_model(title=title, **kwargs)
    image.file = ImageFile(io.BytesIO(png_bytes()), name="foto.png")
    image.save()
    return image


class MemoryPhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemoryPhoto

    memory = factory.SubFactory(MemoryFactory)
    image = factory.LazyFunction(make_image)
    alt_text = "Eine Straße mit Kopfsteinpflaster"
    caption = "Die Straße im Sommer"
    creator = "Hans Fotograf"
    year = 1965
    licence = "cc-by-4.0"
    sort_order = factory.Sequence(lambda n: n)


def jpeg_bytes(size=(40, 30), gps: tuple[float, float] | None = None) -> bytes:
    """A JPEG; with ``gps=(lon, lat)`` it carries the position (and a camera name) in its EXIF."""
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    image = PILImage.new("RGB", size, (90, 140, 200))
    options = {}
    if gps is not None:
        lon, lat = gps

        def dms(value):
            degrees = int(value)
            minutes = int((value - degrees) * 60)
            seconds = round(((value - degrees) * 60 - minutes) * 60, 4)
            return (float(degrees), float(minutes), float(seconds))

        exif = PILImage.Exif()
        exif[0x010F] = "Kamera-Hersteller"
        exif[0x8825] = {1: "N", 2: dms(lat), 3: "E", 4: dms(lon)}
        options["exif"] = exif
    image.save(buffer, "JPEG", **options)
    return buffer.getvalue()


def wav_bytes() -> bytes:
    import wave

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x00" * 800)
    return buffer.getvalue()
