"""Shared fixtures for the whole suite."""

import pytest
from django.core.cache import cache


def pytest_sessionstart(session):
    """Compile the translation catalogues, so English tests see English even without `make`."""
    import django

    django.setup()
    from civic.management.commands.compile_translations import compile_catalogue, po_files

    for po_path in po_files():
        compile_catalogue(po_path)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Start every test in German: a request to /en/ leaves English active in the thread, and
    reverse() in the next test would then build /en/ URLs."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def home_page(db):
    """The site's home page (created by the civic migration)."""
    from civic.models import HomePage

    return HomePage.objects.get(depth=2)


# -- users in each role (shared by the app test packages) ----------------------------------


def _user_in(role, display_name):
    from civic.roles import assign_role
    from tests.civic.factories import UserFactory

    user = UserFactory(display_name=display_name)
    if role:
        assign_role(user, role)
    return user


@pytest.fixture
def resident(db):
    from civic.roles import RESIDENTS

    return _user_in(RESIDENTS, "Rita Resident")


@pytest.fixture
def other_resident(db):
    from civic.roles import RESIDENTS

    return _user_in(RESIDENTS, "Otto Anders")


@pytest.fixture
def unverified(db):
    """A user with an account but no verified address (not a resident yet)."""
    return _user_in(None, "Ulla Unbestätigt")


@pytest.fixture
def editor(db):
    from civic.roles import EDITORS

    return _user_in(EDITORS, "Erika Redaktion")


@pytest.fixture
def steering(db):
    from civic.roles import STEERING

    return _user_in(STEERING, "Sven Steuerung")


@pytest.fixture
def superuser(db):
    from tests.civic.factories import UserFactory

    return UserFactory(display_name="Admin", is_superuser=True, is_staff=True)
