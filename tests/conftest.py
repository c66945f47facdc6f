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
