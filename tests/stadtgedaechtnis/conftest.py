"""Fixtures for the stadtgedaechtnis tests."""

import pytest

from tests.civic.factories import DistrictFactory


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path):
    """Each test writes its files to its own folder (and can count them)."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def centre_district(db):
    """A district around Coburg's Marktplatz (10.9645, 50.2585)."""
    from tests.civic.factories import square

    return DistrictFactory(name="Innenstadt", geometry=square(10.95, 50.25, 0.02))
