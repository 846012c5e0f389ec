"""Shared by the fuzz tests: where Hypothesis keeps its files, the post throttle lifted, and a
tally of the requests sent, printed at the end of the run (docs/api.md)."""

import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

# Hypothesis caches Unicode tables on disk (a .hypothesis/ folder in the working directory by
# default); keep it out of the checkout. Its example database is off in every fuzz test, so
# each run generates the same cases from scratch (derandomized).
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "ipbsite-hypothesis")

FUZZ_TALLY: Counter = Counter()


@pytest.fixture
def fuzz_tally() -> Counter:
    """Requests sent, by test; pytest_terminal_summary prints the totals."""
    return FUZZ_TALLY


@pytest.fixture
def post_throttle_lifted(settings):
    """Thousands of posts from one address would trip IPB_THROTTLE_POSTS (120/minute) and turn
    every later case into a 429; the throttle has its own tests (tests/api/test_throttles.py)."""
    settings.IPB_THROTTLE_POSTS = "1000000/second"


def pytest_terminal_summary(terminalreporter):
    if FUZZ_TALLY:
        counts = ", ".join(f"{count} {name}" for name, count in sorted(FUZZ_TALLY.items()))
        total = sum(FUZZ_TALLY.values())
        terminalreporter.write_line(f"fuzz: {total} requests ({counts})")
