import re
from html import unescape
from html.parser import HTMLParser

import pytest

from tests.factories import checker_blocks

pytestmark = pytest.mark.django_db


class BlockColours(HTMLParser):
    """Reads a page as a browser would and collects the colour of each grid cell, in order."""

    def __init__(self):
        super().__init__()
        self.in_grid = False
        self.colours = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "blockgrid" in attrs.get("class", ""):
            self.in_grid = True
        elif tag == "td" and self.in_grid:
            self.colours.append(attrs.get("bgcolor"))

    def handle_endtag(self, tag):
        if tag == "table":
            self.in_grid = False


def cells(html: str) -> list[str]:
    parser = BlockColours()
    parser.feed(html)
    return parser.colours


def test_grid_page_draws_every_block_in_its_colour(client, make_grid):
    grid = make_grid(width=4, height=3, blocks=checker_blocks(4, 3))

    response = client.get(f"/{grid.public_id}")

    assert response.status_code == 200
    expected = [f"#{r:02x}{g:02x}{b:02x}" for row in grid.blocks for r, g, b, _ in row]
    assert cells(response.content.decode()) == expected


def test_grid_page_shows_how_to_remix_it(client, make_grid):
    grid = make_grid(ipb_class="ImageGrid")

    html = unescape(client.get(f"/{grid.public_id}").content.decode())

    assert f"ImageGrid.from_web('{grid.public_id}')" in html


def test_the_remix_snippet_points_the_client_at_this_site_first(client, make_grid, settings):
    settings.IPB_SITE_URL = "http://blocks.school.example"
    grid = make_grid()

    html = unescape(client.get(f"/{grid.public_id}").content.decode())

    assert (
        "import ipythonblocks.ipythonblocks as ipb\n"
        "ipb._POST_URL = 'http://blocks.school.example/post'\n"
        "ipb._GET_URL_PUBLIC = 'http://blocks.school.example/get/{0}'\n"
        "ipb._GET_URL_SECRET = 'http://blocks.school.example/get/secret/{0}'\n"
        "from ipythonblocks import BlockGrid\n"
        f"grid = BlockGrid.from_web('{grid.public_id}')\n"
        "grid</code>"
    ) in html


def test_on_ipythonblocks_org_the_remix_snippet_needs_no_setup(client, make_grid, settings):
    settings.IPB_SITE_URL = "https://www.ipythonblocks.org"
    settings.ALLOWED_HOSTS = ["testserver"]
    grid = make_grid()

    html = unescape(client.get(f"/{grid.public_id}").content.decode())

    assert '<code id="remix-snippet">from ipythonblocks import BlockGrid\n' in html
    assert "_POST_URL" not in html


@pytest.mark.parametrize("secret", [False, True])
def test_the_copy_link_button_copies_the_pages_address_on_this_site(
    client, make_grid, settings, secret
):
    settings.IPB_SITE_URL = "https://blocks.school.example"
    grid = make_grid(secret=secret)

    html = client.get(grid.get_absolute_url()).content.decode()

    url = f"https://blocks.school.example{grid.get_absolute_url()}"
    assert f'data-copy-text="{url}"' in html
    assert ("only people with its link can open it" in html) is secret


def test_secret_grid_page_shows_remix_with_secret_true(client, make_grid):
    grid = make_grid(secret=True)

    response = client.get(f"/secret/{grid.public_id}")

    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert f"BlockGrid.from_web('{grid.public_id}', secret=True)" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html


def test_grid_page_shows_the_post_date(client, make_grid):
    grid = make_grid()

    html = client.get(f"/{grid.public_id}").content.decode()

    assert f'<time datetime="{grid.created_at.isoformat()}">' in html


def test_code_cells_are_highlighted_and_escaped(client, make_grid):
    hostile = "</pre><script>alert(1)</script>"
    grid = make_grid(code_cells=["for block in grid:\n    block.red = 255", hostile])

    html = client.get(f"/{grid.public_id}").content.decode()

    section = html[html.index('<section class="code-cells">') :]
    assert '<div class="highlight">' in section
    assert "<script>" not in html
    text_only = re.sub(r"<[^>]+>", "", section)
    assert "&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in text_only
    assert "Cell 2" in section


def test_grid_without_code_cells_has_no_code_section(client, make_grid):
    grid = make_grid(code_cells=None)

    html = client.get(f"/{grid.public_id}").content.decode()

    assert "The code behind it" not in html


def test_secret_grid_is_404_at_its_public_url(client, make_grid):
    grid = make_grid(secret=True)

    response = client.get(f"/{grid.public_id}")

    assert response.status_code == 404
    assert "Nothing here" in response.content.decode()


