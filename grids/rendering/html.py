"""A grid as the notebook draws it (ipythonblocks BlockGrid._repr_html_), in far fewer bytes.

The notebook writes, per block, `<td title="Index: ..." style="width: 4px; height: 4px;
background-color: rgb(r, g, b);"></td>`: about 130 bytes, 1.58 MB for the 125x100 starry night.
We write `<td bgcolor=#rrggbb>` (end tags are optional in HTML) and move everything else out of
the cells:

- bgcolor is a presentational hint, so a strict Content-Security-Policy that blocks style=""
  attributes still paints it, in exactly the posted colour;
- sizes go in a small per-grid CSS text scoped by the table's id: one rule for the most common
  size, plus an `sN` class on the few blocks whose size differs. The widths and heights are
  the notebook's own, so mixed sizes lay out as the notebook's table does;
- lines on/off is a class on the table, styled by static/grids/css/grid.css;
- tooltips are computed on mouseover by static/grids/js/grid-tooltips.js from the cell's row,
  column and bgcolor, and the table's data-ipb-class (ImageGrid numbers its blocks
  differently).

Everything written into the markup is an int checked here or the validated dom_id, so nothing
a student posted can inject markup.
"""

import re
from collections import Counter
from dataclasses import dataclass
from itertools import chain, islice
from operator import itemgetter

import orjson
from django.utils.safestring import SafeString, mark_safe

from grids.rendering.description import describe_grid
from grids.rendering.types import GridLike

# Bump whenever the output of render_grid() changes: cached renderings are keyed by it.
RENDERER_VERSION = "2"

# An id usable unescaped in both HTML and a CSS `#id` selector (which cannot start with a digit).
_DOM_ID = re.compile(r"[A-Za-z][A-Za-z0-9-]*\Z")

# A dict, not a list: a lookup both formats and validates (-1, 256, 3.5 or "7" raise KeyError,
# where a list would wrap -1 round to "ff").
_HEX = {value: f"{value:02x}" for value in range(256)}

_IPB_CLASSES = frozenset({"BlockGrid", "ImageGrid"})

# Deleted by bytes.translate(), a C loop that is faster than str.translate()'s here.
_BRACKETS = b"[]"
_DIGITS = b"0123456789"


@dataclass(frozen=True)
class RenderedGrid:
    # Per-grid size rules, without a <style> tag: the template adds one carrying the CSP nonce.
    css: str
    table: SafeString
    # The grid in words, its accessible name (grids/rendering/description.py).
    description: str


def render_grid(
    grid: GridLike, dom_id: str, blocks_json: str | None = None, numbers: list | None = None
) -> RenderedGrid:
    """The grid's table and its CSS; raises ValueError if the grid or dom_id is malformed.

    blocks_json: the grid's blocks as the database stores them, their compact JSON text
    (GridQuerySet.with_blocks_json()), read instead of grid.blocks; see flat_blocks().
    numbers: what flat_blocks() made of them already, for a caller that draws more than the
    table from one reading of the blocks.
    """
    if not isinstance(dom_id, str) or not _DOM_ID.match(dom_id):
        raise ValueError(f"dom_id must be a letter then letters, digits or hyphens: {dom_id!r}")
    if grid.ipb_class not in _IPB_CLASSES:
        raise ValueError(f"unknown ipb_class {grid.ipb_class!r}")
    width, height = _positive_int(grid.width, "width"), _positive_int(grid.height, "height")
    if numbers is None:
        numbers = flat_blocks(grid, width, height, blocks_json)

    sizes = _block_sizes(numbers[3::4])
    common_size = max(sizes.items(), key=itemgetter(1))[0]
    rows = _table_rows(numbers, width, sizes, common_size)
    lines = "lines-on" if grid.lines_on else "lines-off"
    table = (
        # Hidden from assistive technology, which would walk every empty cell: the page names
        # the grid in words and reads single blocks out on request (grid_detail.html).
        f'<table id="{dom_id}" class="blockgrid {lines}" data-ipb-class="{grid.ipb_class}" '
        f'aria-hidden="true">{rows}</table>'
    )
    return RenderedGrid(
        css=_size_css(dom_id, sizes, common_size),
        table=mark_safe(table),
        description=describe_grid(grid.ipb_class, width, height, numbers),
    )


def flat_blocks(grid: GridLike, width: int, height: int, blocks_json: str | None) -> list:
    """Every block's four numbers in one list, row by row: red, green, blue, size, red, ...

    One list, not one per block, because Python's garbage collector walks every list alive
    each time it runs: the starry night's 12,600 lists, alive while its page was built, made
    the collector's passes about a tenth of a cold page's time (bench/RESULTS.md).

    The stored text is orjson's compact form of validated rows, "[[[r,g,b,s],[r,g,b,s]],[...]]".
    Without its digits it must be exactly the skeleton of height rows of width blocks of four
    whole numbers; then, without its brackets, it is the numbers in order, decoded as one flat
    array. Any other text (a short row, a block of three, a sign, a space) is decoded the long
    way, which says what is wrong with it.
    """
    if blocks_json is not None:
        text = blocks_json.encode()
        if text.translate(None, _DIGITS) == _skeleton(width, height):
            return orjson.loads(b"[" + text.translate(None, _BRACKETS) + b"]")
        blocks = orjson.loads(text)
    else:
        blocks = grid.blocks
    try:
        shape_ok = len(blocks) == height and all(len(row) == width for row in blocks)
    except TypeError:
        shape_ok = False
    if not shape_ok:
        raise ValueError(f"blocks must be {height} rows of {width} blocks")
    try:
        if all(len(block) == 4 for row in blocks for block in row):
            return list(chain.from_iterable(chain.from_iterable(blocks)))
    except TypeError:
        pass
    raise ValueError("every block must be [red, green, blue, size]")


