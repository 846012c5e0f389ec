"""Our grid table looks, pixel for pixel, like the notebook's BlockGrid._repr_html_().

Page A is the notebook's own HTML under the one rule Jupyter's page adds (border-collapse);
page B is what the grid page sends: static/grids/css/grid.css, render_grid()'s CSS and table.
"""

import io
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from grids.models import Grid
from grids.rendering.html import render_grid
from tests.browser.notebook_grids import CASES, case_grid, notebook_page
from tests.factories import make_grid

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
GRID_CSS = REPO / "static" / "grids" / "css" / "grid.css"
TOOLTIPS_JS = REPO / "static" / "grids" / "js" / "grid-tooltips.js"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@pytest.fixture(params=CASES)
def case(request, starry_night) -> tuple[str, Grid]:
    return request.param, case_grid(request.param, starry_night)


def site_page(grid: Grid) -> str:
    rendered = render_grid(grid, "grid-abc123")
    return (
        "<!DOCTYPE html><html><head><meta charset=utf-8>"
        f"<style>{GRID_CSS.read_text()}</style><style>{rendered.css}</style></head>"
        f"<body>{rendered.table}</body></html>"
    )


@pytest.fixture
def live_page_url(case, live_server) -> str:
    """The grid stored and served by the site itself: its page, its CSS, its CSP."""
    _, grid = case
    stored = make_grid(
        width=grid.width,
        height=grid.height,
        lines_on=grid.lines_on,
        blocks=grid.blocks,
        ipb_class=grid.ipb_class,
    )
    return f"{live_server.url}{stored.get_absolute_url()}"


def screenshot_table(context, html: str, artifact: Path) -> tuple[Image.Image, dict]:
    page = context.new_page()
    if html.startswith("http"):
        page.goto(html)
        show_actual_size(page)
    else:
        page.set_content(html)
    table = page.locator("table.blockgrid")
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    # On our page the headings above the grid end at a fractional y (em-based margins);
    # Chromium paints the table snapped to whole pixels, so clip at the snapped position.
    clip = {key: round(box[key]) for key in ("x", "y", "width", "height")}
    png = page.screenshot(path=artifact, clip=clip)
    page.close()
    return Image.open(io.BytesIO(png)).convert("RGB"), box


def show_actual_size(page) -> None:
    """The grid page fits a grid to its frame (static/grids/js/grid-fit.js); its "Actual size"
    shows it as the notebook draws it. The button shows only where the fit changed the size."""
    page.wait_for_function("document.querySelector('.grid-scaler').hasAttribute('data-scale')")
    toggle = page.get_by_role("button", name="Actual size")
    if toggle.is_visible():
        toggle.click()
    assert page.locator(".grid-scaler").get_attribute("data-scale") == "1"


def test_table_looks_exactly_like_the_notebook(browser_context, case):
    name, grid = case
    assert_looks_like_the_notebook(browser_context, name, grid, site_page(grid), "renderer")


def test_grid_page_looks_exactly_like_the_notebook(browser_context, case, live_page_url):
    name, grid = case
    assert_looks_like_the_notebook(browser_context, name, grid, live_page_url, "page")


def assert_looks_like_the_notebook(browser_context, name, grid, ours: str, label: str):
    ARTIFACTS.mkdir(exist_ok=True)
    expected, expected_box = screenshot_table(
        browser_context, notebook_page(grid), ARTIFACTS / f"{name}-notebook.png"
    )
    actual, actual_box = screenshot_table(browser_context, ours, ARTIFACTS / f"{name}-{label}.png")

    assert (actual_box["width"], actual_box["height"]) == (
        expected_box["width"],
        expected_box["height"],
    )
    assert actual.size == expected.size
    assert ImageChops.difference(actual, expected).getbbox() is None
    # Not two blank pictures: the first block's colour shows at its centre.
    first = grid.blocks[0][0]
    border = 1 if grid.lines_on else 0
    centre = border + first[3] // 2
    assert actual.getpixel((centre, centre)) == tuple(first[:3])


def cells_to_hover(grid: Grid) -> list[tuple[int, int]]:
    last_row, last_col = grid.height - 1, grid.width - 1
    corners = [(0, 0), (0, last_col), (last_row, 0), (last_row, last_col)]
    return list(dict.fromkeys([*corners, (grid.height // 2, grid.width // 3)]))


def test_hovering_a_block_shows_the_notebooks_tooltip(browser_context, case, live_page_url):
    """On the real page: its own script, loaded under the site's Content-Security-Policy."""
    _, grid = case
    notebook = browser_context.new_page()
    notebook.set_content(notebook_page(grid))
    site = browser_context.new_page()
    site.goto(live_page_url)

    for row, col in cells_to_hover(grid):
        expected = notebook.locator("table tr").nth(row).locator("td").nth(col)
        cell = site.locator("table.blockgrid tr").nth(row).locator("td").nth(col)
        assert cell.get_attribute("title") is None
        cell.hover()
        assert cell.get_attribute("title") == expected.get_attribute("title")
