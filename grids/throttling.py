"""Who is asking, and how often: client addresses and rate limits counted in the shared cache.

Counting happens with the cache's atomic add and incr, so limits hold across every gunicorn
process and host that shares the cache, and two simultaneous requests cannot both read
"one left". When the cache is down the limit lets requests through and logs it: a classroom
must keep working when memcached restarts.
"""

import hashlib
import hmac
import ipaddress
import logging
import time

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """Django REST framework's rate form: "30/minute" -> (30, 60). Period by first letter."""
    count, _, period = rate.partition("/")
    try:
        return int(count), PERIOD_SECONDS[period.strip()[0].lower()]
    except (ValueError, KeyError, IndexError):
        raise ValueError(f"not a rate like '30/minute': {rate!r}") from None


def client_address(request) -> str:
    """The client's IP address. With IPB_TRUSTED_PROXY_COUNT proxies in front, the address the
    nearest untrusted hop gave, read from the right of X-Forwarded-For; else REMOTE_ADDR, since
    anyone can send an X-Forwarded-For header of their own.

    Always an IP address, as ipaddress writes it: the rate limits put it in cache keys and
    django-axes in a PostgreSQL inet column, and either fails on anything else. A forwarded
    entry that is not an address falls back to the peer's address.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        forwarded = [hop.strip() for hop in forwarded if hop.strip()]
        if len(forwarded) >= proxies:
            address = ip_address_in(forwarded[-proxies])
            if address is not None:
                return address
    return ip_address_in(remote) or UNKNOWN_ADDRESS


# What a peer with no usable address (a Unix socket, a test) counts as: one address among many.
UNKNOWN_ADDRESS = "0.0.0.0"


def ip_address_in(hop: str) -> str | None:
    """The IP address in one X-Forwarded-For entry, without the port some proxies append
    ("203.0.113.9:50123", "[2001:db8::1]:443"), or None if the entry holds no address."""
    if hop.startswith("["):  # [v6] or [v6]:port
        hop = hop[1:].partition("]")[0]
    elif hop.count(":") == 1:  # v4:port; a bare v6 address has two colons or more
        hop = hop.partition(":")[0]
    try:
        return str(ipaddress.ip_address(hop))
    except ValueError:
        return None


def anonymous_reporter(request) -> str:
    """A keyed hash of the client address: counts distinct visitors, names nobody."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), client_address(request).encode(), hashlib.sha256
    )
    return digest.hexdigest()[:32]


def over_limit(scope: str, identity: str, rate: str) -> tuple[bool, int]:
    """Count one request of `identity` in `scope` against `rate`.

    Returns (refused, seconds until the current window ends). Fixed windows: the counter's key
    holds the window's start, so it expires by itself.
    """
    allowed, period = parse_rate(rate)
    now = int(time.time())
    window_start = now - now % period
    retry_after = window_start + period - now
    key = f"rate:{scope}:{identity}:{window_start}"
    # incr first: every request but the window's first is then one round trip, not two.
    count = _incr_or_none(key)
    if count is None:
        # The window's first request, or its counter was evicted: start it. add is atomic, so
        # of two requests that both got here, one starts the count and the other adds to it.
        if cache.add(key, 1, timeout=period + 1):
            return allowed < 1, retry_after
        count = _incr_or_none(key)
        if count is None:
            logger.warning("Rate limit %s not counted: the cache is not answering.", scope)
            return False, 0
    return count > allowed, retry_after


def _incr_or_none(key: str) -> int | None:
    """The counter after adding one, or None if there is none (or the cache is down)."""
    try:
        count = cache.incr(key)
    except ValueError:  # no such key
        return None
    # pymemcache, ignoring a dead server, answers False rather than a miss.
    return None if count is False else count
