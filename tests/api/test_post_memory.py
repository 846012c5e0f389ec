"""A post at the body limit holds a few copies of its body at most (issue 6), a body built
to parse into far more than that is refused before it is parsed, and posts of big grids leave
a worker's memory where it was.

Measured with tracemalloc, which counts every Python allocation: the bytes read, the decoded
text, the parsed grid and what is encoded for the database. The parsed grid is most of it and
cannot be smaller: 250,000 blocks are 250,000 Python lists, about 3.3 times the JSON they came
from. On top of it, at the peak, is what the insert sends: psycopg quotes each value into the
statement text. Measured at 4.6 copies on SQLite and 5.8 on PostgreSQL; with orjson as the
parser (it builds a document of its own before the Python objects) it was 15.
"""

import json
import os
import re
import sys
import tracemalloc

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.test.client import ClientHandler

from grids.models import Grid
from tests.factories import checker_blocks, post_payload

pytestmark = pytest.mark.django_db

MOST_COPIES_OF_THE_BODY = 6


def body_at_the_limit() -> bytes:
    """The largest grid the site takes, with code cells filling the body up to the limit."""
    side = int(settings.IPB_MAX_BLOCKS**0.5)
    payload = post_payload(
        grid_data={"width": side, "height": side, "blocks": checker_blocks(side, side)}
    )
    room = settings.IPB_MAX_BODY_BYTES - len(json.dumps(payload)) - 10_000
    cell_chars = min(settings.IPB_MAX_CODE_CELL_CHARS - 10, room // settings.IPB_MAX_CODE_CELLS)
    payload["code_cells"] = ["x = 1; " * (cell_chars // 7)] * (room // cell_chars)
    body = json.dumps(payload).encode()
    assert settings.IPB_MAX_BODY_BYTES - 20_000 < len(body) <= settings.IPB_MAX_BODY_BYTES
    return body


def post_counting_memory(body: bytes):
    """POST body to /post through the site's whole stack; the response and the peak of what
    Python allocated meanwhile (tracemalloc)."""
    # Built before counting starts: the request as the WSGI server hands it over.
    environ = RequestFactory().generic("POST", "/post", data=body, content_type="").environ
    handler = ClientHandler(enforce_csrf_checks=False)
    handler.load_middleware()

    tracemalloc.start()
    try:
        response = handler(environ)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return response, peak


def test_a_post_at_the_body_limit_holds_only_a_few_copies_of_it():
    body = body_at_the_limit()
    response, peak = post_counting_memory(body)

    assert response.status_code == 200, response.content
    assert Grid.objects.get().block_count == settings.IPB_MAX_BLOCKS
    copies = peak / len(body)
    assert copies <= MOST_COPIES_OF_THE_BODY, f"peak {peak / 2**20:.1f} MiB: {copies:.1f} copies"


def small_object_arenas() -> int:
    """How many arenas (1 MiB each) CPython's small-object allocator holds now, as
    sys._debugmallocstats() prints it on the C-level stderr."""
    read_end, write_end = os.pipe()
    saved_stderr = os.dup(2)
    try:
        os.dup2(write_end, 2)
        sys._debugmallocstats()
    finally:
        os.dup2(saved_stderr, 2)
        os.close(saved_stderr)
        os.close(write_end)
    with os.fdopen(read_end, "rb") as stats:
        text = stats.read().decode()
    return int(re.search(r"# arenas allocated current\s*=\s*([\d,]+)", text)[1].replace(",", ""))


def test_starry_night_posts_leave_a_workers_memory_where_it_was(starry_night):
    """Each post of the starry night parses into 12,500 lists, all freed once it is stored. If
    they are still alive while the rest of the request makes its longer-lived small objects,
    those land among them and keep their arenas from going back: a worker's RSS grew by 21 MB
    over 100 such posts (bench/RESULTS.md). The view lets the parsed body go first."""
    body = json.dumps(post_payload(ipb_class="ImageGrid", grid_data=starry_night)).encode()
    handler = ClientHandler(enforce_csrf_checks=False)
    handler.load_middleware()

    def post():
        environ = RequestFactory().generic("POST", "/post", data=body, content_type="").environ
        response = handler(environ)
        assert response.status_code == 200, response.content

    for _ in range(3):  # what the first posts load stays with any worker
        post()
    before = small_object_arenas()
    for _ in range(20):
        post()

    # Measured: no more arenas with the parsed body let go early; 11 more without it on
    # SQLite, 12 on PostgreSQL.
    assert small_object_arenas() - before <= 3


@pytest.mark.parametrize(
    ("unit", "refusal"),
    [
        pytest.param(b"[],", "lists and objects", id="empty-lists"),
        pytest.param(b"{},", "lists and objects", id="empty-objects"),
        pytest.param(b'"ab",', "strings", id="short-strings"),
    ],
)
def test_a_body_of_what_parses_into_the_most_memory_is_refused_before_parsing(
    client, unit, refusal
):
    # 8 MiB of [] parsed into 181 MiB (22.6 copies), of short strings into 12.8 copies.
    limit = settings.IPB_MAX_BODY_BYTES
    body = b"[" + unit * ((limit - 10) // len(unit)) + b"0]"
    response, peak = post_counting_memory(body)

    assert response.status_code == 400
    assert refusal in json.loads(response.content)["detail"]
    assert peak / len(body) < 1.1  # the body as read, and nothing parsed from it
    assert not Grid.objects.exists()


def test_a_grid_with_every_block_its_own_row_is_not_refused_for_its_lists(client):
    # The most lists a grid can need: one block per row, a row per block.
    height = settings.IPB_MAX_BLOCKS
    payload = post_payload(
        grid_data={"width": 1, "height": height, "blocks": [[[0, 0, 0, 1]]] * height}
    )

    response = client.post("/post", data=json.dumps(payload), content_type="")

    assert response.status_code == 200, response.content[:300]
