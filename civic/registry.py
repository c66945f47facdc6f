"""Small registries through which the domain apps plug into the site.

`civic` must not import `agenda` or `stadtgedaechtnis`. Features that span them (the home page's
featured items, "Mein Bereich", site search, the demo data) are assembled from what the domain apps
register here in their ``AppConfig.ready()`` or through Wagtail hooks:

* ``civic_home_featured`` hook: ``fn(request, page) -> list[laces Component]`` on the home page.
* ``civic_my_area_panels`` hook: ``fn(request) -> list[laces Component]`` shown in "Mein Bereich".
* ``civic_search_results`` hook: ``fn(request, query) -> list[SearchHit]`` merged into site search.
* :func:`register_home_child` adds a page type the home page may hold.
* :func:`register_seed_step` adds a step to ``seed_demo``.
"""

from collections.abc import Callable
from dataclasses import dataclass

HOME_CHILD_PAGE_TYPES: list[str] = [
    "civic.StandardPage",
    "civic.NewsIndexPage",
]

SEED_STEPS: list[tuple[int, str, Callable]] = []


def register_home_child(model_label: str) -> None:
    """Allow a page type (``"app_label.ModelName"``) directly below the home page."""
    if model_label not in HOME_CHILD_PAGE_TYPES:
        HOME_CHILD_PAGE_TYPES.append(model_label)


def register_seed_step(order: int, name: str, fn: Callable) -> None:
    """Register ``fn(context)`` to run in ``seed_demo`` after the civic steps, by ``order``."""
    if all(existing != name for _, existing, _ in SEED_STEPS):
        SEED_STEPS.append((order, name, fn))
        SEED_STEPS.sort(key=lambda step: step[0])


@dataclass
class SearchHit:
    title: str
    url: str
    summary: str = ""
    kind: str = ""
