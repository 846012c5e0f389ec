"""Pictures of a grid as the notebook draws it, from the stored data: PNG and SVG.

The notebook's table (grids/rendering/html.py) makes each column as wide as its widest block
and each row as tall as its tallest, and paints every cell whole in its block's colour; with
lines on, `border: 1px solid white` under border-collapse is one white pixel between and
around the cells. tests/browser/test_picture_look.py holds the PNG to Chromium's screenshot of
the notebook's HTML, pixel for pixel.

Both axes are lists of runs, (what, how many pixels): a column or row index, a line or the
background. The PNG is written a pixel row at a time from them, so a picture reduced to fit
never exists at full size, and a pixel row that repeats the one above is written as PNG's
"Up" filter of zeros, which deflate packs to almost nothing.
"""

import zlib
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from itertools import accumulate

from grids.rendering.html import flat_blocks
from grids.rendering.png import png_file
from grids.rendering.types import GridLike

# Bump whenever a picture's pixels or bytes change: cached pictures are keyed by it.
PICTURE_VERSION = "1"

MAX_PICTURE_SIDE = 4096
THUMBNAIL_SIDE = 192
CARD_WIDTH, CARD_HEIGHT = 1200, 630
# Room round the grid on a card, so a preview's rounded corners never cut into it.
CARD_MARGIN = 40
CARD_BACKGROUND = bytes.fromhex("f4f5f7")
WHITE = b"\xff\xff\xff"

LINE, BACKGROUND = -1, -2
Runs = list[tuple[int, int]]

# Each pixel row of a PNG starts with its filter: 0 (None) or 2 (Up: minus the row above).
_FILTER_NONE, _FILTER_UP = b"\x00", b"\x02"
# Speed over size: the rows repeat, so a low level packs them nearly as well (bench/RESULTS.md).
_ZLIB_LEVEL = 1


@dataclass(frozen=True)
class GridLayout:
    """The notebook's table of a grid: its numbers and the pixel runs along each axis."""

    width: int
    numbers: list  # red, green, blue, size of every block, row by row (html.flat_blocks)
    columns: Runs
    rows: Runs

    @property
    def pixel_width(self) -> int:
        return sum(count for _, count in self.columns)

    @property
    def pixel_height(self) -> int:
        return sum(count for _, count in self.rows)


def grid_layout(
    grid: GridLike, blocks_json: str | None = None, numbers: list | None = None
) -> GridLayout:
    """Raises ValueError if the grid is malformed (html.render_grid() checks the same, and says
    what blocks_json and numbers are)."""
    width, height = int(grid.width), int(grid.height)
    if numbers is None:
        numbers = flat_blocks(grid, width, height, blocks_json)
    sizes = numbers[3::4]
    if not all(type(size) is int and size >= 1 for size in set(sizes)):
        raise ValueError("every block size must be a whole number of at least 1")
    line = 1 if grid.lines_on else 0
    column_widths = [max(sizes[column::width]) for column in range(width)]
    row_heights = [max(sizes[row * width : (row + 1) * width]) for row in range(height)]
    return GridLayout(width, numbers, _axis(column_widths, line), _axis(row_heights, line))


def grid_png(grid: GridLike, blocks_json: str | None = None) -> bytes:
    """The grid at its notebook size or, if a side is over MAX_PICTURE_SIDE, at the largest
    whole-number reduction that fits."""
    layout = grid_layout(grid, blocks_json)
    reduce = _reduction(layout, MAX_PICTURE_SIDE, MAX_PICTURE_SIDE)
    return _png(layout, _scaled(layout.columns, 1, reduce), _scaled(layout.rows, 1, reduce))


def grid_thumbnail_picture_png(grid: GridLike, blocks_json: str | None = None) -> bytes:
    """The picture at the whole-number scale, up or down, that best fills THUMBNAIL_SIDE."""
    return _thumbnail_png(grid_layout(grid, blocks_json))


