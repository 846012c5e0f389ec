"""A shared cache that fails as a stalled memcached does, and waiting for what follows."""

import time


class CacheRefusingWrites:
    """The shared cache, but its first `refusals` set_many calls fail, as when memcached stalls."""

    def __init__(self, cache_client, refusals: int):
        self.cache_client = cache_client
        self.refusals = refusals

    def __getattr__(self, name):
        return getattr(self.cache_client, name)

    def set_many(self, data, timeout=None):
        if self.refusals > 0:
            self.refusals -= 1
            return list(data)
        return self.cache_client.set_many(data, timeout)


def wait_until(condition, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()
