"""How a worker process's C allocator hands memory back: set once, as the worker starts
(ipbsite/wsgi.py), since it holds for the whole process and not for one part of the site."""

import ctypes
import sys

# glibc's malloc maps each block above a threshold on its own and unmaps it when freed, but the
# first such free raises that threshold (up to 32 MiB) and the heaps' trimming one with it: later
# large bodies, their text and their lists come from heaps that keep what is freed, and a worker
# stayed far above its idle size (bench/RESULTS.md, issue 22). Thresholds set once stay put.
# These sit above the blocks a big grid's page is built from: at glibc's default each of those
# became a new mapping, and the page measurably slower. Other C libraries lack or ignore mallopt.
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 2 * 1024 * 1024


def unmap_large_blocks_when_freed() -> None:
    libc = ctypes.CDLL(None) if sys.platform == "linux" else None
    if hasattr(libc, "mallopt"):
        libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
        libc.mallopt(M_TRIM_THRESHOLD, 2 * MMAP_THRESHOLD_BYTES)
