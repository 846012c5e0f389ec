"""The real ipythonblocks client (1.9.1) against a live server, as a student's notebook uses it.

The client's three URL constants are pointed at the live server, as CONTRACT.md says a
school's own site is reached. Code cells go through the package's own get_ipython stand-in.
"""

import json
import time
from html.parser import HTMLParser
from types import SimpleNamespace

import ipythonblocks.ipythonblocks as ipb
import pytest
import requests
from django.core.management import call_command
from ipythonblocks import BlockGrid, ImageGrid

from grids.models import Grid
from tests.transfer.legacy_databases import legacy_row, write_sqlite


@pytest.fixture(autouse=True)
def client_points_at_live_server(live_server, monkeypatch):
    monkeypatch.setattr(ipb, "_POST_URL", f"{live_server.url}/post")
    monkeypatch.setattr(ipb, "_GET_URL_PUBLIC", f"{live_server.url}/get/{{0}}")
    monkeypatch.setattr(ipb, "_GET_URL_SECRET", f"{live_server.url}/get/secret/{{0}}")
    return live_server


def notebook_with_cells(monkeypatch, cells: list[str]):
    """What IPython's get_ipython() gives: In[0] is always the empty string."""
    shell = SimpleNamespace(user_ns={"In": ["", *cells]})
    monkeypatch.setattr(ipb, "get_ipython", lambda: shell, raising=False)


def colourful(grid, sizes=(20,)):
    """Give every block of `grid` its own colour and cycle through `sizes`."""
    for number, block in enumerate(grid):
        block.rgb = ((number * 53) % 256, (number * 97 + 31) % 256, (number * 11 + 200) % 256)
        block.size = sizes[number % len(sizes)]
    return grid


def simple_grid(grid):
    """The grid as the client itself sends it: rows of (r, g, b, size), top-left first."""
    return grid._to_simple_grid()


