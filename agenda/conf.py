"""Settings of the agenda app, each with a default (override in the Django settings)."""

from django.conf import settings


def collection_name() -> str:
    """The Wagtail image collection that holds the proposals' images."""
    return getattr(settings, "AGENDA_IMAGE_COLLECTION", "Digitale Agenda")


def similar_limit() -> int:
    return int(getattr(settings, "AGENDA_SIMILAR_LIMIT", 5))
