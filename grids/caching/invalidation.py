"""Dropping everything cached of a grid the moment whether it may be seen changes.

A cached response stands for "this grid may be seen". The moderation verbs (GridQuerySet.hide,
unhide, approve, delete in grids/models.py) call forget_cached_grids() after their transaction
commits. It first marks the grids as moderated lately, then deletes their pieces and responses:
build_and_cache_response() (grids/caching/responses.py) relies on that order to never leave a
response stored by a request that read the grid just before it was hidden.
"""

from django.core.cache import cache

from grids.caching.keys import (
    MODERATED_LATELY_SECONDS,
    RENDERED_PARTS,
    moderated_lately_key,
    rendered_key,
)


def forget_cached_grids(public_ids: list[str]) -> None:
    # The mark first, then the deletes: build_and_cache_response() relies on that order.
    cache.set_many(
        {moderated_lately_key(public_id): True for public_id in public_ids},
        MODERATED_LATELY_SECONDS,
    )
    cache.delete_many(
        [rendered_key(public_id, part) for public_id in public_ids for part in RENDERED_PARTS]
    )


def moderated_lately(public_id: str) -> bool:
    return cache.get(moderated_lately_key(public_id)) is not None
