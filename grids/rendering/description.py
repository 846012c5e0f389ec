"""A grid in words, for people who cannot see it: its class, its size and its main colours.

The words are a grid page's accessible name (templates/grids/grid_detail.html): a screen reader
says it instead of walking thousands of empty table cells. Colours are named from a short list
shipped with the site, static/grids/colour-names.json, which the page's script uses for single
blocks too (static/grids/js/grid-explore.js), so the two always agree.
"""

import functools
import json
from collections import Counter
from collections.abc import Sequence

from django.conf import settings

COLOUR_NAMES_FILE = settings.BASE_DIR / "static" / "grids" / "colour-names.json"
# Enough blocks, spread over the whole grid, to say which colours it is mostly made of: counting
# every block of a 500x500 grid would cost a cold page far more than the rest of this.
SAMPLED_BLOCKS = 1024
MOST_COLOURS_NAMED = 3
# A colour named only if that many of the sampled blocks have it: no "and white" for one dot.
SMALLEST_SHARE_NAMED = 0.05


@functools.cache
def colour_names() -> tuple[tuple[str, int, int, int], ...]:
    return tuple(tuple(entry) for entry in json.loads(COLOUR_NAMES_FILE.read_text()))


def colour_name(red: int, green: int, blue: int) -> str:
    """The named colour nearest to this one's 16-level bucket (the four high bits of each
    channel): a table lookup, where measuring the distance to every name for each of a grid's
    thousands of colours took a cold page several times its usual time. The page's script
    names blocks the same way."""
    bucket = (int(red) >> 4) << 8 | (int(green) >> 4) << 4 | (int(blue) >> 4)
    return _name_by_bucket()[bucket]


@functools.cache
def _name_by_bucket() -> tuple[str, ...]:
    # Each bucket named by its centre, as static/grids/js/grid-explore.js does.
    return tuple(
        _nearest_name(r * 16 + 8, g * 16 + 8, b * 16 + 8)
        for r in range(16)
        for g in range(16)
        for b in range(16)
    )


def _nearest_name(red: int, green: int, blue: int) -> str:
    """By the "redmean" distance, a cheap fit to how people tell colours apart."""

    def distance(named):
        _, r, g, b = named
        mean_red = (red + r) / 2
        return (
            (2 + mean_red / 256) * (red - r) ** 2
            + 4 * (green - g) ** 2
            + (2 + (255 - mean_red) / 256) * (blue - b) ** 2
        )

    return min(colour_names(), key=distance)[0]


def describe_grid(ipb_class: str, width: int, height: int, numbers: Sequence[int]) -> str:
    """ "BlockGrid, 125 by 100 blocks, mostly navy, blue and yellow" from the grid's numbers,
    red, green, blue and size for each block in turn (render_grid()'s flat list)."""
    blocks = len(numbers) // 4
    step = max(1, blocks // SAMPLED_BLOCKS)
    sampled = Counter(
        colour_name(*numbers[start : start + 3]) for start in range(0, len(numbers), 4 * step)
    )
    total = sum(sampled.values())
    named = [
        name
        for name, count in sampled.most_common(MOST_COLOURS_NAMED)
        if count / total >= SMALLEST_SHARE_NAMED
    ]
    size = f"{width} by {height} block{'s' if blocks != 1 else ''}"
    if len(named) == 1:
        colours = f"all {named[0]}" if len(sampled) == 1 else f"mostly {named[0]}"
    else:
        colours = "mostly " + ", ".join(named[:-1]) + " and " + named[-1]
    return f"{ipb_class}, {size}, {colours}"
