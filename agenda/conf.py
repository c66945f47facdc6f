"""Settings of the agenda app, each with a default (override in the Django settings)."""

from django.conf import settings


def collection_name() -> str:
    """The Wagtail image collection that holds the proposals' images."""
    return getattr(settings, "AGENDA_IMAGE_COLLECTION", "Digitale Agenda")


def image_collection():
    """The collection for proposal images (created below the root collection when missing)."""
    from wagtail.models import Collection

    name = collection_name()
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=name).first()
    return existing or root.add_child(name=name)


def similar_limit() -> int:
    return int(getattr(settings, "AGENDA_SIMILAR_LIMIT", 5))
