"""Shared fixtures for the whole suite."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def home_page(db):
    """The site's home page (created by the civic migration)."""
    from civic.models import HomePage

    return HomePage.objects.get(depth=2)
