"""The bench writes grids' rows itself: bench/bulk_seed.py copies them for --million, and the
store limit (bench/urls.py) inserts one per post. Both must fill every column the table
requires, or --million fails minutes into a run and the store limit answers 500s (as both did
when classes added two columns)."""

from bench.bulk_seed import COLUMNS
from bench.urls import STORE_COLUMNS
from grids.models import Grid

REQUIRED = {field.column for field in Grid._meta.concrete_fields if not field.null}


def test_the_seeder_fills_every_column_the_grid_table_requires():
    assert set(COLUMNS) >= REQUIRED


def test_the_store_limit_fills_every_column_the_grid_table_requires_but_the_key():
    assert set(STORE_COLUMNS) >= REQUIRED - {"id"}
