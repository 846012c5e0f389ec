"""A shared cache that fails as a stalled memcached does, and waiting for what follows."""

import time


class CacheRefusingWrites:
    """The shared cache, but its first `refusals` set_many calls fail, as when memcached stalls;
    with losing_deletes, the delete_many after each refused set_many is lost too."""

    def __init__(self, cache_client, refusals: int, losing_deletes: bool = False):
        self.cache_client = cache_client
        self.refusals = refusals
        self.losing_deletes = losing_deletes
        self.deletes_to_lose = 0

    def __getattr__(self, name):
        return getattr(self.cache_client, name)

    def set_many(self, data, timeout=None):
        if self.refusals > 0:
            self.refusals -= 1
            self.deletes_to_lose += self.losing_deletes
            return list(data)
        return self.cache_client.set_many(data, timeout)

    def delete_many(self, keys):
        if self.deletes_to_lose > 0:
            self.deletes_to_lose -= 1
            return None
        return self.cache_client.delete_many(keys)


def wait_until(condition, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()
