"""A grid's /<id>.png is, pixel for pixel, Chromium's screenshot of the notebook's own HTML of
the grid (BlockGrid._repr_html_() under Jupyter's border-collapse)."""

import io
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from tests.browser.notebook_grids import CASES, case_grid, notebook_page
from tests.factories import make_grid

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def notebook_screenshot(context, html: str, artifact: Path) -> Image.Image:
    page = context.new_page()
    page.set_content(html)
    box = page.locator("table.blockgrid").bounding_box()
    clip = {key: round(box[key]) for key in ("x", "y", "width", "height")}
    png = page.screenshot(path=artifact, clip=clip)
    page.close()
    return Image.open(io.BytesIO(png)).convert("RGB")


@pytest.mark.parametrize("name", CASES)
def test_the_png_is_the_notebooks_picture_pixel_for_pixel(
    browser_context, client, starry_night, name
):
    grid = case_grid(name, starry_night)
    stored = make_grid(
        width=grid.width,
        height=grid.height,
        lines_on=grid.lines_on,
        blocks=grid.blocks,
        ipb_class=grid.ipb_class,
    )
    ARTIFACTS.mkdir(exist_ok=True)
    expected = notebook_screenshot(
        browser_context, notebook_page(grid), ARTIFACTS / f"{name}-notebook-for-png.png"
    )

    response = client.get(f"/{stored.public_id}.png")
    picture = Image.open(io.BytesIO(response.content))

    assert response["Content-Type"] == "image/png"
    assert picture.mode == "RGB"
    assert picture.size == expected.size
    assert ImageChops.difference(picture, expected).getbbox() is None
    # Not two blank pictures: the first block's colour shows at its centre.
    first = grid.blocks[0][0]
    centre = (1 if grid.lines_on else 0) + first[3] // 2
    assert picture.getpixel((centre, centre)) == tuple(first[:3])