def grid_id(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


@pytest.mark.parametrize(
    ("width", "height", "lines_on"),
    [(5, 3, True), (5, 3, False), (1, 1, True), (1, 9, False), (9, 1, True), (13, 7, True)],
)
def test_block_grid_round_trips_every_block(width, height, lines_on, live_server):
    sent = colourful(BlockGrid(width, height, lines_on=lines_on), sizes=(20, 3, 1, 47))

    url = sent.post_to_web()
    received = BlockGrid.from_web(grid_id(url))

    assert url == f"{live_server.url}/{grid_id(url)}"
    assert (received.width, received.height, received.lines_on) == (width, height, lines_on)
    assert simple_grid(received) == simple_grid(sent)


def test_image_grid_round_trips_every_pixel():
    sent = colourful(ImageGrid(6, 4, block_size=5, lines_on=False))

    received = ImageGrid.from_web(grid_id(sent.post_to_web()))

    assert simple_grid(received) == simple_grid(sent)
    assert received[0, 0].rgb == sent[0, 0].rgb  # x=0, y=0: the lower-left pixel
    assert Grid.objects.get().ipb_class == "ImageGrid"


def test_starry_night_round_trips(starry_night):
    sent = ImageGrid(starry_night["width"], starry_night["height"], block_size=4)
    sent._load_simple_grid(starry_night["blocks"])

    received = ImageGrid.from_web(grid_id(sent.post_to_web()))

    assert simple_grid(received) == [
        [tuple(block) for block in row] for row in starry_night["blocks"]
    ]


def test_secret_grid_round_trips_only_by_its_secret_route(live_server):
    sent = colourful(BlockGrid(4, 4))

    url = sent.post_to_web(secret=True)
    received = BlockGrid.from_web(grid_id(url), secret=True)

    assert url.startswith(f"{live_server.url}/secret/")
    assert simple_grid(received) == simple_grid(sent)
    with pytest.raises(requests.HTTPError) as error:
        BlockGrid.from_web(grid_id(url))
    assert error.value.response.status_code == 404


def test_code_cells_chosen_in_the_notebook_are_stored_and_shown(monkeypatch):
    cells = [
        "from ipythonblocks import BlockGrid",
        "grid = BlockGrid(3, 3)",
        "x = 1",
        "for block in grid:\n    block.blue = 255",
        "grid.show()",
    ]
    notebook_with_cells(monkeypatch, cells)

    url = colourful(BlockGrid(3, 3)).post_to_web(code_cells="1,3:5")

    grid = Grid.objects.get()
    assert grid.code_cells == [cells[0], cells[2], cells[3]]
    page = requests.get(url, timeout=10)
    assert page.status_code == 200
    assert "The code behind it" in page.text
    assert page.text.count('class="code-cell"') == 3


class PageGrid(HTMLParser):
    def __init__(self):
        super().__init__()
        self.colours, self.in_grid = [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "blockgrid" in (attrs.get("class") or ""):
            self.in_grid = True
        elif tag == "td" and self.in_grid:
            self.colours.append(attrs.get("bgcolor"))

    def handle_endtag(self, tag):
        self.in_grid = self.in_grid and tag != "table"


def test_the_url_the_client_gets_opens_the_grid_page():
    sent = colourful(BlockGrid(4, 2))

    page = requests.get(sent.post_to_web(), timeout=10)

    assert page.status_code == 200
    parser = PageGrid()
    parser.feed(page.text)
    assert parser.colours == [
        "#{:02x}{:02x}{:02x}".format(*block[:3]) for row in simple_grid(sent) for block in row
    ]


def test_the_client_really_posts_without_a_content_type():
    """Pins the premise of ClientJSONParser: requests sends a str body with no Content-Type."""
    prepared = requests.Request("POST", ipb._POST_URL, data=json.dumps({"a": 1})).prepare()

    assert "Content-Type" not in prepared.headers


def test_a_rejected_post_raises_in_the_notebook_and_stores_nothing():
    sent = BlockGrid(2, 2)
    sent[0, 0].size = 0  # the client clamps sizes to 1, so force it past the setter
    sent._grid[0][0]._size = 0

    with pytest.raises(requests.HTTPError) as error:
        sent.post_to_web()

    assert error.value.response.status_code == 400
    assert error.value.response.json() == {
        "grid_data": {"blocks": ["Block [0][0] has a size below 1."]}
    }
    assert Grid.objects.count() == 0


def test_a_remix_pulled_with_from_web_links_both_pages(monkeypatch):
    # A friend pulls the grid into their notebook, changes it and posts it, code and all.
    original_url = colourful(BlockGrid(4, 3)).post_to_web()
    original_id = original_url.rsplit("/", 1)[-1]
    cells = [
        f"from ipythonblocks import BlockGrid\ngrid = BlockGrid.from_web('{original_id}')",
        "grid[0, 0] = (0, 0, 0)\ngrid",
    ]
    notebook_with_cells(monkeypatch, cells)
    remix = BlockGrid.from_web(original_id)
    remix[0, 0] = (0, 0, 0)

    remix_url = remix.post_to_web(code_cells="1,2")

    remix_id = remix_url.rsplit("/", 1)[-1]
    remix_page = requests.get(remix_url, timeout=10).text
    original_page = requests.get(original_url, timeout=10).text
    assert "Remixed from" in remix_page
    assert f'href="/{original_id}"' in remix_page
    assert "Remixes" in original_page
    assert f'href="/{remix_id}"' in original_page


def test_a_posted_grid_shows_on_the_busy_home_page_and_gallery_within_seconds(live_server):
    """The listings are cached whole and built again once a few seconds old (grids/caching/
    keys.py): a class watching the home page sees a new grid without anyone reloading it first
    from an empty cache. Generous: the promise is "within seconds"."""
    for path in ("/", "/gallery"):
        requests.get(f"{live_server.url}{path}", timeout=10)  # cached now
    url = colourful(BlockGrid(3, 3)).post_to_web()
    link = f'href="/{grid_id(url)}"'

    for path in ("/", "/gallery"):
        deadline = time.monotonic() + 10
        while link not in requests.get(f"{live_server.url}{path}", timeout=10).text:
            assert time.monotonic() < deadline, f"{path} did not show the new grid within 10 s"
            time.sleep(0.25)


def test_grids_moved_from_ipythonblocks_org_open_at_their_old_ids(tmp_path):
    """import_legacy keeps every old link: the real client pulls a public and a secret grid,
    whose old hashes are the same, each from its own route (issue 26)."""
    blocks = [[[10, 20, 30, 20], [40, 50, 60, 20]], [[70, 80, 90, 20], [1, 2, 3, 20]]]
    source = write_sqlite(
        tmp_path / "ipythonblocks.sqlite3",
        [legacy_row(4389, width=2, height=2, blocks=blocks)],
        [legacy_row(5352, width=3, height=2, secret=True)],
    )
    call_command("import_legacy", source, public_salt="public", secret_salt="secret")

    public = BlockGrid.from_web("cKx8jT")
    secret = BlockGrid.from_web("cKx8jT", secret=True)

    assert [[list(block) for block in row] for row in simple_grid(public)] == blocks
    assert (secret.width, secret.height) == (3, 2)