def changed_blocks_png(grid: GridLike, numbers: list, parent_numbers: list) -> tuple[bytes, int]:
    """What a remix changed from a parent of the same shape: the remix's thumbnail with every
    block that differs from the parent's (colour or size) in its own colour and every other
    faded most of the way to white. With the number of blocks that differ. Both lists are
    html.flat_blocks()' of the same width and height."""
    faded = list(numbers)
    changed = 0
    for at in range(0, len(numbers), 4):
        if numbers[at : at + 4] == parent_numbers[at : at + 4]:
            for channel in range(at, at + 3):
                faded[channel] = 255 - (255 - numbers[channel]) // 4
        else:
            changed += 1
    return _thumbnail_png(grid_layout(grid, numbers=faded)), changed


def _thumbnail_png(layout: GridLayout) -> bytes:
    magnify, reduce = _fit(layout, THUMBNAIL_SIDE, THUMBNAIL_SIDE)
    columns, rows = _scaled(layout.columns, magnify, reduce), _scaled(layout.rows, magnify, reduce)
    return _png(layout, columns, rows)


def grid_card_png(grid: GridLike, blocks_json: str | None = None) -> bytes:
    """A CARD_WIDTH x CARD_HEIGHT link preview: the picture at a whole-number scale, centred."""
    layout = grid_layout(grid, blocks_json)
    magnify, reduce = _fit(layout, CARD_WIDTH - 2 * CARD_MARGIN, CARD_HEIGHT - 2 * CARD_MARGIN)
    columns = _centred(_scaled(layout.columns, magnify, reduce), CARD_WIDTH)
    rows = _centred(_scaled(layout.rows, magnify, reduce), CARD_HEIGHT)
    return _png(layout, columns, rows)


def grid_svg(grid: GridLike, blocks_json: str | None = None) -> str:
    """The picture at its notebook size, one path per colour: each row's runs of blocks of one
    colour are one rectangle, and the white lines one path drawn over them."""
    layout = grid_layout(grid, blocks_json)
    width, height = layout.pixel_width, layout.pixel_height
    column_starts = _starts(layout.columns)
    shapes: dict[str, list[str]] = defaultdict(list)
    for row, (top, row_height) in _starts(layout.rows).items():
        colours = _row_colours(layout, row).hex()
        run_start = 0
        for column in range(1, layout.width + 1):
            colour = colours[6 * run_start : 6 * run_start + 6]
            if column < layout.width and colours[6 * column : 6 * column + 6] == colour:
                continue
            left = column_starts[run_start][0]
            last_left, last_width = column_starts[column - 1]
            run_width = last_left + last_width - left
            shapes[colour].append(f"M{left} {top}h{run_width}v{row_height}h-{run_width}z")
            run_start = column
    paths = [f'<path fill="#{colour}" d="{"".join(d)}"/>' for colour, d in shapes.items()]
    if layout.columns[0][0] == LINE:
        lines = [f"M{x} 0h1v{height}h-1z" for x in _line_starts(layout.columns)]
        lines += [f"M0 {y}h{width}v1h-{width}z" for y in _line_starts(layout.rows)]
        paths.append(f'<path fill="#ffffff" d="{"".join(lines)}"/>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" shape-rendering="crispEdges">{"".join(paths)}</svg>'
    )


def _axis(sizes: list[int], line: int) -> Runs:
    runs = [(LINE, line)] if line else []
    for index, size in enumerate(sizes):
        runs.append((index, size))
        if line:
            runs.append((LINE, line))
    return runs


