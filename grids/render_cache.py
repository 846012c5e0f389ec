"""What the site builds from a grid, cached: rendered pieces, and whole answers.

Pieces. A posted grid never changes, so what is built from it (the HTML table, the highlighted
code, the thumbnail) is cached for as long as the cache keeps it, under a key made from the
grid's id and the renderer's version.

Answers. A grid's page and its /get JSON are cached whole, as the bytes to send, plain and
gzipped, so a warm request costs one cache read: no query, no template, no compression. An
answer also stands for "this grid may be seen", so it is dropped the moment that changes:
the moderation verbs (GridQuerySet.hide, unhide, approve, delete) call forget_rendered(),
after their transaction commits. An answer is stored only after the database said the grid is
reachable, and checked once more after storing, so a grid hidden while its answer was being
built never keeps one. Answers are kept for a minute only: if a cache server were unreachable
from the process that hid a grid but not from the others, it could not linger longer.
"""

import gzip
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

from grids.rendering.html import RENDERER_VERSION

T = TypeVar("T")

# Long enough to matter, short enough that a deleted grid's pieces do not sit in memcached
# forever. Both backends evict the least recently used keys under memory pressure anyway.
RENDERED_TTL_SECONDS = 7 * 24 * 3600
ANSWER_TTL_SECONDS = 60

# Every piece and answer cached per grid; forget_rendered() drops them all. Answers are kept
# per route kind: a secret grid's page must never answer at its public address.
RENDERED_PARTS = ("table", "code", "thumbnail", "page", "secret-page", "get", "secret-get")


def answer_part(name: str, *, secret: bool) -> str:
    return f"secret-{name}" if secret else name


def rendered_key(public_id: str, part: str) -> str:
    if part not in RENDERED_PARTS:
        raise ValueError(f"unknown rendered part {part!r}; add it to RENDERED_PARTS")
    return f"grid:{public_id}:{part}:v{RENDERER_VERSION}"


def cached_rendering(public_id: str, part: str, build: Callable[[], T]) -> T:
    key = rendered_key(public_id, part)
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, RENDERED_TTL_SECONDS)
    return value


def cached_renderings(part: str, builders: dict[str, Callable[[], T]]) -> dict[str, T]:
    """cached_rendering() for many grids at once: one cache round trip for all of them."""
    keys = {public_id: rendered_key(public_id, part) for public_id in builders}
    found = cache.get_many(list(keys.values()))
    values, missing = {}, {}
    for public_id, key in keys.items():
        if key in found:
            values[public_id] = found[key]
        else:
            values[public_id] = missing[key] = builders[public_id]()
    if missing:
        cache.set_many(missing, RENDERED_TTL_SECONDS)
    return values


def forget_rendered(public_ids: list[str]) -> None:
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
        etag = f'W/"{hashlib.md5(body, usedforsecurity=False).hexdigest()}"'
        gzipped = gzip.compress(body, compresslevel=6, mtime=0)
        return cls(content_type, body, gzipped, etag, tuple(style_hashes))

    def response(self, request) -> HttpResponse:
        accepts_gzip = "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "")
        response = HttpResponse(
            self.gzipped if accepts_gzip else self.body, content_type=self.content_type
        )
        if accepts_gzip:
            response["Content-Encoding"] = "gzip"
        patch_vary_headers(response, ["Accept-Encoding"])
        response["ETag"] = self.etag
        request.csp_style_hashes = list(self.style_hashes)
        return response


def cached_answer(
    public_id: str,
    part: str,
    build: Callable[[], CachedAnswer | None],
    still_reachable: Callable[[], bool],
) -> CachedAnswer | None:
    """The cached answer, or build() (None: the grid may not be seen) and keep it."""
    key = rendered_key(public_id, part)
    answer = cache.get(key)
    if answer is not None:
        return answer
    answer = build()
    if answer is None:
        return None
    cache.set(key, answer, ANSWER_TTL_SECONDS)
    if not still_reachable():  # hidden while the answer was being built: take it back
        cache.delete(key)
        return None
    return answer
