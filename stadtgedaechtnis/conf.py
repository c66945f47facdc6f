"""Settings of the stadtgedaechtnis app, each with a default (override in the Django settings)."""

from django.conf import settings


def contact_retention_days() -> int:
    """Days after the editorial decision until a contributor's contact data is deleted."""
    return int(getattr(settings, "STADTGEDAECHTNIS_CONTACT_RETENTION_DAYS", 90))


def unconfirmed_days() -> int:
    """Days after which an unconfirmed (no-account) draft is deleted."""
    return int(getattr(settings, "STADTGEDAECHTNIS_UNCONFIRMED_DAYS", 7))


def max_photos() -> int:
    """How many photos the Erzähle form offers."""
    return int(getattr(settings, "STADTGEDAECHTNIS_MAX_PHOTOS", 5))


def collection_name() -> str:
    """The Wagtail image collection that holds the memories' photos."""
    return getattr(settings, "STADTGEDAECHTNIS_COLLECTION", "Stadtgedächtnis")
