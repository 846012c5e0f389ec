"""A body under the size limit, alone or two at once, raises a gunicorn worker's memory by a
bounded amount above its idle size, and the worker gives the memory back (issue 22).

Parsing makes a Python object of every JSON value, and the smallest values cost far more than
their text, so a body of nothing but numbers, lists or short strings is the worst a client
can send. Measured on the worker's resident memory, as an operator sees it, with the threads
production runs (gunicorn.conf.py): what the allocator keeps, or two bodies parsed at once,
show there and nowhere in tracemalloc (tests/api/test_post_memory.py).
"""

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from django.conf import settings

from tests.api.test_post_memory import body_at_the_limit
from tests.factories import post_payload
from tests.processes.gunicorn import start_gunicorn

MB = 1_000_000
MOST_ABOVE_IDLE = 80 * MB  # while requests run
MOST_ABOVE_IDLE_AFTER = 30 * MB  # once they have been answered
# Rounds of two largest grids at once in one worker: before the last fixes, what was left grew
# by 1-3 MB a round, past the bound after about eight (bench/RESULTS.md, issue 22).
ROUNDS_IN_A_ROW = 12


def body_of(unit: bytes, count: int | None = None) -> bytes:
    """A JSON list of `count` units, filled up to the body limit with one long string; as many
    units as fit if no count is given."""
    limit = settings.IPB_MAX_BODY_BYTES
    if count is None:
        return b"[" + unit * ((limit - 10) // len(unit)) + b"0]"
    units = unit * count
    return b"[" + units + b'"' + b"x" * (limit - len(units) - 4) + b'"]'


# What parses into the most memory for its size, values that cost more than their text, and
# the word the refusal uses. Bodies holding as many values and lists as the largest grid does
# (the rest of the limit in a string) are parsed, and refused as no grid.
HOSTILE_BODIES = [
    pytest.param(lambda: body_of(b"1.5,"), "values", id="flat-floats"),
    pytest.param(lambda: body_of(b"[1.5,1.5,1.5,1.5],"), "values", id="nested-floats"),
    pytest.param(lambda: body_of(b"999,"), "values", id="flat-ints"),
    pytest.param(lambda: body_of(b"0,"), "values", id="zeros"),
    pytest.param(lambda: body_of(b"[],"), "lists", id="empty-lists"),
    pytest.param(lambda: body_of(b'"ab",'), "strings", id="short-strings"),
    pytest.param(
        lambda: body_of(b"1.5,", 4 * settings.IPB_MAX_BLOCKS),
        "dictionary",
        id="floats-a-grid-may-hold",
    ),
    pytest.param(
        lambda: body_of(b"[1.5,1.5,1.5,1.5],", settings.IPB_MAX_BLOCKS),
        "dictionary",
        id="float-blocks-a-grid-may-hold",
    ),
    pytest.param(
        lambda: body_of(b"[],1.5,", 2 * settings.IPB_MAX_BLOCKS),
        "dictionary",
        id="lists-and-floats-a-grid-may-hold",
    ),
]


def worker_pid(master_pid: int) -> int:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    assert len(children) == 1, f"expected one worker, found {children}"
    return int(children[0])


def resident_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmRSS for process {pid}")


class PeakResidentMemory:
    """The highest resident size a process reaches while the block runs, read every 2 ms."""

    def __init__(self, pid: int):
        self.pid = pid
        self.peak = 0
        self._done = threading.Event()

    def _poll(self) -> None:
        while not self._done.is_set():
            self.peak = max(self.peak, resident_bytes(self.pid))
            time.sleep(0.002)

    def __enter__(self):
        self._thread = threading.Thread(target=self._poll)
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._done.set()
        self._thread.join()


def post(url: str, body: bytes) -> requests.Response:
    # A connection of its own and no Content-Type, as the client posts (CONTRACT.md).
    return requests.post(f"{url}/post", data=body, timeout=60)


def settled_resident_bytes(pid: int) -> int:
    """The worker's resident size once it has had time to finish the requests it answered
    (closing, logging) and give back what they freed."""
    time.sleep(0.5)
    return resident_bytes(pid)


@pytest.fixture
def site(shared_database):
    # One worker with production's two threads (gunicorn.conf.py): two requests at once share
    # a process, as they do for a school behind the default setup.
    site = start_gunicorn(extra_args=("--threads", "2"))
    yield site
    site.stop()


def idle_worker(site) -> int:
    """The worker's pid, after requests that load what any first post or refusal loads."""
    pid = worker_pid(site.process.pid)
    for body in (json.dumps(post_payload()).encode(), b"[1.5]", b"[1.5", b'{"secret": 1}'):
        post(site.url, body)
    return pid


def post_measuring_memory(site, pid: int, idle: int, body: bytes, senders: int):
    """Post `body` from `senders` clients at once; the responses, and the worker's peak and
    settled resident size above `idle`."""
    with PeakResidentMemory(pid) as memory, ThreadPoolExecutor(senders) as pool:
        responses = list(pool.map(post, [site.url] * senders, [body] * senders))
    after = settled_resident_bytes(pid)
    print(
        f"{senders} at once: idle {idle / MB:.0f} MB, peak +{(memory.peak - idle) / MB:.0f} MB,"
        f" after +{(after - idle) / MB:.0f} MB"
    )
    return responses, memory.peak - idle, after - idle


@pytest.mark.parametrize(("make_body", "refusal"), HOSTILE_BODIES)
def test_a_body_of_the_costliest_values_leaves_a_workers_memory_bounded(site, make_body, refusal):
    body = make_body()
    assert len(body) <= settings.IPB_MAX_BODY_BYTES
    pid = idle_worker(site)
    idle = resident_bytes(pid)

    figures = {}
    for senders in (1, 2):
        responses, peak, after = post_measuring_memory(site, pid, idle, body, senders)
        figures[senders] = (peak, after)
        for response in responses:
            assert response.status_code == 400, response.content[:300]
            assert refusal in response.text

    in_mb = {
        senders: [f"+{size / MB:.0f} MB" for size in sizes] for senders, sizes in figures.items()
    }
    assert all(peak <= MOST_ABOVE_IDLE for peak, _ in figures.values()), f"peak, after: {in_mb}"
    assert all(after <= MOST_ABOVE_IDLE_AFTER for _, after in figures.values()), in_mb


@pytest.mark.parametrize("senders", [1, 2])
def test_the_largest_grid_leaves_a_workers_memory_bounded(site, senders):
    body = body_at_the_limit()
    pid = idle_worker(site)
    idle = resident_bytes(pid)

    responses, peak, after = post_measuring_memory(site, pid, idle, body, senders)

    for response in responses:
        assert response.status_code == 200, response.content[:300]
        assert response.json()["url"].startswith(site.url)
    assert peak <= MOST_ABOVE_IDLE, f"peak +{peak / MB:.0f} MB"
    assert after <= MOST_ABOVE_IDLE_AFTER, f"after +{after / MB:.0f} MB"


def test_largest_grids_posted_round_after_round_leave_a_workers_memory_bounded(site):
    """A class posting its biggest pictures all lesson: what the worker keeps must not creep up
    post after post (it did, in Python's small-object arenas and the threads' own heaps)."""
    body = body_at_the_limit()
    pid = idle_worker(site)
    idle = resident_bytes(pid)

    for _ in range(ROUNDS_IN_A_ROW):
        responses, peak, after = post_measuring_memory(site, pid, idle, body, senders=2)
        assert all(response.status_code == 200 for response in responses)
        assert peak <= MOST_ABOVE_IDLE, f"peak +{peak / MB:.0f} MB"

    assert after <= MOST_ABOVE_IDLE_AFTER, f"after +{after / MB:.0f} MB"
