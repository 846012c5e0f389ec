"""The one-pass check of a post as the client sends it, and the block array's rules.

normalized_blocks() is the block array's only check, for both paths: the serializer's fields
(GridDataInputSerializer.validate) and plainly_valid_post(), the single pass that accepts a
plain post without DRF's field-by-field machinery. Add a payload rule to the field and, if it
can refuse a post plainly_valid_post() accepts, here too: tests/api/test_post_validation.py
holds the two to the same answers.
"""

from django.conf import settings
from rest_framework import serializers

from grids.api.fields import (
    IPB_VERSION_MAX_CHARS,
    RELEASELEVEL_MAX_CHARS,
    VERSION_NUMBER_LIMIT,
    VERSION_RE,
    check_storable_text,
    is_whole_number,
)
from grids.models import Grid


def block_problem(block, max_block_size: int | None = None) -> str | None:
    """Why `block` is not [red, green, blue, size], or None if it is. The slow path."""
    if type(block) is not list or len(block) != 4:
        return "must be a list of 4 whole numbers [red, green, blue, size]"
    if not all(is_whole_number(n) for n in block):
        return "must hold whole numbers only [red, green, blue, size]"
    red, green, blue, size = block
    if not all(0 <= colour <= 255 for colour in (red, green, blue)):
        return "has a colour outside 0..255"
    if size < 1:
        return "has a size below 1"
    max_size = settings.IPB_MAX_BLOCK_SIZE if max_block_size is None else max_block_size
    if size > max_size:
        return f"has a size above {max_size}"
    return None


def normalized_blocks(
    blocks: list, width: int, height: int, max_block_size: int | None = None
) -> list:
    """Check every row and block; return the rows with whole-number floats made ints.

    The fast path accepts a block only if it is exactly four ints in range; anything else goes
    to block_problem(), which names the row, the column and what is wrong.
    """
    if len(blocks) != height:
        raise serializers.ValidationError(
            {"blocks": [f"Must have {height} rows (the grid's height); it has {len(blocks)}."]}
        )
    max_size = settings.IPB_MAX_BLOCK_SIZE if max_block_size is None else max_block_size
    rows = []
    for row_index, row in enumerate(blocks):
        if type(row) is not list or len(row) != width:
            raise serializers.ValidationError(
                {
                    "blocks": [
                        f"Row {row_index} must be a list of {width} blocks (the grid's width)."
                    ]
                }
            )
        for col_index, block in enumerate(row):
            if (
                type(block) is list
                and len(block) == 4
                and type(block[0]) is int
                and type(block[1]) is int
                and type(block[2]) is int
                and type(block[3]) is int
                and 0 <= block[0] <= 255
                and 0 <= block[1] <= 255
                and 0 <= block[2] <= 255
                and 1 <= block[3] <= max_size
            ):
                continue
            problem = block_problem(block, max_size)
            if problem:
                raise serializers.ValidationError(
                    {"blocks": [f"Block [{row_index}][{col_index}] {problem}."]}
                )
            row[col_index] = [int(n) for n in block]
        rows.append(row)
    return rows


def plainly_valid_post(data) -> dict | None:
    """GridPostSerializer's validated data for a post exactly as the client sends one, in one
    pass; None for anything else, which the serializer's fields then check one by one.

    DRF's field-by-field validation (a copy of each field for each post, run_validation,
    validators, nested serializers) was a quarter of a small post's time (bench/RESULTS.md).
    This pass only ever accepts, never refuses, and it accepts a subset of what
    the fields accept, with the same result: each test here is the strict form of a field's
    (exact ints, where the fields also take 3.0 for 3; a version that already matches
    VERSION_RE, which has no spaces for CharField to strip, no NUL and no surrogates).
    tests/api/test_post_validation.py holds the two to the same answers.
    """
    if type(data) is not dict:
        return None
    python_version = data.get("python_version")
    ipb_version = data.get("ipb_version")
    ipb_class = data.get("ipb_class")
    code_cells = data.get("code_cells", ())  # () is neither None nor a list: not plain
    grid_data = data.get("grid_data")
    if not (
        type(python_version) is list
        and len(python_version) == 5
        and is_plain_version_number(python_version[0])
        and is_plain_version_number(python_version[1])
        and is_plain_version_number(python_version[2])
        and is_plain_version_number(python_version[4])
        and is_plain_text(python_version[3], RELEASELEVEL_MAX_CHARS)
        and type(ipb_version) is str
        and len(ipb_version) <= IPB_VERSION_MAX_CHARS
        and VERSION_RE.fullmatch(ipb_version)
        and type(ipb_class) is str
        and ipb_class in GRID_CLASSES
        and type(data.get("secret")) is bool
        and (code_cells is None or are_plain_code_cells(code_cells))
        and type(grid_data) is dict
        and type(grid_data.get("lines_on")) is bool
    ):
        return None
    width, height, blocks = grid_data.get("width"), grid_data.get("height"), grid_data.get("blocks")
    if not (
        type(width) is int
        and type(height) is int
        and width >= 1
        and height >= 1
        and width * height <= settings.IPB_MAX_BLOCKS
        and type(blocks) is list
    ):
        return None
    try:
        blocks = normalized_blocks(blocks, width, height)
    except serializers.ValidationError:
        return None
    return {
        "python_version": list(python_version),
        "ipb_version": ipb_version,
        "ipb_class": ipb_class,
        "code_cells": code_cells,
        "secret": data["secret"],
        "grid_data": {
            "lines_on": grid_data["lines_on"],
            "width": width,
            "height": height,
            "blocks": blocks,
        },
    }


GRID_CLASSES = frozenset(Grid.GridClass.values)


def is_plain_version_number(value) -> bool:
    return type(value) is int and 0 <= value < VERSION_NUMBER_LIMIT


def is_plain_text(value, max_length: int) -> bool:
    """A str of at most max_length characters that check_storable_text() accepts."""
    return type(value) is str and len(value) <= max_length and is_storable_text(value)


def is_storable_text(text: str) -> bool:
    try:
        check_storable_text(text)
    except serializers.ValidationError:
        return False
    return True


def are_plain_code_cells(cells) -> bool:
    max_chars = settings.IPB_MAX_CODE_CELL_CHARS
    return (
        type(cells) is list
        and 0 < len(cells) <= settings.IPB_MAX_CODE_CELLS
        and all(is_plain_text(cell, max_chars) for cell in cells)
    )
