"""Load an export_grids file into this site, empty or running: grids it holds are skipped, an
id held by a different grid is refused and listed, nothing is overwritten."""

from django.core.management.base import BaseCommand, CommandError

from grids.transfer.export import incoming_from_lines
from grids.transfer.loading import load_grids
from grids.transfer.progress import progress
from grids.transfer.report import report_lines


class Command(BaseCommand):
    help = "Load the grids of an export_grids file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a file export_grids wrote")

    def handle(self, *args, file, **options):
        try:
            with open(file, "rb") as lines:
                total = sum(1 for _ in lines)
                lines.seek(0)
                report = load_grids(
                    incoming_from_lines(progress(lines, total=total, what="Importing"))
                )
        except OSError as error:
            raise CommandError(str(error)) from None
        for line in report_lines(report):
            self.stdout.write(line)
