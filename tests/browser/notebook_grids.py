"""The grids the browser tests draw, and the notebook's own HTML of each: what our table
(test_grid_look.py) and our pictures (test_picture_look.py) are held to, pixel for pixel."""

from grids.models import Grid
from tests.factories import checker_blocks, notebook_repr_html, unsaved_grid


def mixed_size_blocks() -> list:
    blocks = checker_blocks(4, 3, size=20)
    for (row, col), size in {(0, 1): 5, (0, 2): 12, (1, 0): 8, (1, 3): 30, (2, 2): 1}.items():
        blocks[row][col][3] = size
    return blocks


# name -> (blocks, lines_on, ipb_class); None stands for the starry night fixture.
CASES = {
    "lines-on": (checker_blocks(3, 2), True, "BlockGrid"),
    "lines-off": (checker_blocks(3, 2), False, "BlockGrid"),
    "one-block": ([[[200, 30, 90, 20]]], True, "BlockGrid"),
    "mixed-sizes": (mixed_size_blocks(), True, "BlockGrid"),
    "mixed-sizes-lines-off": (mixed_size_blocks(), False, "BlockGrid"),
    "image-grid": (checker_blocks(5, 4, size=10), True, "ImageGrid"),
    "starry-night": (None, True, "ImageGrid"),
}


def case_grid(name: str, starry_night: dict) -> Grid:
    """The case's grid, unsaved."""
    blocks, lines_on, ipb_class = CASES[name]
    blocks = starry_night["blocks"] if blocks is None else blocks
    return unsaved_grid(blocks, lines_on=lines_on, ipb_class=ipb_class)


def notebook_page(grid: Grid) -> str:
    """The notebook's picture of the grid, alone on a page under the one rule Jupyter's page
    adds to every table."""
    return (
        "<!DOCTYPE html><html><head><meta charset=utf-8>"
        "<style>table{border-collapse:collapse}</style></head>"
        f"<body>{notebook_repr_html(grid)}</body></html>"
    )