def _skeleton(width: int, height: int) -> bytes:
    """The compact JSON text of height rows of width blocks of four numbers, digits left out."""
    row = b"[" + b",".join([b"[,,,]"] * width) + b"]"
    return b"[" + b",".join([row] * height) + b"]"


def _positive_int(value: int, what: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise ValueError(f"{what} must be a positive integer, got {value!r}")
    return number


def _block_sizes(sizes: list) -> dict[int, int]:
    """Checked size -> number of blocks of that size, from every block's posted size.

    A grid nearly always has one size (the client sets it for the whole grid): counting one
    value in a list is a C loop, far faster than a Counter of every block's size.
    """
    first = sizes[0]
    counts: Counter[int] = Counter()
    try:
        raw_counts = {first: len(sizes)} if sizes.count(first) == len(sizes) else Counter(sizes)
        for raw_size, count in raw_counts.items():
            counts[_positive_int(raw_size, "block size")] += count
    except TypeError as exc:  # an unhashable "size"
        raise ValueError("every block must be [red, green, blue, size]") from exc
    return counts


def _table_rows(numbers: list, width: int, sizes: dict[int, int], common_size: int) -> str:
    if len(sizes) == 1:
        try:
            # Every number in one byte: a colour or size past 255, or a number that is not a
            # whole one, raises, and the per-block way below says which block is wrong.
            packed = bytes(numbers)
        except (TypeError, ValueError):
            pass
        else:
            return _one_size_rows(packed, width, common_size)
    return _rows_block_by_block(numbers, width, sizes, common_size)


# A cell of the size every block of the grid has: the size is in the grid's CSS, not the cell.
_ONE_SIZE_CELL = "<td bgcolor=#"
_ONE_SIZE_CELL_LENGTH = len(_ONE_SIZE_CELL) + len("rrggbb>")


def _one_size_rows(packed: bytes, width: int, size: int) -> str:
    """The rows of a grid whose blocks all have one size, from its numbers packed in bytes.

    The grids the client posts: it gives every block the grid's size. Written by C loops
    rather than one f-string per block, which took most of render_grid()'s time for a big
    grid (bench/RESULTS.md). bytes.hex() writes every block as "rrggbbss " (its four
    numbers, a space after each block); the size and the space, which end each block and only
    there, become the next cell's start; and each row is a slice of width cells of equal
    length.
    """
    blocks_hex = packed.hex(" ", 4) + " "
    cells = _ONE_SIZE_CELL + blocks_hex.replace(f"{size:02x} ", ">" + _ONE_SIZE_CELL)
    row_length = width * _ONE_SIZE_CELL_LENGTH
    parts = []
    for start in range(0, len(cells) - len(_ONE_SIZE_CELL), row_length):
        parts.append("<tr>")
        parts.append(cells[start : start + row_length])
    return "".join(parts)


def _rows_block_by_block(numbers: list, width: int, sizes: dict[int, int], common_size: int) -> str:
    hex_ = _HEX
    # One lookup per block picks its tag's start. Keys are the checked sizes: 4.0 finds 4's
    # (equal numbers hash alike), while a posted 4.5 or "4" finds nothing and is refused.
    cell_start = {size: f"<td class=s{size} bgcolor=#" for size in sizes}
    cell_start[common_size] = _ONE_SIZE_CELL
    # One list of every row's and cell's text, joined once, each cell one f-string: a third
    # faster than joining each row and concatenating its pieces.
    parts = []
    numbers_left = iter(numbers)
    blocks = zip(numbers_left, numbers_left, numbers_left, numbers_left, strict=True)
    try:
        for _ in range(len(numbers) // (4 * width)):
            parts.append("<tr>")
            parts.extend(
                [
                    f"{cell_start[s]}{hex_[r]}{hex_[g]}{hex_[b]}>"
                    for r, g, b, s in islice(blocks, width)
                ]
            )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError("every block must be [red, green, blue, size], colours 0..255") from exc
    return "".join(parts)


def _size_css(dom_id: str, sizes: dict[int, int], common_size: int) -> str:
    rules = [f"#{dom_id} td{{width:{common_size}px;height:{common_size}px}}"]
    rules.extend(
        f"#{dom_id} .s{size}{{width:{size}px;height:{size}px}}"
        for size in sorted(sizes)
        if size != common_size
    )
    return "".join(rules)
