"""Reading an ipythonblocks.org database: its two tables, public_grids and secret_grids.

Each has id, ipb_version, python_version, grid_data (width, height, lines_on, blocks),
code_cells, ipb_class, created_at and secret; PostgreSQL keeps the JSON columns as jsonb, the
first years' SQLite as text. A grid's URL was the hashids 0.8.4 of its id, with the public salt
for public_grids and the secret salt for secret_grids (the tables' ids overlap). Rows are read
in batches from a server-side cursor (PostgreSQL) or SQLite's own cursor, so a million rows
take the memory of one batch; each becomes an IncomingGrid at its old URL for loading.py, or a
(where, why) for a row that cannot even be read as one.
"""

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import orjson
import psycopg
from django.utils.dateparse import parse_datetime

from grids.ids import public_id_for
from grids.transfer.loading import IncomingGrid

TABLES = ("public_grids", "secret_grids")
COLUMNS = "id, ipb_version, python_version, grid_data, code_cells, ipb_class, created_at"
FETCH_SIZE = 1000


class LegacySource:
    """The original's database, by a postgres:// URL or a SQLite file's path."""

    def __init__(self, source: str):
        self.is_postgres = source.startswith(("postgres://", "postgresql://"))
        if self.is_postgres:
            self.connection = psycopg.connect(source)
        else:
            path = Path(source)
            if not path.is_file():
                raise FileNotFoundError(f"{source} is neither a postgres:// URL nor a file")
            self.connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)

    def close(self) -> None:
        self.connection.close()

    def count(self) -> int:
        return sum(
            self.connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in TABLES
        )

    def rows(self, table: str) -> Iterator[tuple]:
        # The JSON columns as text, parsed here: a broken one is that row's problem alone.
        columns = COLUMNS
        if self.is_postgres:
            columns = (
                "id, ipb_version, python_version::text, grid_data::text, code_cells::text, "
                "ipb_class, created_at"
            )
            with self.connection.transaction(), self.connection.cursor(name=table) as cursor:
                cursor.itersize = FETCH_SIZE
                cursor.execute(f"SELECT {columns} FROM {table} ORDER BY id")
                yield from cursor
        else:
            yield from self.connection.execute(f"SELECT {columns} FROM {table} ORDER BY id")


def incoming_from_legacy(
    source: LegacySource, public_salt: str, secret_salt: str
) -> Iterator[IncomingGrid | tuple[str, str]]:
    for table in TABLES:
        secret = table == "secret_grids"
        salt = secret_salt if secret else public_salt
        for row in source.rows(table):
            where = f"{table} {row[0]}"
            try:
                yield incoming_grid(row, where, salt, secret=secret)
            except (ValueError, TypeError) as error:
                yield where, str(error)


def incoming_grid(row: tuple, where: str, salt: str, *, secret: bool) -> IncomingGrid:
    legacy_id, ipb_version, python_version, grid_data, code_cells, ipb_class, created_at = row
    if type(legacy_id) is not int or legacy_id < 0:
        raise ValueError(f"id {legacy_id!r} is not a whole number")
    return IncomingGrid(
        where=where,
        public_id=public_id_for(legacy_id, salt),
        secret=secret,
        created_at=legacy_time(created_at),
        post={
            "python_version": json_column(python_version, "python_version"),
            "ipb_version": ipb_version,
            "ipb_class": ipb_class,
            "code_cells": json_column(code_cells, "code_cells"),
            "grid_data": json_column(grid_data, "grid_data"),
        },
    )


def json_column(text, name: str):
    if text is None:
        return None
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise ValueError(f"{name} is not JSON: {error}") from None


def legacy_time(value) -> datetime:
    """timestamptz from PostgreSQL; from SQLite, text, taken as UTC when it names no zone."""
    moment = value if isinstance(value, datetime) else parse_datetime(str(value))
    if moment is None:
        raise ValueError(f"created_at {value!r} is not a time")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
