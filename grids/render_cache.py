"""What the site builds from a grid, cached: rendered pieces, and whole answers.

Pieces. A posted grid never changes, so what is built from it (the HTML table, the highlighted
code, the thumbnail) is cached for as long as the cache keeps it, under a key made from the
grid's id and the renderer's version.

Answers. A grid's page and its /get JSON are cached whole, as the bytes to send (gzipped in
the cache; plain and gzipped in each process's memory), so a warm request costs one small cache
read (AnswerBodies says why small): no query, no template, no compression, and most of the
middleware skipped (grids/answer_middleware.py).
An answer also stands for "this grid may be seen", so it is dropped the moment that changes:
the moderation verbs (GridQuerySet.hide, unhide, approve, delete) call forget_rendered(),
after their transaction commits. An answer is stored only after the database said the grid is
reachable; a grid hidden while its answer was being built must not keep it, and
build_and_keep_answer() says how that is made sure of. Answers are kept for a minute only: if
a cache server were unreachable from the process that hid a grid but not from the others, or
lost what forget_rendered() wrote there, it could not linger longer.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from isal import igzip

from grids.http_caching import allow_revalidated_caching
from grids.newest_kept import NewestKept
from grids.rendering.html import RENDERER_VERSION

T = TypeVar("T")

# Long enough to matter, short enough that a deleted grid's pieces do not sit in memcached
# forever. Both backends evict the least recently used keys under memory pressure anyway.
RENDERED_TTL_SECONDS = 7 * 24 * 3600
ANSWER_TTL_SECONDS = 60
# How long a grid counts as moderated lately (build_and_keep_answer): far longer than a request
# takes from reading the grid to storing its answer, milliseconds even for the largest grid.
MODERATED_LATELY_SECONDS = 600

# Every piece and answer cached per grid; forget_rendered() drops them all. Answers are kept
# per route kind: a secret grid's page must never answer at its public address.
RENDERED_PARTS = ("table", "code", "thumbnail", "page", "secret-page", "get", "secret-get")


def answer_part(name: str, *, secret: bool) -> str:
    return f"secret-{name}" if secret else name


ANSWER_PARTS = frozenset({"page", "secret-page", "get", "secret-get"})
# Bump when what is stored under an answer's key changes shape (2: a stamp naming the bodies'
# key, where 1 was the whole CachedAnswer; 3: only the gzipped body under that key, where 2
# kept both bodies): during a rolling deploy, processes of the previous release and of this one
# then never read each other's answers. Each still drops its own when a grid is hidden, and the
# other's expire within ANSWER_TTL_SECONDS.
ANSWER_FORMAT = 3


def rendered_key(public_id: str, part: str) -> str:
    if part not in RENDERED_PARTS:
        raise ValueError(f"unknown rendered part {part!r}; add it to RENDERED_PARTS")
    if part in ANSWER_PARTS:
        return f"grid:{public_id}:{part}:v{RENDERER_VERSION}a{ANSWER_FORMAT}"
    return f"grid:{public_id}:{part}:v{RENDERER_VERSION}"


def cached_renderings(part: str, builders: dict[str, Callable[[], T]]) -> dict[str, T]:
    """One piece of each of many grids, by public id, from the cache or built now: one cache
    round trip to read them all and, for those missing, one to keep them."""
    return _cached_many(
        {public_id: rendered_key(public_id, part) for public_id in builders}, builders
    )


def cached_pieces(public_id: str, builders: dict[str, Callable[[], T]]) -> dict[str, T]:
    """Several pieces of one grid, by part, the same way."""
    return _cached_many({part: rendered_key(public_id, part) for part in builders}, builders)


def _cached_many(keys: dict[str, str], builders: dict[str, Callable[[], T]]) -> dict[str, T]:
    found = cache.get_many(list(keys.values()))
    values, missing = {}, {}
    for name, key in keys.items():
        if key in found:
            values[name] = found[key]
        else:
            values[name] = missing[key] = builders[name]()
    if missing:
        cache.set_many(missing, RENDERED_TTL_SECONDS)
    return values


def moderated_lately_key(public_id: str) -> str:
    return f"grid:{public_id}:moderated-lately"


def forget_rendered(public_ids: list[str]) -> None:
    # The mark first, then the deletes: build_and_keep_answer() relies on that order.
    cache.set_many(
        {moderated_lately_key(public_id): True for public_id in public_ids},
        MODERATED_LATELY_SECONDS,
    )
    cache.delete_many(
        [rendered_key(public_id, part) for public_id in public_ids for part in RENDERED_PARTS]
    )


@dataclass(frozen=True)
class CachedAnswer:
    """A response's body, ready to send plain or gzipped, with what the headers need."""

    content_type: str
    body: bytes
    gzipped: bytes
    etag: str
    # Hashes of the inline styles the body carries, for its Content-Security-Policy.
    style_hashes: tuple[str, ...] = ()

    @classmethod
    def of(cls, body: bytes, content_type: str, style_hashes=()) -> "CachedAnswer":
        # Weak: the plain and gzipped bodies are the same answer.
        etag = f'W/"{hashlib.sha256(body).hexdigest()[:32]}"'
        # ISA-L's deflate at its default level, not zlib: the starry night's page took 4.9 ms
        # with zlib at level 4 and takes 0.6, for the same 54 kB; its JSON 4.3 ms and 0.6, for
        # 59 kB instead of 55. Paid once per answer cached, by the request that finds it cold.
        gzipped = igzip.compress(body, compresslevel=2, mtime=0)
        return cls(content_type, body, gzipped, etag, tuple(style_hashes))

    def response(self, request, *, secret: bool) -> HttpResponse:
        """The answer for this request: gzipped if the client accepts it, with the headers
        that let browsers and proxies keep it (grids/http_caching.py), or a 304 if the
        client's copy is this one. The same whether the view or CachedAnswerMiddleware sends
        it (tests/test_cached_answers.py compares the two)."""
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
        # Marks a whole answer (not a 304) for grids/answer_replay.py, which may send it again.
        response.cached_answer_etag = self.etag
        return get_conditional_response(request, etag=self.etag, response=response)


