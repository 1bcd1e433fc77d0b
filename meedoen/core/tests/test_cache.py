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


def test_settings_use_it_for_a_redis_cache_url():
    import subprocess
    import sys

    code = (
        "import django, os; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'])"
    )
    env = dict(os.environ, CACHE_URL=REDIS_URL, DJANGO_SETTINGS_MODULE="config.settings")
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "meedoen.core.cache.ReusedClientRedisCache"
