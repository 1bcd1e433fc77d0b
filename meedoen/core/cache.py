"""Django's Redis cache with one client object per server instead of one per operation.

Django's ``RedisCacheClient`` builds a new ``redis.Redis`` around the shared connection
pool for every cache operation; building it (its table of reply handlers) costs about as
much as a round trip to Redis. The client holds no connection of its own (it takes one
from the pool for each command), so one per pool serves every thread of a process.
``config.settings`` uses this backend wherever ``CACHE_URL`` names Redis."""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusedRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedRedisCacheClient
