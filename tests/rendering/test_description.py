"""A grid in words: its accessible name on the grid page (grids/rendering/description.py)."""

import pytest

from grids.rendering.description import colour_name, describe_grid


def numbers_of(*blocks) -> list[int]:
    return [number for block in blocks for number in (*block, 20)]


@pytest.mark.parametrize(
    ("rgb", "name"),
    [
        ((0, 0, 0), "black"),
        ((255, 255, 255), "white"),
        ((255, 0, 0), "red"),
        ((0, 0, 255), "blue"),
        ((0, 160, 0), "green"),
        ((255, 230, 0), "yellow"),
        ((0, 0, 110), "navy"),
        ((128, 128, 128), "grey"),
    ],
)
def test_colours_are_named_from_the_shipped_list(rgb, name):
    assert colour_name(*rgb) == name


def test_a_grid_of_one_colour_is_all_that_colour():
    numbers = numbers_of(*[(255, 0, 0)] * 6)

    assert describe_grid("BlockGrid", 3, 2, numbers) == "BlockGrid, 3 by 2 blocks, all red"


def test_a_grid_is_named_by_its_most_common_colours_in_order():
    blocks = [(0, 0, 255)] * 50 + [(255, 255, 255)] * 30 + [(0, 0, 0)] * 20
    numbers = numbers_of(*blocks)

    assert describe_grid("ImageGrid", 10, 10, numbers) == (
        "ImageGrid, 10 by 10 blocks, mostly blue, white and black"
    )


def test_a_colour_of_a_few_blocks_is_left_out():
    blocks = [(255, 230, 0)] * 99 + [(255, 0, 0)]

    assert describe_grid("BlockGrid", 10, 10, numbers_of(*blocks)) == (
        "BlockGrid, 10 by 10 blocks, mostly yellow"
    )


def test_one_block_is_one_block():
    assert describe_grid("BlockGrid", 1, 1, numbers_of((0, 0, 0))) == (
        "BlockGrid, 1 by 1 block, all black"
    )


def test_a_big_grid_is_described_from_blocks_spread_over_all_of_it():
    # The bottom half another colour: a sample of the top rows alone would miss it.
    blocks = [(255, 0, 0)] * 125_000 + [(0, 0, 255)] * 125_000

    description = describe_grid("BlockGrid", 500, 500, numbers_of(*blocks))

    assert description == "BlockGrid, 500 by 500 blocks, mostly red and blue"
