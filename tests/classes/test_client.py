"""The real ipythonblocks client (1.9.1) posting to a class's link on a live server, set up
with the snippet the class's page shows; and the errors it shows a student, who sees only
the status line of a refused post."""

import ipythonblocks.ipythonblocks as ipb
import pytest
import requests
from django.utils import timezone
from ipythonblocks import BlockGrid

from classes.views import class_snippet
from grids.models import Grid
from tests.factories import make_class


@pytest.fixture(autouse=True)
def site_url_is_the_live_servers(live_server, settings):
    settings.IPB_SITE_URL = live_server.url


def run_snippet(school_class) -> None:
    """What a student pastes into a notebook cell, run as the notebook would run it."""
    exec(class_snippet(school_class), {})  # noqa: S102 (our own snippet, the thing under test)


@pytest.fixture(autouse=True)
def restore_client_urls(monkeypatch):
    for name in ("_POST_URL", "_GET_URL_PUBLIC", "_GET_URL_SECRET"):
        monkeypatch.setattr(ipb, name, getattr(ipb, name))


def test_the_client_set_up_by_the_class_snippet_posts_into_the_class(transactional_db):
    school_class = make_class(public=True)
    run_snippet(school_class)
    grid = BlockGrid(4, 3, fill=(10, 200, 30))

    url = grid.post_to_web()
    again = BlockGrid.from_web(url.rsplit("/", 1)[-1])

    assert Grid.objects.get().school_class == school_class
    assert again == grid


def test_the_client_shows_why_an_unknown_class_refused_the_post(live_server, transactional_db):
    ipb._POST_URL = f"{live_server.url}/c/abcdefghjk/post"

    with pytest.raises(requests.HTTPError) as refused:
        BlockGrid(2, 2).post_to_web()

    assert "404 Client Error: No class has this code: check the link with your teacher" in str(
        refused.value
    )


def test_the_client_shows_that_a_closed_class_takes_no_more_grids(transactional_db):
    school_class = make_class(closes_at=timezone.now())
    run_snippet(school_class)

    with pytest.raises(requests.HTTPError) as refused:
        BlockGrid(2, 2).post_to_web()

    assert "410 Client Error: This class is closed: ask your teacher" in str(refused.value)
    assert not Grid.objects.exists()
