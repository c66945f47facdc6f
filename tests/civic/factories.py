"""Factories for civic models and pages (factory_boy, wagtail-factories)."""

import datetime

import factory
import wagtail_factories

from civic.models import District, HomePage, NewsIndexPage, NewsPage, StandardPage, User


def square(lon: float, lat: float, size: float = 0.01) -> dict:
    """A square GeoJSON polygon with its south-west corner at (lon, lat)."""
    return {
        "type": "Polygon",
        "coordinates": [
            [
                [lon, lat],
                [lon + size, lat],
                [lon + size, lat + size],
                [lon, lat + size],
                [lon, lat],
            ]
        ],
    }


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", "ein-sicheres-Passwort-42")

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    name = factory.Sequence(lambda n: f"Stadtteil {n}")
    geometry = factory.Sequence(lambda n: square(10.9 + 0.02 * n, 50.2))
    population = 1000


class HomePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = HomePage

    title = "Startseite"
    hero_title = "Willkommen"


class StandardPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = StandardPage

    title = factory.Sequence(lambda n: f"Seite {n}")
    intro = "Eine Einleitung."


class NewsIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = NewsIndexPage

    title = "Aktuelles"
    slug = "aktuelles"


class NewsPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = NewsPage

    title = factory.Sequence(lambda n: f"Nachricht {n}")
    intro = "Kurz gesagt."
    date = datetime.date(2026, 11, 1)
