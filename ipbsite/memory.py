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
# One heap for all of a worker's threads. Each thread otherwise gets a heap of its own, which
# the trim threshold does not shrink: after sixteen rounds of two largest grids at once, a
# worker kept 31-32 MB above its idle size with a heap per thread, 16-18 in one heap (with the
# collection after each large post, grids/api/parsers.py; bench/RESULTS.md). A worker runs two
# threads (gunicorn.conf.py), so they rarely wait on each other's malloc.
M_ARENA_MAX = -8
MMAP_THRESHOLD_BYTES = 2 * 1024 * 1024


def hand_freed_memory_back() -> None:
    libc = ctypes.CDLL(None) if sys.platform == "linux" else None
    if hasattr(libc, "mallopt"):
        libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
        libc.mallopt(M_TRIM_THRESHOLD, 2 * MMAP_THRESHOLD_BYTES)
        libc.mallopt(M_ARENA_MAX, 1)
