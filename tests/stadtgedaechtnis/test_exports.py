"""export_memories and purge_memory_contacts."""

import csv
import datetime
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from stadtgedaechtnis import services
from stadtgedaechtnis.exports import COLUMNS
from stadtgedaechtnis.models import Memory, MemoryContact, Status
from tests.stadtgedaechtnis.factories import (
    MemoryContactFactory,
    MemoryFactory,
    MemoryPhotoFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def memories():
    theme = ThemeFactory(name="Verkehr")
    public = MemoryFactory(
        title="Die Straßenbahn",
        themes=[theme],
        attribution="initials",
        contributor_name="Erika Mustermann",
        licence="cc-by-sa-4.0",
        author__email="konto@example.org",
        precision="street",
    )
    MemoryPhotoFactory(memory=public)
    contact = MemoryContactFactory(email="kontakt@example.net", name="Karl Kontakt")
    contact.memory.status = Status.PUBLISHED
    contact.memory.attribution = "anonymous"
    contact.memory.save()
    MemoryFactory(title="Noch geheim", status=Status.SUBMITTED)
    return public, contact.memory


def assert_no_personal_data(text: str):
    assert "@" not in text
    assert "Karl Kontakt" not in text
    assert "Erika Mustermann" not in text  # initials were chosen


@pytest.mark.parametrize("fmt", ["geojson", "csv", "gpkg"])
def test_export_command(memories, tmp_path, fmt):
    public, anonymous = memories
    out = tmp_path / f"erinnerungen.{fmt}"
    call_command("export_memories", str(out), "--format", fmt)
    if fmt == "geojson":
        text = out.read_text(encoding="utf-8")
        data = json.loads(text)
        features = {f["properties"]["title"]: f for f in data["features"]}
        assert set(features) == {"Die Straßenbahn", anonymous.title}
        feature = features["Die Straßenbahn"]
        assert feature["geometry"]["coordinates"] == [public.public_lon, public.public_lat]
        assert feature["geometry"]["coordinates"] != [public.lon, public.lat]
        assert feature["properties"]["licence"] == "cc-by-sa-4.0"
        assert feature["properties"]["attribution"] == "E. M."
        assert feature["properties"]["themes"] == "Verkehr"
        assert_no_personal_data(text)
    elif fmt == "csv":
        text = out.read_text(encoding="utf-8")
        rows = list(csv.DictReader(text.splitlines()))
        assert list(rows[0].keys()) == COLUMNS
        assert {row["title"] for row in rows} == {"Die Straßenbahn", anonymous.title}
        by_title = {row["title"]: row for row in rows}
        assert by_title[anonymous.title]["attribution"] == "Anonym"
        assert float(by_title["Die Straßenbahn"]["lat"]) == public.public_lat
        assert_no_personal_data(text)
    else:
        import pyogrio

        frame = pyogrio.read_dataframe(out)
        assert set(frame["title"]) == {"Die Straßenbahn", anonymous.title}
        for column in ("licence", "licence_url", "attribution", "decade", "district"):
            assert column in frame.columns
        assert str(frame.crs).upper().endswith("4326")
        point = frame[frame["title"] == "Die Straßenbahn"].geometry.iloc[0]
        assert (point.x, point.y) == pytest.approx((public.public_lon, public.public_lat))
        assert_no_personal_data(frame.drop(columns="geometry").to_csv())


def test_export_with_nothing_published(tmp_path):
    out = tmp_path / "leer.geojson"
    call_command("export_memories", str(out), "--format", "geojson")
    assert json.loads(out.read_text())["features"] == []


def test_purge_contact_data_after_retention(editor, settings):
    settings.STADTGEDAECHTNIS_CONTACT_RETENTION_DAYS = 30
    contact = MemoryContactFactory(confirmed_at=timezone.now())
    memory = contact.memory
    services.submit(memory)
    services.publish(memory, actor=editor)
    contact.refresh_from_db()
    assert contact.purge_after.date() == (timezone.now() + datetime.timedelta(days=30)).date()
    call_command("purge_memory_contacts")
    assert MemoryContact.objects.count() == 1  # not yet
    MemoryContact.objects.update(purge_after=timezone.now() - datetime.timedelta(minutes=1))
    call_command("purge_memory_contacts")
    assert MemoryContact.objects.count() == 0
    assert Memory.objects.get().status == Status.PUBLISHED  # the memory stays


def test_purge_unconfirmed_drafts_after_seven_days():
    fresh = MemoryContactFactory()
    old = MemoryContactFactory()
    MemoryPhotoFactory(memory=old.memory)
    MemoryContact.objects.filter(pk=old.pk).update(
        created=timezone.now() - datetime.timedelta(days=8)
    )
    confirmed_old = MemoryContactFactory(confirmed_at=timezone.now())
    MemoryContact.objects.filter(pk=confirmed_old.pk).update(
        created=timezone.now() - datetime.timedelta(days=8)
    )
    call_command("purge_memory_contacts")
    remaining = set(Memory.objects.values_list("pk", flat=True))
    assert remaining == {fresh.memory.pk, confirmed_old.memory.pk}
    from wagtail.images import get_image_model

    assert get_image_model().objects.count() == 0