def answer_memory_budget() -> int:
    """IPB_ANSWER_MEMORY_MB in bytes, read when a body is kept, not at import."""
    return settings.IPB_ANSWER_MEMORY_MB * 1024 * 1024


class AnswerBodies(NewestKept[str, tuple[bytes, bytes]]):
    """The plain and gzipped bodies of recently sent answers, in this process's memory.

    memcached holds each answer's stamp (its type, ETag and style hashes) under the grid's
    answer key, and its gzipped body under a key of its own named in the stamp (load_answer()
    says why only that body). The stamp is the gate: it is read on every request, and the
    moderation verbs delete it, so hiding a grid stops every process at once. The bodies never
    change for a stamp (the key holds their hash), so a process keeps the ones it sends often
    and does not fetch and unzip a page from memcached for every request. Weighed in bytes,
    within IPB_ANSWER_MEMORY_MB.
    """

    def __init__(self, max_bytes: int | None = None):
        super().__init__(
            budget=answer_memory_budget if max_bytes is None else max_bytes,
            weigh=lambda bodies: len(bodies[0]) + len(bodies[1]),
        )


answer_bodies = AnswerBodies()


def bodies_key(answer_key: str, etag: str) -> str:
    # The ETag is a hash of the body: a new rendering of the grid gets new keys.
    return f"{answer_key}:body:{etag[3:-1]}"


def load_answer(key: str) -> CachedAnswer | None:
    """The answer cached under `key`: its stamp from the cache, its bodies from this process's
    memory or, the first time, from the cache. None if either is gone.

    The cache holds only the gzipped body, and the plain one is unzipped from it here, once per
    process: memcached then holds five times as many answers in the same memory (the starry
    night's page is 54 kB gzipped, 306 kB with both bodies). Storing it got cheaper too, 0.15 ms
    where both bodies took 0.27 (every cold page pays it), while unzipping takes 0.26 ms, paid
    once by each other process that sends the page.
    """
    stamp = cache.get(key)
    if stamp is None:
        return None
    content_type, etag, style_hashes = stamp
    body_key = bodies_key(key, etag)
    bodies = answer_bodies.get(body_key)
    if bodies is None:
        gzipped = cache.get(body_key)
        if gzipped is None:
            return None
        bodies = (igzip.decompress(gzipped), gzipped)
        answer_bodies.put(body_key, bodies)
    return CachedAnswer(content_type, *bodies, etag, style_hashes)


def store_answer(key: str, answer: CachedAnswer) -> None:
    body_key = bodies_key(key, answer.etag)
    stamp = (answer.content_type, answer.etag, answer.style_hashes)
    # One round trip. The body first, so on one server the stamp never stands without it; on
    # several, a reader that finds the stamp first finds no body, and builds the answer.
    cache.set_many({body_key: answer.gzipped, key: stamp}, ANSWER_TTL_SECONDS)
    answer_bodies.put(body_key, (answer.body, answer.gzipped))


def build_and_keep_answer(
    public_id: str,
    part: str,
    build: Callable[[], CachedAnswer | None],
    still_reachable: Callable[[], bool],
) -> CachedAnswer | None:
    """build() the answer (None: the grid may not be seen) and keep it in the cache.

    For the views of the routes CachedAnswerMiddleware serves: they run only when it found no
    answer in the cache, so they do not look again.

    A teacher may hide the grid after build() read it and before the answer is stored, so the
    moderation verbs' forget_rendered() finds nothing to delete yet. So after storing, this
    looks for the mark forget_rendered() writes before it deletes, and only if the grid has one
    asks the database again (still_reachable()) and takes the answer back if it may no longer
    be seen. Either the mark was written before this looked, and the database decides, or it
    was not yet, and then the deletes that follow it come after the answer was stored and
    remove it. A grid not moderated lately, nearly every grid, so costs one cache read here
    instead of a second query: the starry night's cold page took 6.2 ms in process with the
    query, 5.7 without (bench/RESULTS.md).
    """
    key = rendered_key(public_id, part)
    answer = build()
    if answer is None:
        return None
    store_answer(key, answer)
    moderated_lately = cache.get(moderated_lately_key(public_id)) is not None
    if moderated_lately and not still_reachable():
        cache.delete(key)
        return None
    return answer
