"""Grids and payloads with valid defaults; tests override only what they are about."""

import copy

from classes.models import SchoolClass
from grids.models import Grid
from grids.samples import STARRY_NIGHT, read_starry_night


def solid_blocks(width: int, height: int, rgb=(0, 128, 255), size: int = 20) -> list:
    return [[[*rgb, size] for _ in range(width)] for _ in range(height)]


def checker_blocks(width: int, height: int, size: int = 20) -> list:
    """Every block a different colour, so a swapped row or column shows."""
    return [
        [
            [(row * 37 + col * 11) % 256, (row * 5) % 256, (col * 7) % 256, size]
            for col in range(width)
        ]
        for row in range(height)
    ]


def make_grid(**overrides) -> Grid:
    width = overrides.pop("width", 3)
    height = overrides.pop("height", 2)
    fields = {
        "ipb_class": "BlockGrid",
        "ipb_version": "1.9.1",
        "python_version": [3, 11, 7, "final", 0],
        "lines_on": True,
        "blocks": checker_blocks(width, height),
        "code_cells": None,
        "secret": False,
        **overrides,
    }
    return Grid.objects.create(width=width, height=height, **fields)


def make_class(*, teachers=(), **overrides) -> SchoolClass:
    school_class = SchoolClass.objects.create(**{"name": "7B Computing", **overrides})
    school_class.teachers.set(teachers)
    return school_class


def post_payload(**overrides) -> dict:
    """The body ipythonblocks 1.9.1 posts (CONTRACT.md), for a 3x2 BlockGrid."""
    payload = {
        "python_version": [3, 11, 7, "final", 0],
        "ipb_version": "1.9.1",
        "ipb_class": "BlockGrid",
        "code_cells": None,
        "secret": False,
        "grid_data": {"lines_on": True, "width": 3, "height": 2, "blocks": checker_blocks(3, 2)},
    }
    grid_data = overrides.pop("grid_data", {})
    payload.update(copy.deepcopy(overrides))
    payload["grid_data"].update(copy.deepcopy(grid_data))
    return payload


def load_starry_night() -> dict:
    """The 125x100 ImageGrid from ipythonblocks' demos (CONTRACT.md, Sample data)."""
    return read_starry_night(STARRY_NIGHT)


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
    from ipythonblocks import BlockGrid, ImageGrid  # the real client, in tests only

    grid_class = ImageGrid if grid.ipb_class == "ImageGrid" else BlockGrid
    notebook_grid = grid_class(grid.width, grid.height, lines_on=grid.lines_on)
    notebook_grid._load_simple_grid(grid.blocks)
    return notebook_grid._repr_html_()
