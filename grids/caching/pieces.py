"""Pieces built from a grid (its HTML table, highlighted code, thumbnail), cached.

A posted grid never changes, so what is built from it is cached for as long as the cache
keeps it, under rendered_key(). The pages that show many grids (the home page, the admin list)
read all their pieces in one round trip.
"""

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from grids.caching.keys import RENDERED_TTL_SECONDS, rendered_key

T = TypeVar("T")


def cached_renderings(part: str, builders: dict[str, Callable[[], T]]) -> dict[str, T]:
    """One piece of each of many grids, by their names in the cache (Grid.cache_name), from the
    cache or built now: one round trip to read them all and, for those missing, one to keep
    them."""
    return _cached_many({name: rendered_key(name, part) for name in builders}, builders)


def cached_pieces(grid_name: str, builders: dict[str, Callable[[], T]]) -> dict[str, T]:
    """Several pieces of one grid (Grid.cache_name), by part, the same way."""
    return _cached_many({part: rendered_key(grid_name, part) for part in builders}, builders)


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
