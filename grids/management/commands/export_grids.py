"""Write every grid as JSON lines, for import_grids on another site (docs/operating.md,
"Backups and restores"). Not the nightly backup: that is the database itself."""

import sys

from django.core.management.base import BaseCommand, CommandError

from classes.models import SchoolClass
from grids.transfer.export import export_lines, grids_to_export
from grids.transfer.progress import progress
from grids.transfer.times import moment_or_day


class Command(BaseCommand):
    help = "Write every grid (or those created since a date) as JSON lines."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="the file to write; standard output if left out")
        parser.add_argument(
            "--class",
            dest="class_code",
            metavar="CODE",
            help="only the grids of the class with this code (as createclass printed it)",
        )
        parser.add_argument(
            "--since",
            help="only grids created at or after this date or time (2025-09-01, or ISO 8601 "
            "with a zone; a date starts at midnight in DJANGO_TIME_ZONE)",
        )

    def handle(self, *args, output=None, since=None, class_code=None, **options):
        try:
            since = moment_or_day(since) if since else None
        except ValueError as error:
            raise CommandError(str(error)) from None
        school_class = None
        if class_code is not None:
            school_class = SchoolClass.objects.filter(code=class_code.strip().lower()).first()
            if school_class is None:
                raise CommandError(f"No class has the code {class_code!r}.")
        grids = grids_to_export(since, school_class)
        total = grids.count()
        out = open(output, "wb") if output else sys.stdout.buffer  # noqa: SIM115
        try:
            for line in progress(export_lines(grids), total=total, what="Exporting"):
                out.write(line)
        finally:
            if output:
                out.close()
            else:
                out.flush()
        self.stderr.write(f"Exported {total} grid(s)" + (f" to {output}." if output else "."))
