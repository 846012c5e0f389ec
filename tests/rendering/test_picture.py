import io
import random
import tracemalloc
import xml.etree.ElementTree as ElementTree

import orjson
import pytest
from PIL import Image

from grids.rendering.html import flat_blocks
from grids.rendering.picture import (
    CARD_HEIGHT,
    CARD_WIDTH,
    MAX_PICTURE_SIDE,
    THUMBNAIL_SIDE,
    changed_blocks_png,
    grid_card_png,
    grid_layout,
    grid_png,
    grid_svg,
    grid_thumbnail_picture_png,
)
from tests.factories import checker_blocks, solid_blocks, unsaved_grid

WHITE = (255, 255, 255)


def decode(png: bytes) -> Image.Image:
    Image.open(io.BytesIO(png)).verify()
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.mode == "RGB"
    return image


def pixel_row(image: Image.Image, y: int) -> list[tuple]:
    return [image.getpixel((x, y)) for x in range(image.width)]


def mixed_size_blocks() -> list:
    blocks = checker_blocks(3, 2, size=10)
    blocks[0][1][3] = 4  # narrower than its column and shorter than its row
    blocks[1][2][3] = 15  # widens column 2 and heightens row 1
    return blocks


def test_blocks_are_their_posted_size_with_white_lines_between_and_around(grid_from_blocks):
    blocks = checker_blocks(3, 2, size=5)
    image = decode(grid_png(grid_from_blocks(blocks, lines_on=True)))

    assert image.size == (3 * 5 + 4, 2 * 5 + 3)
    assert pixel_row(image, 0) == [WHITE] * image.width
    assert pixel_row(image, 1) == [
        WHITE,
        *[tuple(blocks[0][0][:3])] * 5,
        WHITE,
        *[tuple(blocks[0][1][:3])] * 5,
        WHITE,
        *[tuple(blocks[0][2][:3])] * 5,
        WHITE,
    ]
    assert pixel_row(image, 6) == [WHITE] * image.width
    assert image.getpixel((7, 8)) == tuple(blocks[1][1][:3])


def test_lines_off_draws_blocks_edge_to_edge(grid_from_blocks):
    blocks = checker_blocks(3, 2, size=5)
    image = decode(grid_png(grid_from_blocks(blocks, lines_on=False)))

    assert image.size == (15, 10)
    assert image.getpixel((0, 0)) == tuple(blocks[0][0][:3])
    assert image.getpixel((5, 5)) == tuple(blocks[1][1][:3])
    assert WHITE not in [colour for _, colour in image.getcolors()]


def test_mixed_sizes_fill_columns_as_wide_as_their_widest_and_rows_as_their_tallest(
    grid_from_blocks,
):
    blocks = mixed_size_blocks()
    image = decode(grid_png(grid_from_blocks(blocks, lines_on=True)))

    # Columns 10, 10, 15 wide; rows 10, 15 tall; four and three lines.
    assert image.size == (10 + 10 + 15 + 4, 10 + 15 + 3)
    # The 4-pixel block fills its whole 10x10 cell, as the notebook's table paints it.
    assert {image.getpixel((x, y)) for x in range(12, 22) for y in range(1, 11)} == {
        tuple(blocks[0][1][:3])
    }
    # The 10-pixel block in the 15-pixel column stretches across it.
    assert image.getpixel((37, 10)) == tuple(blocks[0][2][:3])
    assert image.getpixel((38, 10)) == WHITE


def test_the_picture_matches_the_notebooks_html_size(grid_from_blocks, starry_night_grid):
    image = decode(grid_png(starry_night_grid))

    assert image.size == (125 * 4 + 126, 100 * 4 + 101)


def test_the_stored_json_and_the_blocks_draw_the_same_picture(starry_night_grid):
    stored = orjson.dumps(starry_night_grid.blocks).decode()

    assert grid_png(starry_night_grid, blocks_json=stored) == grid_png(starry_night_grid)


def test_a_picture_over_the_limit_is_reduced_by_the_smallest_whole_factor_that_fits(
    grid_from_blocks,
):
    # 50 blocks of 100 px and 51 lines: 5,051 px, over 4,096, so halved to 2,526.
    blocks = checker_blocks(50, 2, size=100)
    image = decode(grid_png(grid_from_blocks(blocks, lines_on=True)))

    assert image.size == (2526, 102)
    assert max(image.size) <= MAX_PICTURE_SIDE
    # Each pixel is the full-size pixel under its centre: 2x+1 of the full picture.
    assert image.getpixel((1, 1)) == tuple(blocks[0][0][:3])  # full-size (3, 3)
    assert image.getpixel((50, 20)) == WHITE  # full-size x 101: the line after block 0
    assert image.getpixel((51, 20)) == tuple(blocks[0][1][:3])


def test_a_500x500_grid_of_100px_blocks_is_drawn_reduced_within_a_few_megabytes(
    grid_from_blocks,
):
    rng = random.Random(24)
    blocks = [[[*rng.randbytes(3), 100] for _ in range(500)] for _ in range(500)]
    grid = grid_from_blocks(blocks, lines_on=True)
    stored = orjson.dumps(blocks).decode()
    grid.blocks = blocks = None  # drawn from the stored text, as the view draws it

    tracemalloc.start()
    try:
        grid_layout(grid, stored)
        reading_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        png = grid_png(grid, stored)
        drawing_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    image = decode(png)
    # 50,501 px a side at full size: reduced by 13 to 3,885.
    assert image.size == (3885, 3885)
    # Full size would be 7.6 GB of pixels, and even the reduced picture 45 MB: drawing it adds
    # only a few rows and the compressed file to what reading the blocks takes.
    assert drawing_peak - reading_peak < 16 * 1024 * 1024


