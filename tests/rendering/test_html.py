import gc
import gzip
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import orjson
import pytest
from django.utils.safestring import SafeString

from grids.rendering.html import (
    RenderedGrid,
    _rows_block_by_block,
    _table_rows,
    flat_blocks,
    render_grid,
)
from tests.factories import checker_blocks

GRID_CSS = Path(__file__).resolve().parents[2] / "static" / "grids" / "css" / "grid.css"


class TableReader(HTMLParser):
    """The start tags of a rendered table: end tags are optional, so only these carry meaning."""

    def __init__(self, markup: str):
        super().__init__()
        self.table: dict = {}
        self.rows: list[list[dict]] = []
        self.tag_count = 0
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tag_count += 1
        if tag == "table":
            self.table = dict(attrs)
        elif tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self.rows[-1].append(dict(attrs))


def hex_colour(block: list[int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*block[:3])


def test_each_block_is_one_cell_with_its_exact_colour_in_posted_order(grid_from_blocks):
    blocks = checker_blocks(7, 5)
    table = TableReader(render_grid(grid_from_blocks(blocks), "grid-a").table)

    assert [[cell["bgcolor"] for cell in row] for row in table.rows] == [
        [hex_colour(block) for block in row] for row in blocks
    ]


def test_table_holds_nothing_but_rows_and_cells(grid_from_blocks):
    rendered = render_grid(grid_from_blocks(checker_blocks(4, 3)), "grid-a")
    table = TableReader(rendered.table)

    assert rendered.table.startswith('<table id="grid-a" ')
    assert rendered.table.endswith("</table>")
    assert table.tag_count == 1 + 3 + 4 * 3


def test_table_is_marked_safe_for_templates(grid_from_blocks):
    rendered = render_grid(grid_from_blocks(checker_blocks(2, 2)), "grid-a")

    assert isinstance(rendered, RenderedGrid)
    assert isinstance(rendered.table, SafeString)


def test_extreme_colours_are_written_as_posted(grid_from_blocks):
    blocks = [[[0, 0, 0, 20], [255, 255, 255, 20], [255, 0, 16, 20]]]
    table = TableReader(render_grid(grid_from_blocks(blocks), "grid-a").table)

    assert [cell["bgcolor"] for cell in table.rows[0]] == ["#000000", "#ffffff", "#ff0010"]


def test_lines_on_grid_has_the_lines_on_class(grid_from_blocks):
    rendered = render_grid(grid_from_blocks(checker_blocks(2, 2), lines_on=True), "grid-a")

    assert TableReader(rendered.table).table["class"] == "blockgrid lines-on"


def test_lines_off_grid_has_no_borders(grid_from_blocks):
    rendered = render_grid(grid_from_blocks(checker_blocks(2, 2), lines_on=False), "grid-a")
    grid_css = re.sub(r"\s+", " ", GRID_CSS.read_text())

    assert TableReader(rendered.table).table["class"] == "blockgrid lines-off"
    assert ".blockgrid.lines-off td { border: 0 solid white; }" in grid_css
    assert ".blockgrid.lines-on td { border: 1px solid white; }" in grid_css


@pytest.mark.parametrize("ipb_class", ["BlockGrid", "ImageGrid"])
def test_table_tells_the_tooltip_script_its_grid_class(grid_from_blocks, ipb_class):
    grid = grid_from_blocks(checker_blocks(2, 2), ipb_class=ipb_class)

    assert TableReader(render_grid(grid, "grid-a").table).table["data-ipb-class"] == ipb_class


def test_uniform_grid_gets_one_size_rule_and_no_classes(grid_from_blocks):
    rendered = render_grid(grid_from_blocks(checker_blocks(3, 3, size=4)), "grid-a")

    assert rendered.css == "#grid-a td{width:4px;height:4px}"
    assert "class=s" not in rendered.table


def test_only_blocks_of_a_less_common_size_get_a_size_class(grid_from_blocks):
    blocks = checker_blocks(3, 2, size=20)
    blocks[0][1][3] = 7
    blocks[1][2][3] = 1
    rendered = render_grid(grid_from_blocks(blocks), "grid-a")
    table = TableReader(rendered.table)

    assert [[cell.get("class") for cell in row] for row in table.rows] == [
        [None, "s7", None],
        [None, None, "s1"],
    ]
    assert rendered.css == (
        "#grid-a td{width:20px;height:20px}"
        "#grid-a .s1{width:1px;height:1px}"
        "#grid-a .s7{width:7px;height:7px}"
    )


def test_a_first_block_of_a_less_common_size_gets_the_size_class(grid_from_blocks):
    blocks = checker_blocks(3, 2, size=20)
    blocks[0][0][3] = 7
    table = TableReader(render_grid(grid_from_blocks(blocks), "grid-a").table)

    assert [[cell.get("class") for cell in row] for row in table.rows] == [
        ["s7", None, None],
        [None, None, None],
    ]


def test_css_rules_are_scoped_to_the_table_id(grid_from_blocks):
    blocks = checker_blocks(3, 2, size=20)
    blocks[0][0][3] = 9
    rendered = render_grid(grid_from_blocks(blocks), "grid-Xy9-2")

    assert all(rule.startswith("#grid-Xy9-2 ") for rule in rendered.css.split("}") if rule)


@pytest.mark.parametrize(
    "dom_id", ["", "1grid", "-grid", "grid a", 'g"><script>', "g{}", "g_1", "g\n"]
)
def test_unusable_dom_id_is_refused(grid_from_blocks, dom_id):
    with pytest.raises(ValueError, match="dom_id"):
        render_grid(grid_from_blocks(checker_blocks(2, 2)), dom_id)


@pytest.mark.parametrize(
    "bad_block",
    [
        [256, 0, 0, 20],
        [0, -1, 0, 20],
        [0, 0, 3.5, 20],
        ["7", 0, 0, 20],
        ["<script>alert(1)</script>", 0, 0, 20],
        [None, 0, 0, 20],
        [0, 0, 0, 0],
        [0, 0, 0, -4],
        [0, 0, 0, 4.5],
        [0, 0, 0, "20px;background:red"],
        [0, 0, 0, [20]],
        [0, 0, 0],
        [0, 0, 0, 20, 5],
        "<td>",
    ],
)
def test_malformed_block_is_refused(grid_from_blocks, bad_block):
    blocks = checker_blocks(2, 2)
    blocks[1][1] = bad_block

    with pytest.raises(ValueError, match="block"):
        render_grid(grid_from_blocks(blocks), "grid-a")


def test_rows_of_the_wrong_length_are_refused(grid_from_blocks):
    grid = grid_from_blocks(checker_blocks(3, 2))
    grid.blocks[1].pop()

    with pytest.raises(ValueError, match="2 rows of 3 blocks"):
        render_grid(grid, "grid-a")


def test_missing_rows_are_refused(grid_from_blocks):
    grid = grid_from_blocks(checker_blocks(3, 2))
    grid.height = 3

    with pytest.raises(ValueError, match="3 rows of 3 blocks"):
        render_grid(grid, "grid-a")


def test_unknown_grid_class_is_refused(grid_from_blocks):
    grid = grid_from_blocks(checker_blocks(2, 2), ipb_class='"><script>alert(1)</script>')

    with pytest.raises(ValueError, match="ipb_class"):
        render_grid(grid, "grid-a")


def mixed_size_blocks() -> list:
    blocks = checker_blocks(4, 3, size=20)
    blocks[0][0][3] = 7
    blocks[2][1][3] = 1
    return blocks


@pytest.mark.parametrize(
    "blocks", [checker_blocks(1, 1), checker_blocks(7, 5), mixed_size_blocks()]
)
def test_a_grid_drawn_from_its_stored_text_is_drawn_as_from_its_blocks(grid_from_blocks, blocks):
    grid = grid_from_blocks(blocks)
    stored = orjson.dumps(blocks).decode()  # as JSONTextField stores them

    assert render_grid(grid, "grid-a", blocks_json=stored) == render_grid(grid, "grid-a")


def test_the_starry_night_drawn_from_its_stored_text_is_drawn_as_from_its_blocks(
    starry_night_grid,
):
    stored = orjson.dumps(starry_night_grid.blocks).decode()

    from_text = render_grid(starry_night_grid, "grid-a", blocks_json=stored)

    assert from_text == render_grid(starry_night_grid, "grid-a")


def test_stored_text_written_with_spaces_is_drawn_as_from_its_blocks(grid_from_blocks):
    blocks = checker_blocks(3, 2)
    grid = grid_from_blocks(blocks)
    spaced = json.dumps(blocks)  # as another writer might have stored it: the long way

    assert render_grid(grid, "grid-a", blocks_json=spaced) == render_grid(grid, "grid-a")


def test_stored_text_is_read_as_one_list_of_numbers_not_a_list_per_block(starry_night_grid):
    stored = orjson.dumps(starry_night_grid.blocks).decode()
    gc.disable()  # the count of new containers then only grows, until the collector is back
    try:
        before = gc.get_count()[0]
        plain = orjson.loads(stored)
        lists_decoding_plainly = gc.get_count()[0] - before
        before = gc.get_count()[0]
        numbers = flat_blocks(starry_night_grid, 125, 100, stored)
        lists_reading_flat = gc.get_count()[0] - before
    finally:
        gc.enable()

    assert numbers[:8] == [*plain[0][0], *plain[0][1]]
    assert len(numbers) == 4 * 125 * 100
    assert lists_decoding_plainly > 12_500  # the control: a list per block and per row
    assert lists_reading_flat < 10


@pytest.mark.parametrize(
    ("stored", "problem"),
    [
        ("[[[1,2,3,20],[4,5,6,20]],[[7,8,9,20]]]", "2 rows of 2 blocks"),
        ("[[[1,2,3,20],[4,5,6,20]],[[7,8,9,20],[1,2,3,20]],[]]", "2 rows of 2 blocks"),
        ("[[[1,2,3,20],[4,5,6,20]],[[7,8,9],[1,2,3,20,5]]]", "every block"),
        ('[[[1,2,3,20],[4,5,6,20]],[[7,8,9,20],["<td>",2,3,20]]]', "every block"),
        ("[[[1,2,3,20],[4,5,6,20]],[[7,8,9,20],[1,2,300,20]]]", "every block"),
    ],
)
def test_stored_text_that_is_not_the_grids_blocks_is_refused(grid_from_blocks, stored, problem):
    grid = grid_from_blocks(checker_blocks(2, 2))

    with pytest.raises(ValueError, match=problem):
        render_grid(grid, "grid-a", blocks_json=stored)


def test_starry_night_is_at_most_a_quarter_of_the_notebook_html(starry_night_grid, notebook_html):
    rendered = render_grid(starry_night_grid, "grid-abcdef")
    page_bytes = (rendered.css + rendered.table).encode()

    assert len(page_bytes) <= 0.25 * len(notebook_html(starry_night_grid).encode())


def test_starry_night_gzips_under_60_kb(starry_night_grid):
    rendered = render_grid(starry_night_grid, "grid-abcdef")

    # Level 6, as Django's GZipMiddleware compresses.
    compressed = gzip.compress((rendered.css + rendered.table).encode(), compresslevel=6)

    assert len(compressed) < 60_000


@pytest.mark.parametrize("size", [1, 15, 16, 100, 255, 256, 300])
def test_a_one_size_grid_is_drawn_as_block_by_block(size):
    # One-size grids are drawn from their numbers packed in bytes; a size past one byte is
    # drawn block by block, not refused (IPB_MAX_BLOCK_SIZE may allow it).
    blocks = checker_blocks(9, 4, size=size)
    blocks[0][:3] = [[0, 0, 0, size], [255, 255, 255, size], [16, 15, 1, size]]
    numbers = [number for row in blocks for block in row for number in block]
    sizes = {size: 9 * 4}

    assert _table_rows(numbers, 9, sizes, size) == _rows_block_by_block(numbers, 9, sizes, size)
    assert _table_rows(numbers, 9, sizes, size).count("<tr><td bgcolor=#") == 4
