"""A grid page on a phone and on a desktop, in Chromium: every grid keeps its shape, fits its
frame (scaled down as a whole, or up by a whole factor), shows its actual size on request, and
its blocks can be read with the keyboard and by tapping (issue 23, items 1 and 2)."""

import random
from pathlib import Path

import pytest
from playwright.sync_api import expect

from grids.rendering.description import colour_name
from tests.browser.checks import scrolls_sideways, serious_violations
from tests.factories import make_grid

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SCREENS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}


def random_blocks(width: int, height: int, size: int, seed: int) -> list:
    rng = random.Random(seed)
    return [
        [[rng.randrange(256), rng.randrange(256), rng.randrange(256), size] for _ in range(width)]
        for _ in range(height)
    ]


def one_colour_blocks(width: int, height: int, size: int, rgb=(200, 30, 30)) -> list:
    return [[[*rgb, size] for _ in range(width)] for _ in range(height)]


# name -> what make_grid gets; the starry night is filled in from its fixture.
GRIDS = {
    "starry-night": {"ipb_class": "ImageGrid"},
    "image-200x150": {"ipb_class": "ImageGrid", "blocks": random_blocks(200, 150, 3, seed=1)},
    "blocks-6x6-of-100px": {"blocks": random_blocks(6, 6, 100, seed=2)},
    "strip-30x3": {"blocks": one_colour_blocks(30, 3, 20)},
    "secret-3x2": {"secret": True, "blocks": one_colour_blocks(3, 2, 20, rgb=(0, 0, 110))},
}


@pytest.fixture(params=GRIDS)
def grid(request, transactional_db, starry_night):
    fields = dict(GRIDS[request.param])
    if request.param == "starry-night":
        fields["blocks"] = starry_night["blocks"]
    blocks = fields["blocks"]
    grid = make_grid(width=len(blocks[0]), height=len(blocks), **fields)
    grid.name = request.param
    return grid


@pytest.fixture(params=SCREENS)
def page(request, chromium):
    context = chromium.new_context(device_scale_factor=1, **SCREENS[request.param])
    page = context.new_page()
    page.screen_name = request.param
    yield page
    context.close()


def open_grid_page(page, live_server, grid):
    page.goto(f"{live_server.url}{grid.get_absolute_url()}")
    page.wait_for_function("document.querySelector('.grid-scaler').hasAttribute('data-scale')")


def scale(page) -> float:
    return float(page.locator(".grid-scaler").get_attribute("data-scale"))


def drawn_block_boxes(page, grid) -> list[dict]:
    """The drawn boxes of a few blocks: corners and the middle."""
    rows = page.locator("table.blockgrid tr")
    places = {
        (0, 0),
        (0, grid.width - 1),
        (grid.height - 1, 0),
        (grid.height // 2, grid.width // 2),
    }
    return [rows.nth(row).locator("td").nth(col).bounding_box() for row, col in sorted(places)]


def test_a_grid_fits_its_frame_and_keeps_its_shape(live_server, page, grid):
    open_grid_page(page, live_server, grid)
    table = page.locator("table.blockgrid")
    frame = page.locator(".grid-frame").bounding_box()
    natural = page.evaluate(
        "(() => { const t = document.querySelector('table.blockgrid');"
        " return [t.offsetWidth, t.offsetHeight]; })()"
    )
    drawn = table.bounding_box()
    fitted = scale(page)

    assert not scrolls_sideways(page)
    assert drawn["width"] <= frame["width"] + 0.5
    # One scale for the whole table: its drawn shape is its own, and every block's too.
    assert drawn["width"] == pytest.approx(natural[0] * fitted, abs=1)
    assert drawn["height"] == pytest.approx(natural[1] * fitted, abs=1)
    for box in drawn_block_boxes(page, grid):
        assert box["width"] == pytest.approx(box["height"], abs=1), box
    if natural[0] > frame["width"]:
        assert fitted < 1  # scaled down as a whole
    else:
        assert fitted == int(fitted)
        assert 1 <= fitted <= 4  # scaled up crisply, by a whole factor
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(
        path=str(ARTIFACTS / f"grid-{grid.name}-{page.screen_name}.png"), full_page=True
    )

    if fitted != 1:
        page.get_by_role("button", name="Actual size").click()
        expect(page.get_by_role("button", name="Actual size")).to_have_attribute(
            "aria-pressed", "true"
        )
        assert scale(page) == 1
        assert table.bounding_box()["width"] == pytest.approx(natural[0], abs=1)
        assert not scrolls_sideways(page)  # a wide grid scrolls inside its frame instead
        page.screenshot(
            path=str(ARTIFACTS / f"grid-{grid.name}-{page.screen_name}-actual-size.png"),
            full_page=True,
        )
    else:
        expect(page.get_by_role("button", name="Actual size")).to_be_hidden()


def test_a_grid_page_has_no_serious_accessibility_violation(live_server, page, grid):
    open_grid_page(page, live_server, grid)

    assert serious_violations(page) == []


def test_the_grid_is_named_in_words_and_its_cells_are_not_walked(live_server, page, grid):
    open_grid_page(page, live_server, grid)
    picture = page.locator(".grid-scaler")

    name = picture.get_attribute("aria-label")
    assert name.startswith(f"{grid.ipb_class}, {grid.width} by {grid.height} blocks, ")
    assert "mostly" in name or "all" in name
    assert page.locator("table.blockgrid").get_attribute("aria-hidden") == "true"


def test_blocks_are_read_with_the_arrow_keys_and_by_tapping(live_server, page, grid):
    open_grid_page(page, live_server, grid)
    details = page.locator("#block-details")
    image = grid.ipb_class == "ImageGrid"

    def place(row, col):
        return f"x {col}, y {grid.height - 1 - row}" if image else f"Row {row}, column {col}"

    def colour(row, col):
        # Named by the page's script as the server names colours, then the numbers.
        rgb = grid.blocks[row][col][:3]
        return "{}: {} ({}, {}, {})".format(place(row, col), colour_name(*rgb), *rgb)

    page.locator(".grid-scaler").focus()
    expect(details).to_contain_text(f"{place(0, 0)}: ")
    expect(details).to_contain_text(colour(0, 0))
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    expect(details).to_contain_text(f"{place(1, 1)}: ")
    expect(details).to_contain_text(colour(1, 1))
    page.keyboard.press("End")
    expect(details).to_contain_text(place(1, grid.width - 1))
    assert page.locator("td.current").count() == 1

    last = page.locator("table.blockgrid tr").nth(grid.height - 1).locator("td").first
    if last.bounding_box()["width"] < 3:
        # Too small to pick out with a finger, as for a person: see the grid at actual size.
        page.get_by_role("button", name="Actual size").click()
    if page.screen_name == "phone":
        last.tap()
    else:
        last.click()
    expect(details).to_contain_text(place(grid.height - 1, 0))
    expect(details).to_contain_text(colour(grid.height - 1, 0))


def test_a_one_colour_grid_is_named_by_its_colour(live_server, chromium, transactional_db):
    grid = make_grid(blocks=one_colour_blocks(3, 2, 20, rgb=(0, 0, 110)), width=3, height=2)
    page = chromium.new_page()
    page.goto(f"{live_server.url}{grid.get_absolute_url()}")

    label = page.locator(".grid-scaler").get_attribute("aria-label")

    assert label == "BlockGrid, 3 by 2 blocks, all navy"
    page.close()