def test_public_grid_is_404_at_a_secret_url(client, make_grid):
    grid = make_grid()

    assert client.get(f"/secret/{grid.public_id}").status_code == 404


def test_unknown_page_is_the_sites_404(client, db):
    response = client.get("/no/such/page")

    assert response.status_code == 404
    assert "Nothing here" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


def test_missing_grid_whose_id_begins_with_post_is_the_sites_404_page(client, db):
    # /post is the API's; /postAb3 is a grid's page, as any id a hashid may spell.
    response = client.get("/postAb3")

    assert response.status_code == 404
    assert "Nothing here" in response.content.decode()


def test_grid_page_is_compressed_when_the_browser_accepts_it(client, make_grid):
    grid = make_grid(width=40, height=40, blocks=checker_blocks(40, 40))

    response = client.get(f"/{grid.public_id}", HTTP_ACCEPT_ENCODING="gzip")

    assert response["Content-Encoding"] == "gzip"


def test_page_loads_nothing_from_another_host(client, make_grid):
    grid = make_grid(code_cells=["x = 1"])

    html = client.get(f"/{grid.public_id}").content.decode()

    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    # The oEmbed discovery link is this site's own absolute URL, read by blogs, not the browser.
    oembed = "http://testserver/oembed?"
    assets = [s for s in sources if not s.startswith(("/", "#", "data:", oembed))]
    # Only links a person clicks may leave the site (the ipythonblocks project's page).
    assert assets == ["https://github.com/jiffyclub/ipythonblocks"] * 1
    assert all(not s.startswith("//") for s in sources)


def test_grid_page_is_served_from_the_cache_without_a_query(
    client, make_grid, django_assert_num_queries
):
    grid = make_grid(code_cells=["x = 1"])
    # The grid, and the grids it remixed or that remixed it; not moderated lately, so no
    # second look.
    with django_assert_num_queries(2):
        first = client.get(f"/{grid.public_id}")

    with django_assert_num_queries(0):
        again = client.get(f"/{grid.public_id}")

    assert again.content == first.content
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert "'sha256-" in again["Content-Security-Policy"]


def test_secret_grid_page_cached_at_its_address_never_answers_at_the_public_one(client, make_grid):
    grid = make_grid(secret=True)
    assert client.get(f"/secret/{grid.public_id}").status_code == 200

    assert client.get(f"/{grid.public_id}").status_code == 404


def test_public_grid_page_is_revalidated_by_browsers_and_kept_briefly_by_proxies(
    client, make_grid, settings
):
    settings.IPB_SHARED_CACHE_MAX_AGE = 45
    grid = make_grid()

    response = client.get(f"/{grid.public_id}")

    directives = set(response["Cache-Control"].split(", "))
    assert directives == {"public", "max-age=0", "must-revalidate", "s-maxage=45"}


def test_secret_grid_page_stays_out_of_shared_caches(client, make_grid):
    grid = make_grid(secret=True)

    response = client.get(f"/secret/{grid.public_id}")

    assert set(response["Cache-Control"].split(", ")) == {"private", "max-age=0", "must-revalidate"}


def test_unchanged_grid_page_revalidates_with_a_304(client, make_grid):
    grid = make_grid()
    first = client.get(f"/{grid.public_id}")

    again = client.get(f"/{grid.public_id}", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again.content == b""


def meta_properties(html: str) -> dict[str, str]:
    """What a link preview reads: og: properties and twitter: names, unescaped."""
    found = re.findall(r'<meta (?:property|name)="((?:og|twitter):[^"]+)" content="([^"]*)"', html)
    return {key: unescape(value) for key, value in found}


@pytest.mark.parametrize("secret", [False, True])
def test_a_pasted_grid_link_unfurls_with_its_title_words_and_address(
    client, make_grid, settings, secret
):
    settings.IPB_SITE_URL = "https://blocks.school.example"
    grid = make_grid(secret=secret, blocks=checker_blocks(3, 2))

    meta = meta_properties(client.get(grid.get_absolute_url()).content.decode())

    assert meta["og:title"] == f"BlockGrid {grid.public_id}"
    assert meta["og:url"] == f"https://blocks.school.example{grid.get_absolute_url()}"
    assert meta["og:description"].startswith("BlockGrid, 3 by 2 blocks, ")
    assert meta["twitter:card"] == "summary_large_image"
    card = f"https://blocks.school.example{'/secret' if secret else ''}/{grid.public_id}/card.png"
    assert meta["og:image"] == card
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
    # What a preview fetches is there: the card, a PNG of that size.
    picture = client.get(card.removeprefix("https://blocks.school.example"))
    assert picture.status_code == 200
    assert picture["Content-Type"] == "image/png"
    assert picture.content[16:24] == (1200).to_bytes(4, "big") + (630).to_bytes(4, "big")
