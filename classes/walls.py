"""What the cache keeps of a class's wall, so that an open wall's poll costs one cache read.

A projector polls the wall every few seconds (static/classes/js/wall.js), sending the ETag of
the cards it shows. The cache holds, per class, a record of what a poll must know: whether the
class exists, whether its wall is public, and a random version naming the wall's current state.
A poll whose ETag names the current version is answered 304 from that record alone: no query,
no template, and no worker held between polls.

Anything that changes what a wall shows forgets the record: a post to the class, every
moderation verb on its grids (grids/models.py), and a change to the class itself. The next
request reads the class again and draws a new version, so every open wall fetches its cards
once. Forgetting happens at once and again when the transaction commits, as for a grid's
cached responses (grids/caching/invalidation.py): a request that read the old rows before the
commit cannot leave its answer behind under a version that outlives it.

The cards themselves are cached under the version (and who is looking, and ?at=), so a room of
projectors and phones on one wall builds them once per change.
"""

import secrets
from dataclasses import dataclass

from django.core.cache import cache

from grids.caching.invalidation import forget_with_retries

# The record is read again from the database when missing, a query every few minutes per wall.
# Shorter than the retries of a forget the cache did not confirm (MODERATED_LATELY_SECONDS): a
# record a stalled cache kept through a moderation expires before they give up.
WALL_RECORD_SECONDS = 300
WALL_CARDS_SECONDS = 300
# Bump when the cards' HTML changes: a new release never serves the old one's cards.
WALL_CARDS_VERSION = 1


@dataclass(frozen=True)
class WallRecord:
    pk: int
    public: bool
    version: str


def wall_record_key(code: str) -> str:
    return f"wall:{code}:record"


def wall_mark_key(code: str) -> str:
    return f"wall:{code}:moderated-at"


def wall_cards_key(record: WallRecord, viewer: str, at: str) -> str:
    return f"wall:{record.pk}:cards:{record.version}:{viewer}:{at}:c{WALL_CARDS_VERSION}"


def cached_wall_record(code: str) -> WallRecord | None:
    return cache.get(wall_record_key(code))


def load_wall_record(code: str, read_class) -> WallRecord | None:
    """The class's wall record, from the cache, or from read_class() (the class or None) on a
    miss. None for a code no class has."""
    record = cached_wall_record(code)
    if record is not None:
        return record
    school_class = read_class()
    if school_class is None:
        return None
    record = WallRecord(school_class.pk, school_class.public, secrets.token_hex(8))
    # add, not set: of two requests that missed at once, the first record stays.
    if not cache.add(wall_record_key(code), record, WALL_RECORD_SECONDS):
        record = cache.get(wall_record_key(code)) or record
    return record


def forget_cached_walls(codes) -> None:
    """Drop the walls' records, with a moderation mark of their own: while the cache does not
    confirm it, this process writes it and deletes the record again until it does, as for a
    grid (grids/caching/invalidation.py). A record outlives no retry: WALL_RECORD_SECONDS is
    shorter than the time retries are kept up."""
    if not codes:  # a moderation of grids of no class, the usual case
        return
    forget_with_retries({wall_mark_key(code): [wall_record_key(code)] for code in codes})
