import base64
import io
import struct
import zlib

import pytest
from PIL import Image

from grids.rendering.png import grid_thumbnail_png, png_data_uri
from tests.factories import checker_blocks


def decode(png: bytes) -> Image.Image:
    """Decoded by Pillow, after Pillow's own check of every chunk's CRC."""
    Image.open(io.BytesIO(png)).verify()
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def position_blocks(width: int, height: int) -> list:
    """Each block's colour names its place: red is its row, green its column."""
    return [[[row, col, 7, 20] for col in range(width)] for row in range(height)]


def test_small_grid_has_one_rgb_pixel_per_block(grid_from_blocks):
    blocks = checker_blocks(5, 3)
    image = decode(grid_thumbnail_png(grid_from_blocks(blocks)))

    assert image.format == "PNG"
    assert image.mode == "RGB"
    assert image.size == (5, 3)
    assert [[image.getpixel((col, row)) for col in range(5)] for row in range(3)] == [
        [tuple(block[:3]) for block in row] for row in blocks
    ]


def test_block_sizes_do_not_change_the_thumbnail(grid_from_blocks):
    blocks = checker_blocks(2, 2)
    blocks[0][0][3] = 90

    assert decode(grid_thumbnail_png(grid_from_blocks(blocks))).size == (2, 2)


def test_large_grid_is_downsampled_to_max_side_keeping_its_shape(starry_night_grid):
    image = decode(grid_thumbnail_png(starry_night_grid, max_side=48))

    assert image.size == (48, 38)


def test_tall_grid_is_limited_by_its_height(grid_from_blocks):
    image = decode(grid_thumbnail_png(grid_from_blocks(checker_blocks(2, 200)), max_side=40))

    assert image.size == (1, 40)


def test_downsampling_picks_the_block_under_each_pixel(grid_from_blocks):
    image = decode(grid_thumbnail_png(grid_from_blocks(position_blocks(100, 60)), max_side=10))
    assert image.size == (10, 6)

    for y in range(6):
        for x in range(10):
            row, col, _ = image.getpixel((x, y))
            # Each pixel stands for a 10x10 patch of blocks and shows one from inside it.
            assert y * 10 <= row < (y + 1) * 10
            assert x * 10 <= col < (x + 1) * 10


def test_grid_at_max_side_is_not_resampled(grid_from_blocks):
    blocks = position_blocks(48, 48)
    image = decode(grid_thumbnail_png(grid_from_blocks(blocks), max_side=48))

    assert image.getpixel((47, 13)) == (13, 47, 7)


def test_png_chunks_are_ihdr_idat_iend_with_valid_crcs(grid_from_blocks):
    png = grid_thumbnail_png(grid_from_blocks(checker_blocks(3, 2)))

    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunk_types = 8, []
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        chunk_type = png[position + 4 : position + 8]
        body = png[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", png[position + 8 + length : position + 12 + length])
        assert crc == zlib.crc32(chunk_type + body)
        chunk_types.append(chunk_type)
        position += 12 + length
    assert chunk_types == [b"IHDR", b"IDAT", b"IEND"]


def test_max_side_below_one_is_refused(grid_from_blocks):
    with pytest.raises(ValueError, match="max_side"):
        grid_thumbnail_png(grid_from_blocks(checker_blocks(2, 2)), max_side=0)


def test_colour_out_of_range_is_refused(grid_from_blocks):
    blocks = checker_blocks(2, 2)
    blocks[0][1][2] = 256

    with pytest.raises(ValueError, match="range"):
        grid_thumbnail_png(grid_from_blocks(blocks))


def test_data_uri_carries_the_png_unchanged(grid_from_blocks):
    png = grid_thumbnail_png(grid_from_blocks(checker_blocks(3, 2)))
    uri = png_data_uri(png)

    assert uri.startswith("data:image/png;base64,")
    assert base64.b64decode(uri.removeprefix("data:image/png;base64,"), validate=True) == png


def test_block_without_three_colours_is_refused(grid_from_blocks):
    blocks = checker_blocks(2, 2)
    blocks[1][0] = [10, 20]

    with pytest.raises(ValueError, match="block"):
        grid_thumbnail_png(grid_from_blocks(blocks))
