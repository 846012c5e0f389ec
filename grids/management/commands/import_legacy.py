"""Move an ipythonblocks.org database over, every grid at its old URL (docs/operating.md,
"Moving from ipythonblocks.org"). Rows that fail the checks of a post are listed, never
dropped silently; running it again skips what it loaded and adds new rows."""

import os
import sqlite3

import psycopg
from django.core.management.base import BaseCommand, CommandError

from grids.transfer.legacy import LegacySource, incoming_from_legacy
from grids.transfer.loading import load_grids
from grids.transfer.progress import progress
from grids.transfer.report import report_lines, write_rejects

SALT_VARIABLES = {"public_salt": "IPB_LEGACY_PUBLIC_SALT", "secret_salt": "IPB_LEGACY_SECRET_SALT"}


class Command(BaseCommand):
    help = "Load the grids of an ipythonblocks.org database (a postgres:// URL or a SQLite file)."

    def add_arguments(self, parser):
        parser.add_argument("source", help="postgres://... of the old database, or its SQLite file")
        parser.add_argument("--public-salt", help="the old site's hashids salt for public grids")
        parser.add_argument("--secret-salt", help="the old site's hashids salt for secret grids")
        parser.add_argument("--rejects", help="also write the refused rows to this CSV file")

    def handle(self, *args, source, rejects=None, **options):
        salts = {
            name: options[name] or os.environ.get(variable, "")
            for name, variable in SALT_VARIABLES.items()
        }
        missing = [
            f"--{name.replace('_', '-')} (or {SALT_VARIABLES[name]})"
            for name, salt in salts.items()
            if not salt
        ]
        if missing:
            raise CommandError(f"Give the old site's salts: {', '.join(missing)}.")
        try:
            legacy = LegacySource(source)
        except (OSError, psycopg.Error) as error:
            raise CommandError(f"Cannot open {source}: {error}") from None
        try:
            rows = incoming_from_legacy(legacy, **salts)
            report = load_grids(progress(rows, total=legacy.count(), what="Importing"))
        except (psycopg.Error, sqlite3.Error) as error:
            # Not the original's schema (a missing table or column): nothing row by row to say.
            raise CommandError(f"Cannot read the old grids from {source}: {error}") from None
        finally:
            legacy.close()
        for line in report_lines(report):
            self.stdout.write(line)
        if rejects:
            write_rejects(report, rejects)
            self.stdout.write(f"The {len(report.refused)} refused row(s) are in {rejects}.")
