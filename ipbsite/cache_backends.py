"""The memcached backend, keeping its connections between requests."""

from django.core.cache.backends.memcached import PyMemcacheCache


class PersistentPyMemcacheCache(PyMemcacheCache):
    """PyMemcacheCache without the disconnect Django makes at the end of every request.

    Django closes memcached connections after each request because many clients leak them;
    pymemcache's pooled client does not. Disconnecting cost every request a new TCP connection
    (the benchmark's profiles), and it also forgot which servers had failed, so with a server
    down each request waited out a fresh connect timeout instead of skipping it for
    dead_timeout seconds. As django's own PyLibMCCache does, close() leaves the pool alone.
    """

    def close(self, **kwargs):
        pass
