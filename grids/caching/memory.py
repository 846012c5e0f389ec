"""NewestKept: what a process keeps in memory of what it sent lately, within a budget."""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def _one(value) -> int:
    return 1


class NewestKept(Generic[K, V]):
    """The most recently used entries, up to a budget, shared by the threads of a process.

    Each entry weighs weigh(value), 1 unless told otherwise, so by default the budget is a
    count. Past the budget the least recently used entries go first, and an entry heavier than
    the whole budget is not kept at all. A value must not change while it is kept: its weight
    is taken again when it leaves. Every read and write holds the lock, since gunicorn's
    threaded workers serve several requests at once.
    """

    def __init__(self, budget: int | Callable[[], int], weigh: Callable[[V], int] = _one):
        self._budget = budget
        self.weigh = weigh
        self.entries: OrderedDict[K, V] = OrderedDict()
        self.weight = 0
        self.lock = threading.Lock()

    def budget(self) -> int:
        """The budget now: a callable budget is read each time an entry is kept."""
        return self._budget() if callable(self._budget) else self._budget

    def get(self, key: K) -> V | None:
        with self.lock:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        weight = self.weigh(value)
        budget = self.budget()
        with self.lock:
            self._drop(key)
            if weight > budget:
                return
            self.entries[key] = value
            self.weight += weight
            while self.weight > budget:
                _, oldest = self.entries.popitem(last=False)
                self.weight -= self.weigh(oldest)

    def forget(self, key: K) -> None:
        with self.lock:
            self._drop(key)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.weight = 0

    def _drop(self, key: K) -> None:
        value = self.entries.pop(key, None)
        if value is not None:
            self.weight -= self.weigh(value)
