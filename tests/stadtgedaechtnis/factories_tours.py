"""Helpers that build Rundgänge (tours) for the tests."""

from stadtgedaechtnis.models import TourIndexPage, TourPage, TourStop
from tests.stadtgedaechtnis.factories import MemoryFactory

# Known public points in a city centre (lat, lon): exact, not private, so public == exact.
POINTS = [
    (50.258500, 10.964500),
    (50.261200, 10.962100),
    (50.264200, 10.981400),
    (50.255300, 10.970900),
    (50.252800, 10.958700),
]


def make_index(home_page, **kwargs) -> TourIndexPage:
    kwargs.setdefault("title", "Rundgänge")
    kwargs.setdefault("slug", "rundgaenge")
    return home_page.add_child(instance=TourIndexPage(**kwargs))


def make_memories(points=POINTS, **kwargs) -> list:
    """Published memories at ``points`` (exact places, so the public point is the point)."""
    return [
        MemoryFactory(title=f"Erinnerungsort {i + 1}", lat=lat, lon=lon, **kwargs)
        for i, (lat, lon) in enumerate(points)
    ]


def make_tour(index, memories, *, title="Durch die Altstadt", slug=None, texts=None, **kwargs):
    """A live tour with one stop per memory, in the given order."""
    stops = [
        TourStop(
            memory=memory,
            sort_order=order,
            text=(texts[order] if texts else f"<p>Text zur Station {order + 1}.</p>"),
        )
        for order, memory in enumerate(memories)
    ]
    page = TourPage(
        title=title, slug=slug or title.lower().replace(" ", "-"), stops=stops, **kwargs
    )
    return index.add_child(instance=page)
