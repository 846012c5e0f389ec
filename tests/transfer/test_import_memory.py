"""import_legacy streams: 100,000 legacy rows are imported in the memory of one batch, in a
real process, on PostgreSQL (issue 26)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from grids.models import Grid
from tests.needs import needs_postgres
from tests.transfer.legacy_databases import legacy_row, postgres_url, write_sqlite

REPO = Path(__file__).resolve().parents[2]
# A Django process at rest is about 75 MB here; a batch of 500 small grids adds a few.
PEAK_RSS_MB_AT_MOST = 150
# 100,000 rows against 10,000: the same memory, within noise.
GROWTH_MB_AT_MOST = 15


def import_in_a_process(source: str) -> float:
    """Run import_legacy in its own process on the test database; its peak RSS in MB."""
    url = postgres_url(connection.settings_dict, connection.settings_dict["NAME"])
    # A fresh process has no children yet: its maximum is this run's alone.
    runner = (
        "import resource, subprocess, sys;"
        "subprocess.run(sys.argv[1:], check=True);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            runner,
            sys.executable,
            "manage.py",
            "import_legacy",
            source,
            "--public-salt",
            "public",
            "--secret-salt",
            "secret",
        ],
        cwd=REPO,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout.strip().splitlines()[-1]) / 1024


@pytest.mark.django_db(transaction=True)
def test_a_hundred_thousand_legacy_rows_import_in_constant_memory(tmp_path):
    needs_postgres("the import's memory is measured on the production database")
    blocks = [[[1, 2, 3, 20], [4, 5, 6, 20]], [[7, 8, 9, 20], [10, 11, 12, 20]]]
    small = write_sqlite(
        tmp_path / "small.sqlite3",
        [legacy_row(n, width=2, height=2, blocks=blocks) for n in range(1, 10_001)],
        [],
    )
    large = write_sqlite(
        tmp_path / "large.sqlite3",
        [legacy_row(n, width=2, height=2, blocks=blocks) for n in range(1, 100_001)],
        [],
    )

    small_peak = import_in_a_process(small)
    Grid.objects.all().delete()
    large_peak = import_in_a_process(large)

    assert Grid.objects.count() == 100_000
    assert large_peak <= PEAK_RSS_MB_AT_MOST, large_peak
    assert large_peak - small_peak <= GROWTH_MB_AT_MOST, (small_peak, large_peak)
    print(f"peak RSS: {small_peak:.0f} MB at 10,000 rows, {large_peak:.0f} MB at 100,000")
