"""A grid's page and its /get JSON (and the pages that list grids), cached whole as the bytes
to send.

They are kept gzipped in the cache and plain and gzipped in each process's memory, so a warm
request costs one small cache read (ResponseBodies says why small): no query, no template, no
compression, and most of the middleware skipped (grids/caching/middleware.py), or all of Django
(grids/caching/replay.py). A cached response also stands for "this grid may be seen": it is
stored only after the database said the grid is reachable, and grids/caching/invalidation.py
takes it away the moment that changes, also from a request that was building it then.
"""

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from isal import igzip

from grids.caching.cache_control import allow_revalidated_caching
from grids.caching.invalidation import taken_back
from grids.caching.keys import (
    BODY_CHUNK_BYTES,
    LISTING_FRESH_SECONDS,
    LISTING_REBUILD_SECONDS,
    LISTINGS_MODERATED_AT_KEY,
    RESPONSE_TTL_SECONDS,
    body_chunk_keys,
    listing_key,
    listing_rebuild_key,
    moderated_at_key,
    rendered_key,
)
from grids.caching.memory import NewestKept

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CachedResponse:
    """A response's body, ready to send plain or gzipped, with what the headers need."""

    content_type: str
    body: bytes
    gzipped: bytes
    etag: str
    # Hashes of the inline styles the body carries, for its Content-Security-Policy.
    style_hashes: tuple[str, ...] = ()
    # A listing older than LISTING_FRESH_SECONDS (load_listing()); a grid's never is.
    stale: bool = False

    @classmethod
    def of(cls, body: bytes, content_type: str, style_hashes=()) -> "CachedResponse":
        # Weak: the plain and gzipped bodies are the same response.
        etag = f'W/"{hashlib.sha256(body).hexdigest()[:32]}"'
        # ISA-L's deflate, not zlib: several times faster for nearly the same size, and every
        # request that finds a grid cold pays it (bench/RESULTS.md has the figures).
        gzipped = igzip.compress(body, compresslevel=2, mtime=0)
        return cls(content_type, body, gzipped, etag, tuple(style_hashes))

    def response(self, request, *, secret: bool) -> HttpResponse:
        """The response for this request: gzipped if the client accepts it, with the headers
        that let browsers and proxies keep it (grids/caching/cache_control.py), or a 304 if the
        client's copy is this one. The same whether the view or CachedResponseMiddleware sends
        it (tests/caching/test_cached_responses.py compares the two)."""
        accepts_gzip = "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "")
        body = self.gzipped if accepts_gzip else self.body
        response = HttpResponse(body, content_type=self.content_type)
        if accepts_gzip:
            response["Content-Encoding"] = "gzip"
        response["Content-Length"] = str(len(body))
        patch_vary_headers(response, ["Accept-Encoding"])
        response["ETag"] = self.etag
        request.csp_style_hashes = list(self.style_hashes)
        allow_revalidated_caching(response, secret=secret)
        # Marks a whole response (not a 304) for grids/caching/replay.py, which may send it again.
        response.cached_response_etag = self.etag
        return get_conditional_response(request, etag=self.etag, response=response)


def response_memory_budget() -> int:
    """IPB_ANSWER_MEMORY_MB in bytes, read when a body is kept, not at import."""
    return settings.IPB_ANSWER_MEMORY_MB * 1024 * 1024


class ResponseBodies(NewestKept[str, tuple[bytes, bytes]]):
    """The plain and gzipped bodies of recently sent responses, in this process's memory.

    memcached holds each response's stamp (its type, ETag, style hashes, number of body chunks
    and when its grid was read) under the grid's response key, and its gzipped body under keys
    of its own named by the stamp (load_response() says why only that body). The stamp is the
    gate: it is read on every request with the grid's moderation mark, and the moderation verbs
    delete it and write the mark, so hiding a grid stops every process at once. The bodies never
    change for a stamp (the keys hold their hash), so a process keeps the ones it sends often
    and does not fetch and unzip a page from memcached for every request. Weighed in bytes,
    within IPB_ANSWER_MEMORY_MB.
    """

    def __init__(self, max_bytes: int | None = None):
        super().__init__(
            budget=response_memory_budget if max_bytes is None else max_bytes,
            weigh=lambda bodies: len(bodies[0]) + len(bodies[1]),
        )


response_bodies = ResponseBodies()


def load_response(grid_name: str, part: str) -> CachedResponse | None:
    """The response cached for a grid's route (grid_name: grid_cache_name()'s): its stamp from
    the cache, its bodies from this process's memory or, the first time, from the cache. None
    if either is gone, or if the grid was moderated after the read the response was built from
    (grids/caching/invalidation.py).

    The stamp and the grid's moderation mark come in one round trip. The cache holds only the
    gzipped body, and the plain one is unzipped from it here, once per process: memcached then
    holds several times as many responses in the same memory, and storing one (which every cold
    page pays) is cheaper, while unzipping is paid once by each other process that sends the
    page (bench/RESULTS.md).
    """
    return _load(rendered_key(grid_name, part), moderated_at_key(grid_name))


