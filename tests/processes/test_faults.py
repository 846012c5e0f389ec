"""Fault drills: real services stopped while requests flow, against gunicorn as production
runs it. The site keeps answering (from the database when memcached is gone, with clean 503s
while PostgreSQL is), never hangs, recovers by itself, and loses nothing it acknowledged."""

import json
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from grids.models import Grid
from tests.processes.gunicorn import site_environment, start_gunicorn, unique_grid_payload

REQUEST_TIMEOUT = 10  # a request taking longer than this counts as a hang


class Traffic:
    """Posts and fetches in a background thread until stopped; records every answer."""

    def __init__(self, site, first_number: int = 0):
        self.site, self.number = site, first_number
        self.answers: list[tuple[str, int, float]] = []  # (what, status, seconds)
        self.acknowledged: dict[str, dict] = {}  # grid id -> the payload it was told it stored
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=60)

    def _run(self):
        session = requests.Session()
        deadline = time.monotonic() + 120  # bounded whatever happens
        while not self._stop.is_set() and time.monotonic() < deadline:
            self.number += 1
            payload = unique_grid_payload(self.number)
            status, body = self._timed(
                "post", session.post, f"{self.site.url}/post", data=json.dumps(payload)
            )
            if status == 200:
                self.acknowledged[body["url"].rsplit("/", 1)[-1]] = payload
            if self.acknowledged:
                grid_id = next(reversed(self.acknowledged))
                self._timed("get", session.get, f"{self.site.url}/get/{grid_id}")
                self._timed("page", session.get, f"{self.site.url}/{grid_id}")
            time.sleep(0.02)

    def _timed(self, what, call, url, **kwargs):
        started = time.monotonic()
        try:
            response = call(url, timeout=REQUEST_TIMEOUT, **kwargs)
            status = response.status_code
            body = response.json() if "json" in response.headers.get("Content-Type", "") else None
        except requests.RequestException:
            status, body = -1, None  # no answer at all: a hang or a dropped connection
        self.answers.append((what, status, time.monotonic() - started))
        return status, body

    def statuses(self, what=None) -> set[int]:
        return {status for kind, status, _ in self.answers if what in (None, kind)}

    def slowest(self) -> float:
        return max(seconds for _, _, seconds in self.answers)


def assert_nothing_acknowledged_was_lost(site, acknowledged: dict[str, dict]):
    assert acknowledged, "the drill acknowledged no post at all"
    session = requests.Session()
    for grid_id, payload in acknowledged.items():
        fetched = session.get(f"{site.url}/get/{grid_id}", timeout=REQUEST_TIMEOUT)
        assert fetched.status_code == 200, grid_id
        assert fetched.json()["blocks"] == payload["grid_data"]["blocks"], grid_id


def wait_until(condition, seconds: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if condition():
            return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"not recovered within {seconds} s")


def test_site_serves_through_a_memcached_outage_and_uses_it_again(
    shared_database, private_memcached
):
    site = start_gunicorn(
        env={**site_environment(), "MEMCACHED_SERVERS": private_memcached.address}
    )
    try:
        with Traffic(site) as traffic:
            time.sleep(1)
            private_memcached.stop()
            time.sleep(3)
            down = requests.get(f"{site.url}/readyz", timeout=REQUEST_TIMEOUT)
            private_memcached.start()
            recovered_after = wait_until(
                lambda: (
                    requests.get(f"{site.url}/readyz", timeout=REQUEST_TIMEOUT).json()["cache"]
                    == "ok"
                ),
                seconds=20,
            )
            time.sleep(1)
    finally:
        site.stop()

    assert (down.status_code, down.json()["cache"]) == (200, "down")
    assert traffic.statuses() == {200}
    assert traffic.slowest() < 2
    assert recovered_after < 15
    assert_nothing_acknowledged_was_lost_in_the_database(traffic.acknowledged)


def assert_nothing_acknowledged_was_lost_in_the_database(acknowledged: dict[str, dict]):
    stored = dict(
        Grid.objects.filter(public_id__in=acknowledged).values_list("public_id", "blocks")
    )
    assert stored == {grid_id: p["grid_data"]["blocks"] for grid_id, p in acknowledged.items()}


def test_requests_fail_cleanly_while_postgres_restarts_and_recover(private_postgres):
    env = {**site_environment(), "DATABASE_URL": private_postgres.url, "MEMCACHED_SERVERS": ""}
    site = start_gunicorn(env=env)
    try:
        with Traffic(site) as traffic:
            time.sleep(1)
            private_postgres.stop()
            time.sleep(3)
            down_statuses = traffic.statuses()
            private_postgres.start()
            restarted = time.monotonic()
            posted_again = len(traffic.acknowledged)
            wait_until(lambda: len(traffic.acknowledged) > posted_again, seconds=30)
            recovered_after = time.monotonic() - restarted
            time.sleep(1)
        assert_nothing_acknowledged_was_lost(site, traffic.acknowledged)
    finally:
        site.stop()

    assert 503 in down_statuses  # the outage was seen, and answered cleanly
    assert traffic.statuses() <= {200, 503}  # never a 500, never a hang
    assert traffic.slowest() < 5
    assert recovered_after < 10


def test_a_worker_killed_mid_request_loses_nothing_acknowledged(shared_database):
    site = start_gunicorn(extra_args=("--workers", "2"))
    acknowledged: dict[str, dict] = {}

    def post(number: int):
        payload = unique_grid_payload(number)
        try:
            response = requests.post(
                f"{site.url}/post", data=json.dumps(payload), timeout=REQUEST_TIMEOUT
            )
        except requests.RequestException:
            return  # never acknowledged: the student sees an error and posts again
        if response.status_code == 200:
            acknowledged[response.json()["url"].rsplit("/", 1)[-1]] = payload

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            futures = [pool.submit(post, number) for number in range(300)]
            for kill in range(3):
                time.sleep(0.4)
                workers = worker_pids(site.process.pid)
                if workers:
                    os.kill(workers[kill % len(workers)], signal.SIGKILL)
            for future in futures:
                future.result(timeout=120)
        assert_nothing_acknowledged_was_lost(site, acknowledged)
    finally:
        site.stop()

    assert len(acknowledged) > 150  # most posts got through the kills
    assert_nothing_acknowledged_was_lost_in_the_database(acknowledged)


def worker_pids(master_pid: int) -> list[int]:
    children = f"/proc/{master_pid}/task/{master_pid}/children"
    with open(children) as listing:
        return [int(pid) for pid in listing.read().split()]
