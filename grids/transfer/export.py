"""The export: every grid as one line of JSON, and the import of such lines (loading.py).

A line holds what the site needs to give the grid back as it was: its id and kind, its state
and moderation (who hid it, by username), when it was featured, the grids its code remixed,
its creation time, and what the client posted. Blocks are written from their stored text,
never parsed, and grids are read a batch at a time, so an export runs in the same memory at
any size.
"""

from collections.abc import Iterator

import orjson
from django.db.models import Prefetch
from django.utils.dateparse import parse_datetime

from grids.models import Grid
from grids.transfer.loading import IncomingGrid

BATCH_SIZE = 500
# The first key of every line: what wrote it, for an import of a later release to read.
FORMAT = "ipythonblocks-grid/1"


def grids_to_export(since=None, school_class=None):
    """Every grid, whatever its state or kind, oldest first: the export is the operator's
    (the admin's and commands' rule, grids/models.py), not a public surface. Or only one
    class's grids: its teachers' download at the end of term (classes/views.py)."""
    grids = Grid.objects.all().with_blocks_json().select_related("hidden_by").order_by("pk")
    if since is not None:
        grids = grids.filter(created_at__gte=since)
    if school_class is not None:
        grids = grids.filter(school_class=school_class)
    parents = Prefetch("remixed_from", queryset=Grid.objects.only("public_id", "secret"))
    return grids.prefetch_related(parents)


def export_lines(grids) -> Iterator[bytes]:
    for grid in grids.iterator(chunk_size=BATCH_SIZE):
        yield grid_line(grid)


def grid_line(grid: Grid) -> bytes:
    record = {
        "format": FORMAT,
        "id": grid.public_id,
        "secret": grid.secret,
        "created_at": grid.created_at,
        "state": grid.state,
        "hidden_at": grid.hidden_at,
        "hidden_by": grid.hidden_by.get_username() if grid.hidden_by else None,
        "hidden_reason": grid.hidden_reason,
        "featured_at": grid.featured_at,
        "remixed_from": [
            {"id": parent.public_id, "secret": parent.secret} for parent in grid.remixed_from.all()
        ],
        "post": {
            "python_version": grid.python_version,
            "ipb_version": grid.ipb_version,
            "ipb_class": grid.ipb_class,
            "code_cells": grid.code_cells,
            "grid_data": {
                "width": grid.width,
                "height": grid.height,
                "lines_on": grid.lines_on,
                "blocks": orjson.Fragment(grid.blocks_json),
            },
        },
    }
    return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)


def incoming_from_lines(lines) -> Iterator[IncomingGrid | tuple[str, str]]:
    """Each line of an export as an IncomingGrid, or (where, why) for one that is not a grid."""
    for number, line in enumerate(lines, start=1):
        where = f"line {number}"
        if not line.strip():
            continue
        try:
            record = orjson.loads(line)
            if record.get("format") != FORMAT:
                raise ValueError(f"not a line of {FORMAT}")
            yield IncomingGrid(
                where=where,
                public_id=str(record["id"]),
                secret=record["secret"] is True,
                created_at=parsed_time(record["created_at"]),
                post=record["post"],
                state=record["state"],
                hidden_at=parsed_time(record["hidden_at"]),
                hidden_by=record["hidden_by"],
                hidden_reason=record["hidden_reason"] or "",
                featured_at=parsed_time(record["featured_at"]),
                remixed_from=[
                    (str(parent["id"]), parent["secret"] is True)
                    for parent in record["remixed_from"]
                ],
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            yield where, f"not a grid of an export: {error}"


def parsed_time(text):
    if text is None:
        return None
    moment = parse_datetime(text)
    if moment is None or moment.tzinfo is None:
        raise ValueError(f"{text!r} is not a time with its zone")
    return moment
