"""What an import says when it is done: counts, then every grid it refused or loaded over the
site's limits, each with where it came from and why."""

import csv

from grids.transfer.loading import LoadReport

# Lines of each list written to the terminal; the rejects file (import_legacy) has them all.
MOST_LISTED = 200


def report_lines(report: LoadReport) -> list[str]:
    lines = [
        f"Loaded {report.loaded} grid(s); skipped {report.skipped} the site already holds; "
        f"refused {len(report.refused)}; {len(report.over_limits)} loaded over the site's "
        "size limits."
    ]
    for title, entries in (
        ("Refused (nothing stored):", report.refused),
        ("Loaded, though over the site's size limits:", report.over_limits),
    ):
        if entries:
            lines.append(title)
            lines += [f"  {where}: {why}" for where, why in entries[:MOST_LISTED]]
            if len(entries) > MOST_LISTED:
                lines.append(f"  ... and {len(entries) - MOST_LISTED} more")
    return lines


def write_rejects(report: LoadReport, path: str) -> None:
    """Every refused legacy row as CSV: table, id, reason."""
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["table", "id", "reason"])
        for where, why in report.refused:
            table, _, legacy_id = where.partition(" ")
            writer.writerow([table, legacy_id, why])
