"""Fixtures for the stadtgedaechtnis tests."""

import pytest

from civic.roles import EDITORS, RESIDENTS, STEERING, assign_role
from tests.civic.factories import DistrictFactory, UserFactory


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path):
    """Each test writes its files to its own folder (and can count them)."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def resident(db):
    user = UserFactory(display_name="Rita Resident")
    assign_role(user, RESIDENTS)
    return user


@pytest.fixture
def other_resident(db):
    user = UserFactory(display_name="Otto Other")
    assign_role(user, RESIDENTS)
    return user


@pytest.fixture
def editor(db):
    user = UserFactory(display_name="Edith Editor")
    assign_role(user, EDITORS)
    return user


@pytest.fixture
def steering(db):
    user = UserFactory(display_name="Stefan Steering")
    assign_role(user, STEERING)
    return user


@pytest.fixture
def centre_district(db):
    """A district around Coburg's Marktplatz (10.9645, 50.2585)."""
    from tests.civic.factories import square

    return DistrictFactory(name="Innenstadt", geometry=square(10.95, 50.25, 0.02))
