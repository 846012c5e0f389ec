"""bench/bulk_seed.py copies grids straight into the table: it must fill every column the
table requires, or --million fails minutes into a run (as it did when classes added two)."""

from bench.bulk_seed import COLUMNS
from grids.models import Grid


def test_the_seeder_fills_every_column_the_grid_table_requires():
    required = {field.column for field in Grid._meta.concrete_fields if not field.null}

    assert required <= set(COLUMNS)
