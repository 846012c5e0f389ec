from collections.abc import Callable

import pytest
from ipythonblocks import BlockGrid, ImageGrid

from grids.models import Grid


def unsaved_grid(blocks: list, *, lines_on: bool = True, ipb_class: str = "BlockGrid") -> Grid:
    """A Grid as a view hands it to the renderers; never saved, so no database is needed."""
    return Grid(
        width=len(blocks[0]),
        height=len(blocks),
        lines_on=lines_on,
        blocks=blocks,
        ipb_class=ipb_class,
    )


def notebook_repr_html(grid: Grid) -> str:
    """What the student's notebook shows: the grid loaded the way from_web() loads it."""
    grid_class = ImageGrid if grid.ipb_class == "ImageGrid" else BlockGrid
    notebook_grid = grid_class(grid.width, grid.height, lines_on=grid.lines_on)
    notebook_grid._load_simple_grid(grid.blocks)
    return notebook_grid._repr_html_()


@pytest.fixture
def grid_from_blocks() -> Callable[..., Grid]:
    return unsaved_grid


@pytest.fixture
def starry_night_grid(starry_night: dict) -> Grid:
    return unsaved_grid(starry_night["blocks"], lines_on=True, ipb_class="ImageGrid")


@pytest.fixture
def notebook_html() -> Callable[[Grid], str]:
    return notebook_repr_html
