"""A post at the body limit holds a few copies of its body at most (issue 6), a body built
to parse into far more than that is refused before it is parsed, posts of big grids leave a
worker's memory where it was, and large posts take turns (a worker's resident size, with
gunicorn's threads: tests/processes/test_worker_memory.py).

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
import threading
import tracemalloc

import pytest
from django.conf import settings
from django.db import connection
from django.test import RequestFactory
from django.test.client import ClientHandler

from grids.api.parsers import FAST_PARSE_MAX_BYTES, one_large_post_at_a_time
from grids.models import Grid
from tests.factories import checker_blocks, post_payload
from tests.needs import needs_postgres

pytestmark = pytest.mark.django_db

MOST_COPIES_OF_THE_BODY = 6
# What the values and lists of the largest grid cost at most, each of the costliest kind.
MOST_COPIES_OF_A_BODY_WITHIN_THE_COUNTS = 8.5


# Ordinary code, with what a count of a body's values, lists and strings must not take for
# theirs: commas, brackets, quotes and escapes inside a code cell.
CODE_LINE = 'grid[row, col] = (255, 0, 0)  # "red", [r, g, b]\nprint("done,", end="\\n")\n'


def body_at_the_limit() -> bytes:
    """The largest grid the site takes, with code cells filling the body up to the limit."""
    side = int(settings.IPB_MAX_BLOCKS**0.5)
    payload = post_payload(
        grid_data={"width": side, "height": side, "blocks": checker_blocks(side, side)}
    )
    room = settings.IPB_MAX_BODY_BYTES - len(json.dumps(payload)) - 10_000
    cell_chars = min(settings.IPB_MAX_CODE_CELL_CHARS - 10, room // settings.IPB_MAX_CODE_CELLS)
    code = CODE_LINE * (cell_chars // (len(json.dumps(CODE_LINE)) - 2))
    cells = min(settings.IPB_MAX_CODE_CELLS, room // len(json.dumps(code)))
    payload["code_cells"] = [code] * cells
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
    # A process's first post imports the API's modules: megabytes, none of them the body's.
    handler(RequestFactory().generic("POST", "/post", data=b"[", content_type="").environ)

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
        pytest.param(b"1.5,", "values", id="floats"),
        pytest.param(b"[1.5,1.5,1.5,1.5],", "values", id="nested-floats"),
        pytest.param(b"999,", "values", id="ints"),
        pytest.param(b"0,", "values", id="zeros"),
    ],
)
def test_a_body_of_what_parses_into_the_most_memory_is_refused_before_parsing(
    client, unit, refusal
):
    # 8 MiB of [] parsed into 181 MiB (22.6 copies), of short strings into 12.8 copies. Numbers
    # cost less, but kept a worker far above its idle size (bench/RESULTS.md, issue 22).
    limit = settings.IPB_MAX_BODY_BYTES
    body = b"[" + unit * ((limit - 10) // len(unit)) + b"0]"
    response, peak = post_counting_memory(body)

    assert response.status_code == 400
    assert refusal in json.loads(response.content)["detail"]
    assert peak / len(body) < 1.1  # the body as read, and nothing parsed from it
    assert not Grid.objects.exists()


def body_of_as_many_as_a_grid_may_hold(unit: bytes, count: int) -> bytes:
    """A JSON list of `count` units, the rest of the body limit filled with one string."""
    units = unit * count
    return b"[" + units + b'"' + b"x" * (settings.IPB_MAX_BODY_BYTES - len(units) - 4) + b'"]'


@pytest.mark.parametrize(
    ("unit", "per_block"),
    [
        pytest.param(b"1.5,", 4, id="floats"),
        pytest.param(b"[1.5,1.5,1.5,1.5],", 1, id="float-blocks"),
        pytest.param(b"[999,999,999,999],", 1, id="int-blocks"),
        pytest.param(b"[],1.5,", 2, id="lists-and-floats"),
    ],
)
def test_a_body_within_what_a_grid_may_hold_parses_into_a_bounded_size(client, unit, per_block):
    """As many values and lists as the largest grid holds, but each costing the most a value
    can: this is what the count lets through to the parser, and what it bounds."""
    body = body_of_as_many_as_a_grid_may_hold(unit, per_block * settings.IPB_MAX_BLOCKS)
    response, peak = post_counting_memory(body)

    assert response.status_code == 400  # parsed, and refused by the serializer: not a grid
    copies = peak / len(body)
    assert copies <= MOST_COPIES_OF_A_BODY_WITHIN_THE_COUNTS, f"{copies:.1f} copies"


def test_values_after_a_string_ending_in_a_backslash_are_counted(client):
    # The string is one escaped backslash; its closing quote is not escaped.
    limit = settings.IPB_MAX_BODY_BYTES
    body = b'["\\\\",' + b"1.5," * ((limit - 10) // 4) + b"0]"

    response = client.post("/post", data=body, content_type="")

    assert response.status_code == 400
    assert "values" in response.json()["detail"]


def test_a_grid_with_every_block_its_own_row_is_not_refused_for_its_lists_or_values(client):
    # The most lists and values a grid can need: one block per row, a row per block.
    height = settings.IPB_MAX_BLOCKS
    payload = post_payload(
        grid_data={"width": 1, "height": height, "blocks": [[[0, 0, 0, 1]]] * height}
    )

    response = client.post("/post", data=json.dumps(payload), content_type="")

    assert response.status_code == 200, response.content[:300]


def post_of(length: str | None):
    request = RequestFactory().generic("POST", "/post", data=b"", content_type="")
    request.META["CONTENT_LENGTH"] = length
    return request


@pytest.mark.parametrize(
    "length",
    [str(FAST_PARSE_MAX_BYTES), "0", None, "", "many"],
    ids=["small", "empty", "missing", "blank", "invalid"],
)
def test_a_large_post_waits_for_the_one_running_and_no_other_post_does(length):
    # Any body Django reads no more than FAST_PARSE_MAX_BYTES of is not large: Django reads a
    # body by its Content-Length, and one it cannot read as a number reads as no body.
    threads = []

    def post_in_a_thread(request) -> threading.Event:
        entered = threading.Event()

        def run():
            with one_large_post_at_a_time(request):
                entered.set()

        threads.append(threading.Thread(target=run))
        threads[-1].start()
        return entered

    with one_large_post_at_a_time(post_of(str(FAST_PARSE_MAX_BYTES + 1))):
        large = post_in_a_thread(post_of(str(settings.IPB_MAX_BODY_BYTES)))
        other = post_in_a_thread(post_of(length))
        assert other.wait(timeout=5)
        assert not large.wait(timeout=0.2)
    assert large.wait(timeout=5)
    for thread in threads:
        thread.join(timeout=5)


@pytest.mark.django_db(transaction=True)
def test_a_stored_large_post_closes_its_connection_and_a_small_one_keeps_it(client):
    # Outside a transaction, as in production, where the connection outlives requests. An
    # in-memory SQLite database cannot be closed: Django keeps it open.
    needs_postgres("a connection that closes")
    large_body = json.dumps(post_payload()).encode().ljust(FAST_PARSE_MAX_BYTES + 1)

    small = client.post("/post", data=json.dumps(post_payload()), content_type="")
    assert small.status_code == 200
    assert connection.connection is not None
    large = client.post("/post", data=large_body, content_type="")
    assert large.status_code == 200
    assert connection.connection is None
