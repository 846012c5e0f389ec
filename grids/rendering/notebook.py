"""A grid as a Jupyter notebook to download (/<id>.ipynb): nbformat 4, written as plain JSON.

First a note that the code is another student's, to read before running; then the cell that
pulls the grid from this site (pointing the client at it where needed, grids/snippets.py);
then the code cells as they were posted, never run here.
"""

import orjson

from grids.models import Grid
from grids.site_url import absolute_url
from grids.snippets import remix_snippet

NBFORMAT, NBFORMAT_MINOR = 4, 5  # 4.5: every cell has an id


def notebook_json(grid: Grid) -> bytes:
    page = absolute_url(grid.get_absolute_url())
    note = (
        f"# {grid.ipb_class} {grid.public_id}\n\n"
        f"This notebook holds another student's code, shared at <{page}>. "
        "**Read each cell before you run it**: code in a notebook can do anything your "
        "notebook can.\n\n"
        "The next cell pulls the grid from the site. The cells after it are the code that "
        "made it, as its author posted it."
    )
    cells = [
        markdown_cell("about-this-notebook", note),
        code_cell("pull-the-grid", remix_snippet(grid)),
        *(
            code_cell(f"posted-cell-{number}", source)
            for number, source in enumerate(grid.code_cells or [], start=1)
        ),
    ]
    notebook = {
        "nbformat": NBFORMAT,
        "nbformat_minor": NBFORMAT_MINOR,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
        "cells": cells,
    }
    return orjson.dumps(notebook, option=orjson.OPT_INDENT_2)


def markdown_cell(cell_id: str, source: str) -> dict:
    return {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": source}


def code_cell(cell_id: str, source: str) -> dict:
    return {
        "cell_type": "code",
        "id": cell_id,
        "metadata": {},
        "execution_count": None,
        "outputs": [],
        "source": source,
    }