def load_listing(name: str) -> CachedResponse | None:
    """A listing page, the same way; None if any grid was moderated after it was read, and
    stale once it is LISTING_FRESH_SECONDS old (claim_listing_rebuild())."""
    return _load(listing_key(name), LISTINGS_MODERATED_AT_KEY, LISTING_FRESH_SECONDS)


def load_cached_response(grid_name: str | None, part: str) -> CachedResponse | None:
    """A grid's response, or with no grid the listing `part` names."""
    if grid_name is None:
        return load_listing(part)
    return load_response(grid_name, part)


def claim_listing_rebuild(name: str) -> bool:
    """Whether this request is the one to build a stale listing again: the first to ask, until
    it has stored one or LISTING_REBUILD_SECONDS have passed. The others send the stale one."""
    return cache.add(listing_rebuild_key(name), True, LISTING_REBUILD_SECONDS)


def _load(key: str, mark_key: str, fresh_seconds: float | None = None) -> CachedResponse | None:
    found = cache.get_many([key, mark_key])
    stamp = found.get(key)
    if stamp is None:
        return None
    content_type, etag, style_hashes, chunks, read_at = stamp
    if taken_back(read_at, found.get(mark_key)):
        return None
    chunk_keys = body_chunk_keys(key, etag, chunks)
    bodies = response_bodies.get(chunk_keys[0])
    if bodies is None:
        found = cache.get_many(chunk_keys)
        if len(found) != chunks:
            return None
        gzipped = b"".join(found[chunk_key] for chunk_key in chunk_keys)
        bodies = (igzip.decompress(gzipped), gzipped)
        response_bodies.put(chunk_keys[0], bodies)
    stale = fresh_seconds is not None and time.time() - read_at > fresh_seconds
    return CachedResponse(content_type, *bodies, etag, style_hashes, stale)


def store_response(grid_name: str, part: str, response: CachedResponse, read_at: float) -> None:
    """Keep a response built from a read of its grid at `read_at` (time.time(), taken before)."""
    _store(rendered_key(grid_name, part), response, read_at)


def _store(key: str, response: CachedResponse, read_at: float) -> None:
    body = response.gzipped
    chunks = [body[at : at + BODY_CHUNK_BYTES] for at in range(0, len(body), BODY_CHUNK_BYTES)]
    chunk_keys = body_chunk_keys(key, response.etag, len(chunks))
    stamp = (response.content_type, response.etag, response.style_hashes, len(chunks), read_at)
    # One round trip. The body first, so on one server the stamp never stands without it; on
    # several, a reader that finds the stamp first finds no body, and builds the response.
    items = {**dict(zip(chunk_keys, chunks, strict=True)), key: stamp}
    failed = cache.set_many(items, RESPONSE_TTL_SECONDS)
    if failed:
        # Every request would draw the grid again: say so, for the operator to look at the
        # cache (an item size below BODY_CHUNK_BYTES, or a server that is down).
        logger.warning(
            "The cache did not keep a %d-byte response in %d chunk(s).", len(body), len(chunks)
        )
    response_bodies.put(chunk_keys[0], (response.body, response.gzipped))


def build_and_cache_response(
    grid_name: str,
    part: str,
    build: Callable[[], CachedResponse | None],
    still_reachable: Callable[[], bool],
) -> CachedResponse | None:
    """build() the response (None: the grid may not be seen) and keep it in the cache.

    For the views of the routes CachedResponseMiddleware serves: they run only when it found no
    response in the cache, so they do not look again.

    The time is taken before build() reads the grid: a teacher may hide it after that read and
    before the response is stored, and load_response() then takes the stored response back
    (grids/caching/invalidation.py). This request must not send it either, so after storing it
    reads the grid's moderation mark, and only if the grid was moderated since the read asks
    the database again (still_reachable()). A grid not moderated lately, nearly every grid, so
    costs one cache read here instead of a second query (bench/RESULTS.md).
    """
    read_at = time.time()
    response = build()
    if response is None:
        return None
    store_response(grid_name, part, response, read_at)
    if taken_back(read_at, cache.get(moderated_at_key(grid_name))) and not still_reachable():
        return None
    return response


def build_and_cache_listing(name: str, build: Callable[[], CachedResponse]) -> CachedResponse:
    """build() a listing page and keep it in the cache, for the listing's views, which run when
    the cache had none or claim_listing_rebuild() chose this request.

    As for a grid's response, the time is taken before the read; if a grid was moderated
    meanwhile (the listings' mark, written by every moderation verb), the page may show it, so
    it is built once more for this request, and load_listing() takes the first one back.
    """
    read_at = time.time()
    response = build()
    _store(listing_key(name), response, read_at)
    if taken_back(read_at, cache.get(LISTINGS_MODERATED_AT_KEY)):
        read_at = time.time()
        response = build()
        _store(listing_key(name), response, read_at)
    cache.delete(listing_rebuild_key(name))
    return response
