"""The Redis cache backend that keeps one client per server (``meedoen.core.cache``)."""

import os
import uuid

import pytest

from meedoen.core.cache import ReusedClientRedisCache

REDIS_URL = os.environ.get("MEEDOEN_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_cache():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis server at {REDIS_URL}")
    return ReusedClientRedisCache(REDIS_URL, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})


def test_one_client_object_serves_every_operation():
    cache = redis_cache()
    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client
    assert cache.add("a", {"x": 1}, 30)
    assert not cache.add("a", 2, 30)
    cache.set("b", [1, 2], 30)
    assert cache.get_many(["a", "b", "c"]) == {"a": {"x": 1}, "b": [1, 2]}
    assert cache._cache.get_client() is client
    cache.delete_many(["a", "b"])
    assert cache.get("a") is None


def test_settings_use_it_and_cached_sessions_for_a_redis_cache_url():
    import subprocess
    import sys

    code = (
        "import django, os; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE)"
    )

    def settings_with(cache_url: str | None) -> list[str]:
        env = {k: v for k, v in os.environ.items() if k != "CACHE_URL"}
        env["DJANGO_SETTINGS_MODULE"] = "config.settings"
        if cache_url:
            env["CACHE_URL"] = cache_url
        return subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        ).stdout.split()

    # Sessions are read from a shared cache (written to the database as well); with each
    # process's own cache they stay in the database only.
    assert settings_with(REDIS_URL) == [
        "meedoen.core.cache.ReusedClientRedisCache",
        "django.contrib.sessions.backends.cached_db",
    ]
    assert settings_with(None) == [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.contrib.sessions.backends.db",
    ]
