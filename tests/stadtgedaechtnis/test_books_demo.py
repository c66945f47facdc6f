"""The reading-book part of seed_demo: an open call and a released book with two chapters."""

import pytest
from django.core.management import call_command

from stadtgedaechtnis import books
from stadtgedaechtnis.models import BookIndexPage, BookPage

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_a_call_and_a_released_book(client):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)  # idempotent

    index = BookIndexPage.objects.get(slug="lesebuecher")
    assert index.live
    assert BookPage.objects.child_of(index).count() == 2

    released = BookPage.objects.get(slug="arbeit-und-alltag")
    assert released.is_released and not released.call_is_open()
    chapters = books.book_contents(released)
    assert len(chapters) == 2
    assert all(chapter.entries for chapter in chapters)
    for chapter in chapters:
        for entry in chapter.entries:
            assert books.is_placeable(entry.memory)
    html = client.get(released.url).content.decode()
    assert chapters[1].entries[-1].memory.title in html

    call = BookPage.objects.get(slug="kindheit-und-schule")
    assert call.call_is_open() and not call.is_released
    assert "Erinnerung zum Aufruf erzählen" in client.get(call.url).content.decode()
