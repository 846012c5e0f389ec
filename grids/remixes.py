"""Remixes traced from the code itself.

The client sends no parent, but a remix's code cells usually pull the grid it started from:
`BlockGrid.from_web('<id>')`, `ImageGrid.from_web('<id>', secret=True)`. Each statement that
says `from_web(` is parsed with ast, never run; a cell without those words costs a substring
search, so a post of 100 cells of 50,000 characters costs nothing more.

A parent is recorded whatever it is (secret, hidden, waiting): what pages show of it is decided
where they are built, from Grid.objects.public(), so a secret, hidden or waiting parent is never
linked or shown on a public page.
"""

import ast

from grids.models import Grid

CALL = "from_web("
# A statement longer than this is not the one-line call students write.
MOST_CHARACTERS_PARSED = 1_000
GRID_CLASSES = {"BlockGrid", "ImageGrid"}


def grids_named_in(code_cells: list[str] | None) -> list[tuple[str, bool]]:
    """(public id, secret) of each grid the cells pull with from_web, in order, once each."""
    named = []
    for cell in code_cells or []:
        if CALL not in cell:
            continue
        for line in cell.splitlines():
            if CALL in line and len(line) <= MOST_CHARACTERS_PARSED:
                named.extend(_calls_in(line.strip()))
    return list(dict.fromkeys(named))


def _calls_in(statement: str) -> list[tuple[str, bool]]:
    try:
        tree = ast.parse(statement)
    except (SyntaxError, ValueError):  # a line of a longer statement, a stray NUL: not ours
        return []
    return [found for node in ast.walk(tree) if (found := _from_web_call(node)) is not None]


def _from_web_call(node) -> tuple[str, bool] | None:
    """(id, secret) if node is BlockGrid.from_web('<id>'[, secret]) or ImageGrid's."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return None
    owner = node.func.value
    owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
    if node.func.attr != "from_web" or owner_name not in GRID_CLASSES or not node.args:
        return None
    grid_id = node.args[0]
    if not (isinstance(grid_id, ast.Constant) and isinstance(grid_id.value, str)):
        return None
    secret = node.args[1] if len(node.args) > 1 else None
    for keyword in node.keywords:
        if keyword.arg == "secret":
            secret = keyword.value
    is_secret = isinstance(secret, ast.Constant) and secret.value is True
    return grid_id.value, is_secret


def record_remix_parents(grid: Grid) -> list[str]:
    """Link the grid to each existing grid its code pulls; the parents' cache names."""
    named = [(public_id, secret) for public_id, secret in grids_named_in(grid.code_cells)]
    if not named:
        return []
    by_id = {
        (parent.public_id, parent.secret): parent
        for parent in Grid.objects.filter(public_id__in=[public_id for public_id, _ in named])
        .exclude(pk=grid.pk)
        .only("pk", "public_id", "secret")
    }
    parents = [by_id[key] for key in named if key in by_id]
    grid.remixed_from.add(*parents)
    return [parent.cache_name for parent in parents]
