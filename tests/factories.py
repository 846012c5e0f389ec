"""Grids and payloads with valid defaults; tests override only what they are about."""

import copy

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
