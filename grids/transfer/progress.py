"""The commands' progress bars: on stderr, and quiet when stderr is not a terminal (a cron
job's mail, a CI log), where a bar redrawn many times a second is noise."""

import sys

from tqdm import tqdm


def progress(iterable, *, total: int | None, what: str):
    return tqdm(
        iterable,
        total=total,
        desc=what,
        unit=" grids",
        file=sys.stderr,
        disable=not sys.stderr.isatty(),
        smoothing=0.1,
    )
