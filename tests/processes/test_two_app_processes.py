"""Two gunicorn processes, one PostgreSQL, one memcached: the app tier keeps no state of its
own, so any process answers any request, and a moderator's decision holds in all of them."""

import json

import pytest
import requests

from grids.models import Grid
from tests.factories import checker_blocks, post_payload


def post(site, payload) -> str:
    response = requests.post(f"{site.url}/post", data=json.dumps(payload), timeout=10)
    response.raise_for_status()
    return response.json()["url"]


def test_a_grid_posted_to_one_process_is_served_by_the_other(two_app_processes):
    first, second = two_app_processes
    blocks = checker_blocks(5, 4, size=9)

    url = post(first, post_payload(grid_data={"width": 5, "height": 4, "blocks": blocks}))
    grid_id = url.rsplit("/", 1)[-1]

    fetched = requests.get(f"{second.url}/get/{grid_id}", timeout=10)
    assert fetched.json()["blocks"] == blocks
    assert requests.get(f"{second.url}/{grid_id}", timeout=10).status_code == 200


@pytest.mark.parametrize("verb", ["hide", "delete"])
def test_hiding_is_seen_at_once_by_every_process(two_app_processes, verb):
    first, second = two_app_processes
    grid_id = post(first, post_payload()).rsplit("/", 1)[-1]
    # Both render and cache the page and the JSON, then send them again in front of Django
    # (grids/caching/replay.py).
    for site in (first, second):
        for _ in range(2):
            assert requests.get(f"{site.url}/{grid_id}", timeout=10).status_code == 200
            assert requests.get(f"{site.url}/get/{grid_id}", timeout=10).status_code == 200

    grids = Grid.objects.filter(public_id=grid_id)
    grids.hide(by=None, reason="test") if verb == "hide" else grids.delete()

    for site in (first, second):
        assert requests.get(f"{site.url}/{grid_id}", timeout=10).status_code in (404, 410)
        assert requests.get(f"{site.url}/get/{grid_id}", timeout=10).status_code == 404
        assert grid_id not in requests.get(f"{site.url}/", timeout=10).text
