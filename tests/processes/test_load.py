"""Nothing lost under load: a few thousand grids posted by many clients at once against
gunicorn on PostgreSQL, each acknowledged URL fetched back exactly."""

import json
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from grids.models import Grid
from tests.processes.gunicorn import start_gunicorn, unique_grid_payload

POSTS = 2000
CLIENTS = 16


def test_thousands_of_concurrent_posts_are_all_stored_exactly_once(shared_database):
    site = start_gunicorn(extra_args=("--workers", "2"))

    def post(number: int) -> tuple[str, dict]:
        payload = unique_grid_payload(number)
        # A connection of its own, as the client posts (CONTRACT.md: requests.post, no
        # session). A kept-alive connection can race gunicorn closing it at its keep-alive
        # timeout: the post sent on it gets no answer, and the client a ConnectionError.
        response = requests.post(f"{site.url}/post", data=json.dumps(payload), timeout=30)
        response.raise_for_status()
        return response.json()["url"], payload

    try:
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            acknowledged = list(pool.map(post, range(POSTS), timeout=600))
        seconds = time.monotonic() - started
        print(f"{POSTS} posts from {CLIENTS} clients in {seconds:.1f} s")

        def fetch(item: tuple[str, dict]) -> bool:
            url, payload = item
            grid_id = url.rsplit("/", 1)[-1]
            fetched = requests.get(f"{site.url}/get/{grid_id}", timeout=30).json()
            return fetched["blocks"] == payload["grid_data"]["blocks"]

        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            matches = list(pool.map(fetch, acknowledged, timeout=600))
    finally:
        site.stop()

    urls = [url for url, _ in acknowledged]
    assert len(urls) == POSTS
    assert len(set(urls)) == POSTS  # every post got its own id
    assert all(matches)
    assert Grid.objects.count() == POSTS
