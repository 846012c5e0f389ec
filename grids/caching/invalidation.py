"""Taking away everything cached of a grid the moment whether it may be seen changes.

A cached response stands for "this grid may be seen". The moderation verbs (GridQuerySet.hide,
unhide, approve, delete in grids/models.py) call forget_cached_grids() after their transaction
commits. It marks each grid with the time of its moderation, then deletes its pieces and
responses. The verbs, and featuring, also call forget_cached_listings(), which does the same for
the pages that list grids, under one mark of their own. The mark is what makes hiding hold at
the worst moments:

- A request that read the grid just before it was hidden may store its response just after the
  deletes. Every response's stamp says when its grid was read, and load_response()
  (grids/caching/responses.py) reads the mark with the stamp, in the same round trip, and takes
  no response read before the moderation.
- memcached may stall or fail while a teacher hides a grid: neither the mark nor the deletes
  then arrive, and a response stored before stays up when the cache answers again. So a mark
  the cache did not confirm is written again, with the deletes, every RETRY_SECONDS from a
  thread of this process until the cache confirms it; the admin asks unconfirmed() and says so.
"""

import logging
import threading
import time

from django.core.cache import cache

from grids.caching.keys import (
    LISTING_NAMES,
    LISTINGS_MODERATED_AT_KEY,
    MODERATED_LATELY_SECONDS,
    RENDERED_PARTS,
    listing_key,
    moderated_at_key,
    rendered_key,
)

logger = logging.getLogger(__name__)

# A stamp is taken only if its grid was read this long after the moderation's mark. The mark
# and the stamp carry the clocks of two processes, which may be two hosts.
CLOCK_MARGIN_SECONDS = 1.0
RETRY_SECONDS = 0.5


def forget_cached_grids(grid_names: list[str]) -> bool:
    """Mark the grids (by Grid.cache_name) as moderated now, then delete what is cached of
    them. Whether the cache confirmed the marks; if not, they are written again until it does."""
    return _forget(
        {
            moderated_at_key(name): [rendered_key(name, part) for part in RENDERED_PARTS]
            for name in grid_names
        }
    )


def forget_cached_listings() -> bool:
    """The same for the home page and the gallery's first pages, which may show any grid."""
    return _forget({LISTINGS_MODERATED_AT_KEY: [listing_key(name) for name in LISTING_NAMES]})


def forget_with_retries(keys_by_mark: dict[str, list[str]]) -> bool:
    """The same for what another room caches (a class's wall, classes/walls.py): each mark key
    with the keys it takes away, written again until the cache confirms it."""
    return _forget(keys_by_mark)


def unconfirmed(grid_names: list[str]) -> list[str]:
    """Those of the grids whose moderation the cache has not yet confirmed to this process."""
    return [name for name in grid_names if _retries.pending(moderated_at_key(name))]


def taken_back(read_at: float, moderated_at: float | None) -> bool:
    """Whether a response built from a read at `read_at` may show something moderated since."""
    return moderated_at is not None and read_at < moderated_at + CLOCK_MARGIN_SECONDS


def _forget(keys_by_mark: dict[str, list[str]]) -> bool:
    now = time.time()
    marks = {mark_key: (now, keys) for mark_key, keys in keys_by_mark.items()}
    confirmed = _write_marks_and_delete(marks)
    if not confirmed:
        _retries.keep_trying(marks)
    return confirmed


# Each mark's key: the time it holds, and the keys it takes away.
Marks = dict[str, tuple[float, list[str]]]


def _write_marks_and_delete(marks: Marks) -> bool:
    # The marks first: a response stored after the deletes is taken back by them.
    failed = cache.set_many(
        {mark_key: at for mark_key, (at, _) in marks.items()}, MODERATED_LATELY_SECONDS
    )
    cache.delete_many([key for _, keys in marks.values() for key in keys])
    return not failed


class MarkRetries:
    """Marks the cache did not confirm, written again by one thread until it does.

    A mark older than MODERATED_LATELY_SECONDS is given up: every response stored before it has
    expired by then (grids/caching/keys.py).
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._marks: Marks = {}
        self._thread: threading.Thread | None = None

    def keep_trying(self, marks: Marks) -> None:
        logger.warning("The cache did not confirm %d moderation mark(s); trying again.", len(marks))
        with self._lock:
            self._marks.update(marks)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="moderation-mark-retries", daemon=True
                )
                self._thread.start()

    def pending(self, mark_key: str) -> bool:
        with self._lock:
            return mark_key in self._marks

    def _run(self) -> None:
        while True:
            time.sleep(RETRY_SECONDS)
            with self._lock:
                now = time.time()
                marks = {
                    mark_key: mark
                    for mark_key, mark in self._marks.items()
                    if now - mark[0] < MODERATED_LATELY_SECONDS
                }
                if not marks:
                    self._marks.clear()
                    self._thread = None
                    return
            confirmed = _write_marks_and_delete(marks)
            with self._lock:
                for mark_key, mark in marks.items():
                    if confirmed and self._marks.get(mark_key) == mark:
                        del self._marks[mark_key]
            if confirmed:
                logger.info("The cache confirmed %d moderation mark(s).", len(marks))


_retries = MarkRetries()
