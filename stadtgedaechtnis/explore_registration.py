"""Registrations of the explore half of the Stadtgedächtnis: the API router, site search and
the "Erinnerung des Monats" on the home page."""

from django.db.models import Prefetch
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from laces.components import Component
from wagtail import hooks

from civic.api import register_router
from civic.comments import register_commentable
from civic.registry import SearchHit
from stadtgedaechtnis.api import router
from stadtgedaechtnis.explore_filters import apply_filters
from stadtgedaechtnis.models import Memory, MemoryPhoto

register_router("/memories", router)
# Readers' additions ("Ich erinnere mich auch …") appear only after an editor approved them.
register_commentable(Memory, premoderated=True)

SEARCH_LIMIT = 50


@hooks.register("civic_search_results")
def search_memories(request, query: str) -> list[SearchHit]:
    """Published memories whose title, summary, story, place or date words match."""
    memories = (
        apply_filters(Memory.objects.published(), {"q": query})
        .order_by("-published_at", "-pk")
        .only("pk", "title", "summary", "story", "date_text", "place_name")[:SEARCH_LIMIT]
    )
    kind = _("Erinnerung")
    return [
        SearchHit(
            title=memory.title,
            url=memory.get_absolute_url(),
            summary=memory.summary or Truncator(memory.story).words(30),
            kind=kind,
        )
        for memory in memories
    ]


class FeaturedMemory(Component):
    """ "Erinnerung des Monats" on the home page: the latest memory editors featured."""

    template_name = "stadtgedaechtnis/includes/explore_featured.html"

    def __init__(self, memory):
        self.memory = memory

    def get_context_data(self, parent_context=None):
        photos = list(self.memory.photos.all())
        return {
            "memory": self.memory,
            "photo": photos[0] if photos else None,
            "request": (parent_context or {}).get("request"),
        }


def featured_memory():
    return (
        Memory.objects.featured()
        .select_related("district")
        .prefetch_related(
            Prefetch(
                "photos",
                queryset=MemoryPhoto.objects.select_related("image").order_by("sort_order", "pk"),
            )
        )
        .first()
    )


@hooks.register("civic_home_featured")
def home_featured_memory(request, page) -> list[Component]:
    memory = featured_memory()
    return [FeaturedMemory(memory)] if memory is not None else []
