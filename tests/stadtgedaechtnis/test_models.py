"""Memory model: derived fields (decade, district, blurred public point), attribution."""

import datetime
import math

import pytest

from stadtgedaechtnis.models import Memory, Status
from tests.stadtgedaechtnis.factories import MemoryFactory, MemoryPhotoFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def metres(lon1, lat1, lon2, lat2):
    dy = (lat2 - lat1) * 111_320
    dx = (lon2 - lon1) * 111_320 * math.cos(math.radians(lat1))
    return math.hypot(dx, dy)


def test_factories_build_a_published_memory_with_photo():
    photo = MemoryPhotoFactory()
    memory = photo.memory
    memory.themes.add(ThemeFactory())
    assert memory.status == Status.PUBLISHED
    assert list(Memory.objects.published()) == [memory]
    assert list(Memory.objects.for_map()) == [memory]
    assert memory.photos.count() == 1


def test_decade_from_range():
    memory = MemoryFactory(date_from=datetime.date(1962, 1, 1), date_to=datetime.date(1965, 12, 31))
    assert memory.decade == 1960
    memory.date_from = datetime.date(1800, 1, 1)
    memory.date_to = datetime.date(1899, 12, 31)
    memory.save()
    assert memory.decade is None


def test_district_assigned_from_point(centre_district):
    memory = MemoryFactory(lat=50.2585, lon=10.9645)
    assert memory.district == centre_district
    memory.lat, memory.lon = 10.0, 10.0
    memory.save()
    assert memory.district is None


def test_public_point_exact_not_private_is_exact():
    memory = MemoryFactory(precision="exact", private_place=False)
    assert (memory.public_lat, memory.public_lon) == (50.2585, 10.9645)


@pytest.mark.parametrize(
    ("precision", "private", "low", "high"),
    [("exact", True, 50, 100), ("street", False, 75, 150), ("district", False, 375, 750)],
)
def test_public_point_blurred_by_precision(precision, private, low, high):
    memory = MemoryFactory(precision=precision, private_place=private)
    distance = metres(memory.lon, memory.lat, memory.public_lon, memory.public_lat)
    assert low - 1 <= distance <= high + 1
    # Deterministic: saving again does not move the public point.
    before = (memory.public_lat, memory.public_lon)
    memory.save()
    memory.refresh_from_db()
    assert (memory.public_lat, memory.public_lon) == before


def test_district_precision_uses_district_centre(centre_district):
    memory = MemoryFactory(precision="district")
    assert memory.district == centre_district
    assert memory.public_lon == pytest.approx(10.96)
    assert memory.public_lat == pytest.approx(50.26)


@pytest.mark.parametrize(
    ("attribution", "expected"),
    [
        ("full_name", "Erika Mustermann"),
        ("initials", "E. M."),
        ("pseudonym", "Coburger Kind"),
        ("anonymous", "Anonym"),
    ],
)
def test_public_attribution(attribution, expected):
    memory = MemoryFactory(attribution=attribution, pseudonym="Coburger Kind")
    assert memory.public_attribution == expected


def test_paragraphs():
    memory = MemoryFactory(story="Eins.\r\n\r\nZwei\nzeilig.\n\n\n")
    assert memory.paragraphs == ["Eins.", "Zwei\nzeilig."]
