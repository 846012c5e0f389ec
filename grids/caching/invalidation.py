"""Taking away everything cached of a grid the moment whether it may be seen changes.

A cached response stands for "this grid may be seen". The moderation verbs (GridQuerySet.hide,
unhide, approve, delete in grids/models.py) call forget_cached_grids() after their transaction
commits. It marks each grid with the time of its moderation, then deletes its pieces and
responses. The mark is what makes hiding hold at the worst moments:

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
    MODERATED_LATELY_SECONDS,
    RENDERED_PARTS,
    moderated_at_key,
    rendered_key,
)

logger = logging.getLogger(__name__)

# A stamp is taken only if its grid was read this long after the moderation's mark. The mark
# and the stamp carry the clocks of two processes, which may be two hosts.
CLOCK_MARGIN_SECONDS = 1.0
RETRY_SECONDS = 0.5


def forget_cached_grids(public_ids: list[str]) -> bool:
    """Mark the grids as moderated now, then delete what is cached of them. Whether the cache
    confirmed the marks; if not, they are written again until it does."""
    marks = {public_id: time.time() for public_id in public_ids}
    confirmed = _write_marks_and_delete(marks)
    if not confirmed:
        _retries.keep_trying(marks)
    return confirmed


def unconfirmed(public_ids: list[str]) -> list[str]:
    """Those of the grids whose moderation the cache has not yet confirmed to this process."""
    return _retries.pending(public_ids)


def taken_back(read_at: float, moderated_at: float | None) -> bool:
    """Whether a response built from a read at `read_at` may show something moderated since."""
    return moderated_at is not None and read_at < moderated_at + CLOCK_MARGIN_SECONDS


def _write_marks_and_delete(marks: dict[str, float]) -> bool:
    # The marks first: a response stored after the deletes is taken back by them.
    failed = cache.set_many(
        {moderated_at_key(public_id): at for public_id, at in marks.items()},
        MODERATED_LATELY_SECONDS,
    )
    cache.delete_many(
        [rendered_key(public_id, part) for public_id in marks for part in RENDERED_PARTS]
    )
    return not failed


class MarkRetries:
    """Marks the cache did not confirm, written again by one thread until it does.

    A mark older than MODERATED_LATELY_SECONDS is given up: every response stored before it has
    expired by then (grids/caching/keys.py).
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._marks: dict[str, float] = {}
        self._thread: threading.Thread | None = None

    def keep_trying(self, marks: dict[str, float]) -> None:
        logger.warning(
            "The cache did not confirm the moderation of %d grid(s); trying again.", len(marks)
        )
        with self._lock:
            self._marks.update(marks)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="moderation-mark-retries", daemon=True
                )
                self._thread.start()

    def pending(self, public_ids: list[str]) -> list[str]:
        with self._lock:
            return [public_id for public_id in public_ids if public_id in self._marks]

    def _run(self) -> None:
        while True:
            time.sleep(RETRY_SECONDS)
            with self._lock:
                now = time.time()
                marks = {
                    public_id: at
                    for public_id, at in self._marks.items()
                    if now - at < MODERATED_LATELY_SECONDS
                }
                if not marks:
                    self._marks.clear()
                    self._thread = None
                    return
            confirmed = _write_marks_and_delete(marks)
            with self._lock:
                for public_id, at in marks.items():
                    if confirmed and self._marks.get(public_id) == at:
                        del self._marks[public_id]
            if confirmed:
                logger.info("The cache confirmed the moderation of %d grid(s).", len(marks))


_retries = MarkRetries()
