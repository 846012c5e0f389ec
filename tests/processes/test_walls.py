"""Open walls on the production server: gunicorn as shipped (few threads), thirty projectors
polling one class's wall, while students post and a teacher hides a grid. A wall is a poll
every few seconds, not a connection held open, so the walls take no worker from the posts, and
every wall sees a post and a hide within seconds, the hide made in another process."""

import json
import threading
import time

import pytest
import requests

from grids.models import Grid
from tests.factories import make_class, post_payload
from tests.processes.gunicorn import start_gunicorn

OPEN_WALLS = 30
# What wall.js waits between polls is 3 s; these pollers ask faster, to load the server more.
POLL_SECONDS = 0.3
QUIET_SECONDS = 3
# The issue promises 5 s; a loaded CI machine gets a margin.
SEEN_WITHIN_SECONDS = 15
ANSWER_MARGIN_SECONDS = 10


class Wall(threading.Thread):
    """A projector showing the wall: polls with the ETag of what it shows, keeps the cards."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url = url
        self.cards = ""
        self.etag = ""
        self.polls = 0
        self.errors: list[str] = []
        self.stopping = threading.Event()

    def run(self):
        with requests.Session() as session:
            while not self.stopping.is_set():
                headers = {"If-None-Match": self.etag} if self.etag else {}
                try:
                    answer = session.get(self.url, headers=headers, timeout=ANSWER_MARGIN_SECONDS)
                except requests.RequestException as error:
                    self.errors.append(repr(error))
                else:
                    self.polls += 1
                    if answer.status_code == 200:
                        self.cards, self.etag = answer.text, answer.headers["ETag"]
                    elif answer.status_code != 304:
                        self.errors.append(f"{answer.status_code}")
                time.sleep(POLL_SECONDS)

    def shows(self, grid_id: str) -> bool:
        return f"Grid {grid_id}," in self.cards


def every_wall_within(walls, condition) -> bool:
    deadline = time.monotonic() + SEEN_WITHIN_SECONDS
    while time.monotonic() < deadline:
        if all(condition(wall) for wall in walls):
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def site(shared_database):
    site = start_gunicorn(("--threads", "2"))
    yield site
    site.stop()


def test_thirty_open_walls_hold_no_worker_and_see_a_post_and_a_hide_within_seconds(site):
    school_class = make_class(public=True)
    walls = [Wall(f"{site.url}/c/{school_class.code}/cards") for _ in range(OPEN_WALLS)]
    for wall in walls:
        wall.start()
    try:
        assert every_wall_within(walls, lambda wall: wall.etag)

        started = time.monotonic()
        posted = requests.post(
            f"{site.url}/c/{school_class.code}/post",
            data=json.dumps(post_payload()),
            timeout=ANSWER_MARGIN_SECONDS,
        )
        post_seconds = time.monotonic() - started
        grid_id = posted.json()["url"].rsplit("/", 1)[-1]
        assert every_wall_within(walls, lambda wall: wall.shows(grid_id))

        Grid.objects.filter(public_id=grid_id).hide(by=None, reason="test")
        assert every_wall_within(walls, lambda wall: not wall.shows(grid_id))
        time.sleep(QUIET_SECONDS)  # a stretch of the lesson with nothing new
    finally:
        for wall in walls:
            wall.stopping.set()
        for wall in walls:
            wall.join(timeout=ANSWER_MARGIN_SECONDS)

    assert post_seconds < ANSWER_MARGIN_SECONDS
    assert [error for wall in walls for error in wall.errors] == []
    # The walls kept asking all along, and nearly every answer was a 304 from the cache.
    assert sum(wall.polls for wall in walls) >= OPEN_WALLS * (3 + QUIET_SECONDS)
    answers = [json.loads(line) for line in site.output().splitlines() if '"status"' in line]
    polls = [answer for answer in answers if answer.get("route") == "classes:wall-cards"]
    not_modified = [answer for answer in polls if answer["status"] == 304]
    assert len(not_modified) > len(polls) / 2
