"""A grid's embed inside another site's page (issue 24): the iframe snippet copied from the grid
page shows the grid there, while the same frame pointed at the grid page itself is refused."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.checks import serious_violations
from tests.factories import make_grid

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


class ClassBlog(ThreadingHTTPServer):
    """Another site, on its own port of this machine (another origin; a public host name would
    be refused by Chromium's local network access checks before any frame policy is read)."""

    post_body = ""

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class BlogPostHandler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        body = self.server.post_body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def class_blog():
    server = ClassBlog(("127.0.0.1", 0), BlogPostHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def blog_post(page, blog: ClassBlog, iframe_html: str) -> None:
    """Open a page of the other site whose body is the pasted snippet."""
    blog.post_body = (
        f"<!DOCTYPE html><html lang='en'><title>Our blog</title><h1>Look</h1>{iframe_html}"
    )
    page.goto(f"{blog.origin}/post")


def test_copied_snippet_shows_the_grid_in_another_sites_page(
    transactional_db, live_server, browser_context, settings, class_blog
):
    settings.IPB_SITE_URL = live_server.url
    # 40 x 10 blocks of 20 px with lines: 841 x 211 px, so the snippet is capped to 600 wide.
    grid = make_grid(
        width=40,
        height=10,
        blocks=[[[255, 0, 0, 20] for _ in range(40)] for _ in range(10)],
    )
    grid_page = browser_context.new_page()
    grid_page.goto(f"{live_server.url}/{grid.public_id}")
    expect(grid_page.get_by_role("button", name="Copy embed code")).to_be_visible()
    snippet = grid_page.locator("#embed-snippet").text_content()
    assert snippet == (
        f'<iframe src="{live_server.url}/embed/{grid.public_id}" width="600" height="150" '
        f'title="BlockGrid {grid.public_id} on ipythonblocks" loading="lazy"></iframe>'
    )

    blog = browser_context.new_page()
    blog_post(blog, class_blog, snippet)

    frame = blog.frame_locator("iframe")
    cell = frame.locator("table.blockgrid td").first
    expect(cell).to_be_visible()
    assert cell.evaluate("td => getComputedStyle(td).backgroundColor") == "rgb(255, 0, 0)"
    # Scaled down to the frame, both ways: the whole grid is seen, nothing scrolls.
    table = frame.locator("table.blockgrid")
    width, height = table.evaluate(
        "table => { const box = table.getBoundingClientRect(); return [box.width, box.height]; }"
    )
    room_width, room_height = table.evaluate("() => [innerWidth, innerHeight]")
    assert (room_width, room_height) == (600, 150)
    assert width <= room_width + 0.5
    assert height <= room_height + 0.5
    assert max(width / room_width, height / room_height) > 0.98
    ARTIFACTS.mkdir(exist_ok=True)
    blog.screenshot(path=str(ARTIFACTS / "embed-in-another-site.png"), full_page=True)


def test_grid_page_itself_is_refused_in_another_sites_frame(
    transactional_db, live_server, browser_context, settings, class_blog
):
    settings.IPB_SITE_URL = live_server.url
    grid = make_grid(blocks=[[[255, 0, 0, 20] for _ in range(3)] for _ in range(2)])
    blog = browser_context.new_page()
    refusals = []
    blog.on("console", lambda message: refusals.append(message.text))

    blog_post(
        blog,
        class_blog,
        f'<iframe src="{live_server.url}/{grid.public_id}" width="600" height="400" '
        'title="grid page"></iframe>',
    )
    blog.wait_for_timeout(500)

    child = blog.frames[1]
    assert child.url.startswith("chrome-error://")
    assert any("frame-ancestors" in text or "X-Frame-Options" in text for text in refusals)
    assert blog.frame_locator("iframe").locator("table.blockgrid").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    blog.screenshot(path=str(ARTIFACTS / "grid-page-refused-in-another-site.png"))


@pytest.mark.parametrize("secret", [False, True])
def test_embed_page_has_no_serious_accessibility_violations(
    transactional_db, live_server, browser_context, secret
):
    grid = make_grid(secret=secret)
    page = browser_context.new_page()

    page.goto(f"{live_server.url}/embed/{'secret/' if secret else ''}{grid.public_id}")

    expect(page.get_by_role("img", name="BlockGrid, 3 by 2 blocks")).to_be_visible()
    assert serious_violations(page) == []
    assert page.locator("a, button, input, form").count() == 0
