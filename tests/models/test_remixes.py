"""Remixes traced from the code itself (grids/remixes.py): parsed with ast, never run."""

import pytest

from grids.models import Grid, GridState
from grids.remixes import grids_named_in, record_remix_parents

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("cell", "named"),
    [
        ("grid = BlockGrid.from_web('abc123')", [("abc123", False)]),
        ('g = ImageGrid.from_web("XyZ789", secret=True)', [("XyZ789", True)]),
        ("g = BlockGrid.from_web('abc123', True)", [("abc123", True)]),
        ("g = ipythonblocks.BlockGrid.from_web('abc123')", [("abc123", False)]),
        ("g = BlockGrid.from_web('a1b2c3', secret=False)\ng.show()", [("a1b2c3", False)]),
        (
            "BlockGrid.from_web('one1'); ImageGrid.from_web('two2')",
            [("one1", False), ("two2", False)],
        ),
        # Not a call the client makes, or not a literal id: nothing to trace.
        ("g = Something.from_web('abc123')", []),
        ("g = BlockGrid.from_web(grid_id)", []),
        ("# BlockGrid.from_web('abc123') in a comment", []),
        ("s = \"BlockGrid.from_web('abc123')\"", []),
        ("g = BlockGrid.from_web(", []),
        ("for row in grid:\n    row.red = 255", []),
    ],
)
def test_the_grids_a_cell_pulls_are_found_by_parsing_it(cell, named):
    assert grids_named_in([cell]) == named


def test_only_lines_that_call_from_web_are_parsed_and_none_too_long():
    long_call = "g = BlockGrid.from_web('abc123')  # " + "x" * 1_000
    huge_cell = "x = 1\n" * 10_000 + "g = BlockGrid.from_web('ok1234')"

    assert grids_named_in([long_call]) == []
    assert grids_named_in([huge_cell]) == [("ok1234", False)]
    assert grids_named_in(None) == []


def test_existing_grids_named_are_recorded_as_parents_secret_or_not(make_grid):
    public, secret = make_grid(), make_grid(secret=True)
    child = make_grid(
        code_cells=[
            f"a = BlockGrid.from_web('{public.public_id}')",
            f"b = BlockGrid.from_web('{secret.public_id}', secret=True)",
            f"c = BlockGrid.from_web('{secret.public_id}')",  # not at its public address
            "d = BlockGrid.from_web('nosuch')",
        ]
    )

    parents = record_remix_parents(child)

    assert sorted(parents) == sorted([public.cache_name, secret.cache_name])
    assert set(child.remixed_from.all()) == {public, secret}
    assert list(public.remixes.all()) == [child]


def test_a_grid_that_pulls_itself_is_not_its_own_remix(make_grid):
    grid = make_grid()
    grid.code_cells = [f"g = BlockGrid.from_web('{grid.public_id}')"]

    assert record_remix_parents(grid) == []
    assert not Grid.objects.get(pk=grid.pk).remixed_from.exists()


def test_deleting_a_parent_keeps_the_remix(make_grid):
    parent = make_grid()
    child = make_grid(code_cells=[f"g = BlockGrid.from_web('{parent.public_id}')"])
    record_remix_parents(child)

    Grid.objects.filter(pk=parent.pk).delete()

    assert Grid.objects.get(pk=child.pk).state == GridState.PUBLISHED
    assert not child.remixed_from.exists()
