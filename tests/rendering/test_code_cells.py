import html
import re
from pathlib import Path

import pytest
from django.utils.safestring import SafeString

from grids.rendering.code import highlight_code_cells, pygments_css

PYGMENTS_CSS = Path(__file__).resolve().parents[2] / "static" / "grids" / "css" / "pygments.css"

XSS_CELLS = [
    "<script>alert(1)</script>",
    "print('</pre></div><script>alert(1)</script>')",
    "# <img src=x onerror=alert(1)>",
    's = """\n</code></pre><iframe src=javascript:alert(1)>\n"""',
    "%%html\n<script>alert(document.cookie)</script>",
    "!echo '<svg onload=alert(1)>'",
    "x = 1  # --><script>alert(1)</script><!--",
]


def shown_text(highlighted: str) -> str:
    """The text a reader sees in the cell: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]*>", "", highlighted))


def test_no_code_cells_give_no_blocks():
    assert highlight_code_cells(None) == []
    assert highlight_code_cells([]) == []


def test_each_cell_becomes_one_highlighted_block_in_order():
    cells = ["x = 1", "for i in range(3):\n    print(i)"]
    highlighted = highlight_code_cells(cells)

    assert len(highlighted) == 2
    assert all(isinstance(cell, SafeString) for cell in highlighted)
    assert all(cell.startswith('<div class="highlight"><pre>') for cell in highlighted)
    assert [shown_text(cell).strip() for cell in highlighted] == cells


def test_python_is_highlighted():
    (highlighted,) = highlight_code_cells(["for block in grid:\n    block.red = 255"])

    assert '<span class="k">for</span>' in highlighted
    assert '<span class="mi">255</span>' in highlighted


@pytest.mark.parametrize("source", XSS_CELLS)
def test_markup_in_code_cells_comes_out_escaped(source):
    (highlighted,) = highlight_code_cells([source])
    tags = re.findall(r"</?([a-z]+)", highlighted)

    assert set(tags) <= {"div", "pre", "span"}
    assert highlighted.count("</pre>") == 1
    assert shown_text(highlighted).strip() == source


@pytest.mark.parametrize("line", ["%matplotlib inline", "!pip install ipythonblocks"])
def test_magic_and_shell_lines_are_not_shown_as_errors(line):
    (highlighted,) = highlight_code_cells([f"{line}\nx = 1"])

    assert 'class="err"' not in highlighted
    assert shown_text(highlighted).strip() == f"{line}\nx = 1"


def test_modulo_inside_code_is_still_an_operator():
    (highlighted,) = highlight_code_cells(["x = 7 % 3"])

    assert '<span class="o">%</span>' in highlighted


def test_committed_pygments_css_is_what_pygments_css_generates():
    assert PYGMENTS_CSS.read_text() == pygments_css()


def test_pygments_css_touches_only_highlighted_code():
    rules = [line for line in pygments_css().splitlines() if "{" in line]

    assert rules
    assert all(rule.startswith(".highlight") for rule in rules)
