"""Decoding a grid's JSON with Python's cyclic garbage collector paused.

A grid's blocks decode into one list per block: 12,500 for the starry night, 250,000 for the
largest grid the site takes. The collector looks through the young containers every 700 new
ones, and through older ones every so often, so decoding the starry night's blocks paid for a
few dozen passes, a large share of reading the grid even after ipbsite/wsgi.py froze what it
loaded at start (bench/RESULTS.md). Lists of numbers and strings never form reference cycles,
so those passes never free anything.
"""

import gc
from contextlib import contextmanager


@contextmanager
def collector_paused():
    """No cyclic collection inside the block; the next allocation after it may collect.

    The collector is one switch for the whole process: in a threaded worker, another thread
    decoding at the same time also sees it off, and whichever thread found it on turns it back
    on, so it is never left off once every decode has ended (unless it was off before).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
