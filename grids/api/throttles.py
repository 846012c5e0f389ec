"""Rate limits for the API, counted in the shared cache (grids/throttling.py).

DRF's own throttles read a history from the cache, append and write it back, so simultaneous
requests all read the same history and slip through together; ours count with the cache's
atomic add and incr instead.
"""

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from grids.throttling import client_address, over_limit


class PostRateThrottle(BaseThrottle):
    """Posts per client address, at IPB_THROTTLE_POSTS. DRF answers a refusal with 429 and a
    Retry-After of wait() seconds."""

    scope = "post"

    def allow_request(self, request, view) -> bool:
        refused, self.retry_after = over_limit(
            self.scope, client_address(request), settings.IPB_THROTTLE_POSTS
        )
        return not refused

    def wait(self) -> int:
        return self.retry_after
