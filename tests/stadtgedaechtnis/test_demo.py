"""The Stadtgedächtnis part of seed_demo: pages, themes, ~60 memories, a queue; idempotent."""

import time

import pytest
from django.core.management import call_command

from stadtgedaechtnis.dates import parse_period
from stadtgedaechtnis.demo_memories import MEMORIES, PHONE_INTERVIEW, QUEUE
from stadtgedaechtnis.models import (
    Memory,
    MemoryMapPage,
    MemoryPhoto,
    MemoryTimelinePage,
    RejectionReason,
    Status,
    Theme,
)

pytestmark = pytest.mark.django_db


def test_every_demo_date_is_understood():
    for spec in [*MEMORIES, *QUEUE, PHONE_INTERVIEW]:
        period = parse_period(spec[1])
        assert period.lower and period.upper, spec[1]


def test_seed_demo_adds_the_stadtgedaechtnis():
    started = time.monotonic()
    call_command("seed_demo", verbosity=0)
    assert time.monotonic() - started < 30  # the whole city; our step alone takes a few seconds

    map_page = MemoryMapPage.objects.get(slug="stadtgedaechtnis")
    assert map_page.title == "Stadtgedächtnis" and map_page.live
    assert "Erzähle" in map_page.intro and "Erforsche" in map_page.intro
    timeline = MemoryTimelinePage.objects.child_of(map_page).get()
    assert (timeline.slug, timeline.title) == ("zeitleiste", "Erforsche: Zeitleiste")

    assert Theme.objects.count() == 7
    assert RejectionReason.objects.exists()
    published = Memory.objects.published()
    assert published.count() >= 55
    assert published.filter(district__isnull=True).count() == 0  # all inside demo districts
    decades = set(published.values_list("decade", flat=True))
    assert {1920, 1950, 1980, 2010} <= decades
    assert Memory.objects.filter(status=Status.SUBMITTED).count() >= 3
    assert Memory.objects.filter(on_behalf=True, on_behalf_source="phone").exists()
    assert Memory.objects.featured().count() == 1
    photos = MemoryPhoto.objects.all()
    assert photos.count() >= 5
    assert all(p.caption.startswith("Demo-Bild") for p in photos)

    from django_comments_xtd.models import XtdComment

    assert XtdComment.objects.filter(is_public=True).count() >= 3  # readers' additions

    counts = (Memory.objects.count(), Theme.objects.count(), MemoryPhoto.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Memory.objects.count(), Theme.objects.count(), MemoryPhoto.objects.count()) == counts
    assert MemoryMapPage.objects.count() == 1