def test_a_thumbnail_is_the_picture_at_the_whole_scale_that_fills_its_side(
    grid_from_blocks, starry_night_grid
):
    small = decode(grid_thumbnail_picture_png(grid_from_blocks(checker_blocks(3, 2, size=5))))
    # 19x13 magnified 10 times: crisp, each pixel a 10x10 square.
    assert small.size == (190, 130)
    assert small.getpixel((9, 9)) == WHITE
    assert small.getpixel((10, 10)) == tuple(checker_blocks(3, 2)[0][0][:3])

    large = decode(grid_thumbnail_picture_png(starry_night_grid))
    # 626x501 reduced by 4.
    assert large.size == (157, 126)
    assert max(large.size) <= THUMBNAIL_SIDE


def test_a_card_is_1200x630_with_the_grid_centred_on_a_plain_background(grid_from_blocks):
    blocks = solid_blocks(3, 2, rgb=(10, 20, 30), size=20)
    image = decode(grid_card_png(grid_from_blocks(blocks, lines_on=False)))

    assert image.size == (CARD_WIDTH, CARD_HEIGHT)
    # 60x40 magnified 13 times (550 // 40) to 780x520, centred.
    box = Image.eval(image, lambda v: 255 if v in (10, 20, 30) else 0).convert("L").getbbox()
    assert box == (210, 55, 990, 575)
    assert image.getpixel((0, 0)) == image.getpixel((1199, 629)) != (10, 20, 30)


def test_a_cards_background_is_plain_above_and_beside_a_grid_with_lines(grid_from_blocks):
    image = decode(grid_card_png(grid_from_blocks(checker_blocks(3, 2), lines_on=True)))
    background = image.getpixel((0, 0))

    assert set(pixel_row(image, 0)) == {background}
    assert set(pixel_row(image, image.height - 1)) == {background}
    assert WHITE in pixel_row(image, image.height // 2)


def test_a_huge_grid_is_reduced_onto_its_card(grid_from_blocks):
    image = decode(grid_card_png(grid_from_blocks(checker_blocks(200, 20, size=50))))

    assert image.size == (CARD_WIDTH, CARD_HEIGHT)


def test_svg_has_the_pictures_size_and_one_path_per_colour(grid_from_blocks):
    blocks = solid_blocks(4, 3, rgb=(255, 0, 0), size=10)
    blocks[1][2][:3] = [0, 0, 255]
    svg = ElementTree.fromstring(grid_svg(grid_from_blocks(blocks, lines_on=True)))

    assert (svg.get("width"), svg.get("height")) == ("45", "34")
    fills = [path.get("fill") for path in svg]
    assert fills == ["#ff0000", "#0000ff", "#ffffff"]
    red = svg[0].get("d")
    # Row 1 is two runs, either side of the blue block; rows 0 and 2 one run each.
    assert red.count("M") == 4
    assert "M1 1h43v10h-43z" in red  # the whole first row, under the lines drawn after it
    assert svg[1].get("d") == "M23 12h10v10h-10z"


def test_svg_lines_off_has_no_white_path(grid_from_blocks):
    svg = ElementTree.fromstring(grid_svg(grid_from_blocks(checker_blocks(3, 2), lines_on=False)))

    assert "#ffffff" not in [path.get("fill") for path in svg]
    assert (svg.get("width"), svg.get("height")) == ("60", "40")


def test_svg_of_the_starry_night_is_far_smaller_than_a_rectangle_per_block(starry_night_grid):
    svg = grid_svg(starry_night_grid)

    # A painting: nearly every block has a colour of its own, so paths save little there.
    assert svg.count("<path") < 12_500
    assert len(svg) < 12_500 * len('<rect x="000" y="000" width="4" height="4" fill="#000000"/>')


@pytest.mark.parametrize("draw", [grid_png, grid_svg, grid_card_png, grid_thumbnail_picture_png])
def test_a_colour_out_of_range_is_refused(grid_from_blocks, draw):
    blocks = checker_blocks(2, 2)
    blocks[1][0][1] = 256

    with pytest.raises(ValueError, match="0..255"):
        draw(grid_from_blocks(blocks))


def test_a_block_size_that_is_not_a_whole_number_is_refused(grid_from_blocks):
    blocks = checker_blocks(2, 2)
    blocks[0][0][3] = 2.5

    with pytest.raises(ValueError, match="size"):
        grid_png(grid_from_blocks(blocks))


def test_a_remixs_changes_keep_their_colour_and_the_rest_is_faded():
    parent_blocks = solid_blocks(4, 3, rgb=(0, 0, 200), size=1)
    remix_blocks = solid_blocks(4, 3, rgb=(0, 0, 200), size=1)
    remix_blocks[1][2] = [255, 0, 0, 1]  # row 1, column 2
    remix = unsaved_grid(remix_blocks, lines_on=False)
    parent = unsaved_grid(parent_blocks, lines_on=False)

    png, changed = changed_blocks_png(
        remix, flat_blocks(remix, 4, 3, None), flat_blocks(parent, 4, 3, None)
    )

    image = decode(png)
    scale = image.width // 4
    assert changed == 1
    assert image.getpixel((2 * scale, 1 * scale)) == (255, 0, 0)
    assert image.getpixel((0, 0)) == (192, 192, 242)  # three quarters of the way to white


def test_a_remix_that_changed_nothing_is_faded_all_over():
    blocks = checker_blocks(3, 2, size=10)
    grid = unsaved_grid(blocks)
    numbers = flat_blocks(grid, 3, 2, None)

    png, changed = changed_blocks_png(grid, numbers, list(numbers))

    assert changed == 0
    assert decode(png).size == decode(grid_thumbnail_picture_png(grid)).size
