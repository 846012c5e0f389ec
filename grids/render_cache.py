"""Rendered pieces of a grid, cached.

A posted grid never changes, so what is built from it (the HTML table, the highlighted code,
the thumbnail) can be cached for as long as the cache will keep it, under a key made from the
grid's id and the renderer's version. Whether a visitor may see the grid is not cached here:
the page still asks the database (Grid.objects.reachable) on every request, so hiding or
deleting a grid takes effect at once.

Still, the moderation verbs (GridQuerySet.hide, unhide, approve, delete) call forget_rendered(),
so nothing of a removed grid lingers in a shared cache, and anything cached here later that
does depend on visibility is dropped by the same one call.
"""

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from grids.rendering.html import RENDERER_VERSION

T = TypeVar("T")

# Long enough to matter, short enough that a deleted grid's pieces do not sit in memcached
# forever. Both backends evict the least recently used keys under memory pressure anyway.
RENDERED_TTL_SECONDS = 7 * 24 * 3600


# Every piece cached per grid; forget_rendered() drops them all.
RENDERED_PARTS = ("table", "code", "thumbnail", "json")


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


def forget_rendered(public_ids: list[str]) -> None:
    cache.delete_many(
        [rendered_key(public_id, part) for public_id in public_ids for part in RENDERED_PARTS]
    )
