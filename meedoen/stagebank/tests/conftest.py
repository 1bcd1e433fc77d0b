import pytest
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Search results are cached by the bank's version; each test starts empty."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english(settings):
    """Tests read messages by their English msgids (pages are Dutch by default)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
