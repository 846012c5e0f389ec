from collections.abc import Sequence
from typing import Protocol

# [red, green, blue, size]: colours 0..255, size >= 1 (pixels per block edge).
Block = Sequence[int]


class GridLike(Protocol):
    """What the renderers read from a grid: the Grid model and plain test objects both fit."""

    width: int
    height: int
    lines_on: bool
    # height rows of width blocks, row-major, top-left first, for both grid classes.
    blocks: Sequence[Sequence[Block]]
    ipb_class: str
