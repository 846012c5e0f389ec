"""Databases of the original ipythonblocks.org's schema, in PostgreSQL and in SQLite, for the
import tests: its two tables, with the JSON columns as jsonb (PostgreSQL) or text (SQLite)."""

import json
import sqlite3
from datetime import UTC, datetime

import psycopg

from tests.factories import checker_blocks

PUBLIC_SALT, SECRET_SALT = "public", "secret"

POSTGRES_SCHEMA = """
CREATE TABLE public_grids (
    id serial PRIMARY KEY, ipb_version text, python_version jsonb, grid_data jsonb,
    code_cells jsonb, ipb_class text, created_at timestamptz, secret boolean
);
CREATE TABLE secret_grids (LIKE public_grids INCLUDING ALL);
"""
SQLITE_SCHEMA = """
CREATE TABLE public_grids (
    id INTEGER PRIMARY KEY, ipb_version TEXT, python_version TEXT, grid_data TEXT,
    code_cells TEXT, ipb_class TEXT, created_at TEXT, secret BOOLEAN
);
CREATE TABLE secret_grids (
    id INTEGER PRIMARY KEY, ipb_version TEXT, python_version TEXT, grid_data TEXT,
    code_cells TEXT, ipb_class TEXT, created_at TEXT, secret BOOLEAN
);
"""
COLUMNS = "id, ipb_version, python_version, grid_data, code_cells, ipb_class, created_at, secret"


def legacy_row(legacy_id: int, *, width=3, height=2, blocks=None, code_cells=None, **changes):
    """A valid row as the original stored it: JSON columns as text."""
    grid_data = {
        "width": width,
        "height": height,
        "lines_on": True,
        "blocks": blocks if blocks is not None else checker_blocks(width, height),
    }
    row = {
        "id": legacy_id,
        "ipb_version": "1.7.0",
        "python_version": json.dumps([2, 7, 6, "final", 0]),
        "grid_data": json.dumps(grid_data),
        "code_cells": json.dumps(code_cells) if code_cells is not None else None,
        "ipb_class": "BlockGrid",
        "created_at": datetime(2014, 3, 1, 12, legacy_id % 60, tzinfo=UTC),
        "secret": False,
    }
    row.update(changes)
    return row


def write_sqlite(path, public_rows: list[dict], secret_rows: list[dict]) -> str:
    with sqlite3.connect(path) as connection:
        connection.executescript(SQLITE_SCHEMA)
        for table, rows in (("public_grids", public_rows), ("secret_grids", secret_rows)):
            connection.executemany(
                f"INSERT INTO {table} ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (*[row[column] for column in COLUMNS.split(", ")[:-2]], *_sqlite_tail(row))
                    for row in rows
                ],
            )
    connection.close()
    return str(path)


def _sqlite_tail(row) -> tuple:
    created_at = row["created_at"]
    if isinstance(created_at, datetime):  # the first years wrote naive UTC text
        created_at = created_at.strftime("%Y-%m-%d %H:%M:%S.%f")
    return created_at, row["secret"]


def postgres_url(settings_dict, name: str) -> str:
    """The URL of database `name` on the test database's PostgreSQL server."""
    user = settings_dict["USER"] or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    host, port = settings_dict["HOST"] or "127.0.0.1", settings_dict["PORT"] or 5432
    return f"postgresql://{user}{password}@{host}:{port}/{name}"


def write_postgres(settings_dict, name: str, public_rows, secret_rows) -> str:
    """A new database `name` beside the test database, of the original's schema; its URL."""
    with psycopg.connect(postgres_url(settings_dict, "postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    url = postgres_url(settings_dict, name)
    with psycopg.connect(url) as connection:
        connection.execute(POSTGRES_SCHEMA)
        for table, rows in (("public_grids", public_rows), ("secret_grids", secret_rows)):
            for row in rows:
                connection.execute(
                    f"INSERT INTO {table} ({COLUMNS}) VALUES "
                    "(%s, %s, %s::jsonb, %s::jsonb, %s::jsonb, %s, %s, %s)",
                    [row[column] for column in COLUMNS.split(", ")],
                )
    return url


def drop_postgres(settings_dict, name: str) -> None:
    with psycopg.connect(postgres_url(settings_dict, "postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