def _reduction(layout: GridLayout, max_width: int, max_height: int) -> int:
    """The smallest whole divisor that brings the picture within max_width x max_height."""
    return max(1, -(-layout.pixel_width // max_width), -(-layout.pixel_height // max_height))


def _fit(layout: GridLayout, max_width: int, max_height: int) -> tuple[int, int]:
    """(magnify, reduce): the largest whole-number scale, up or down, that fits."""
    reduce = _reduction(layout, max_width, max_height)
    if reduce > 1:
        return 1, reduce
    return min(max_width // layout.pixel_width, max_height // layout.pixel_height), 1


def _scaled(runs: Runs, magnify: int, reduce: int) -> Runs:
    """The runs magnified, or reduced by sampling the pixel under each new pixel's centre."""
    if reduce == 1:
        return [(what, count * magnify) for what, count in runs]
    ends = list(accumulate(count for _, count in runs))
    total = ends[-1]
    sampled: list[list[int]] = []
    for pixel in range(-(-total // reduce)):
        source = min(pixel * reduce + reduce // 2, total - 1)
        what = runs[bisect_right(ends, source)][0]
        if sampled and sampled[-1][0] == what:
            sampled[-1][1] += 1
        else:
            sampled.append([what, 1])
    return [(what, count) for what, count in sampled]


def _centred(runs: Runs, length: int) -> Runs:
    before = (length - sum(count for _, count in runs)) // 2
    after = length - sum(count for _, count in runs) - before
    return [(BACKGROUND, before), *runs, (BACKGROUND, after)]


def _png(layout: GridLayout, columns: Runs, rows: Runs) -> bytes:
    width = sum(count for _, count in columns)
    height = sum(count for _, count in rows)
    compressor = zlib.compressobj(_ZLIB_LEVEL)
    compressed = []
    unchanged = _FILTER_UP + bytes(3 * width)
    # Every line's pixel row is the same, and so is every row of background.
    plain_rows = {}
    for what, count in rows:
        if what < 0:
            if what == BACKGROUND:
                plain_rows[what] = CARD_BACKGROUND * width
            elif what not in plain_rows:
                plain_rows[what] = _scanline(columns, [WHITE] * layout.width)
            scanline = plain_rows[what]
        else:
            colours = _row_colours(layout, what)
            scanline = _scanline(
                columns, [colours[at : at + 3] for at in range(0, len(colours), 3)]
            )
        compressed.append(compressor.compress(_FILTER_NONE + scanline))
        for _ in range(count - 1):
            compressed.append(compressor.compress(unchanged))
    compressed.append(compressor.flush())
    return png_file(width, height, b"".join(compressed))


def _row_colours(layout: GridLayout, row: int) -> bytes:
    """The red, green and blue of each block of the row, three bytes a block."""
    numbers = layout.numbers[4 * layout.width * row : 4 * layout.width * (row + 1)]
    colours = bytearray(3 * layout.width)
    try:
        for channel in range(3):
            colours[channel::3] = bytes(numbers[channel::4])
    except (TypeError, ValueError) as exc:
        raise ValueError("every block must be [red, green, blue, size], colours 0..255") from exc
    return bytes(colours)


def _scanline(columns: Runs, colours: list[bytes]) -> bytes:
    fills = {LINE: WHITE, BACKGROUND: CARD_BACKGROUND}
    return b"".join(
        [(colours[what] if what >= 0 else fills[what]) * count for what, count in columns]
    )


def _starts(runs: Runs) -> dict[int, tuple[int, int]]:
    """Each column's (or row's) first pixel and its size."""
    starts, at = {}, 0
    for what, count in runs:
        if what >= 0:
            starts[what] = (at, count)
        at += count
    return starts


def _line_starts(runs: Runs) -> list[int]:
    starts, at = [], 0
    for what, count in runs:
        if what == LINE:
            starts.append(at)
        at += count
    return starts


def thumbnail_size(layout: GridLayout) -> tuple[int, int]:
    """The width and height of grid_thumbnail_picture_png()'s picture, without drawing it."""
    magnify, reduce = _fit(layout, THUMBNAIL_SIDE, THUMBNAIL_SIDE)
    width, height = (
        sum(count for _, count in _scaled(runs, magnify, reduce))
        for runs in (layout.columns, layout.rows)
    )
    return width, height
