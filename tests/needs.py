"""What a test does when a real service or browser it needs is not there.

On a developer's machine it is skipped; in CI (CI=true), where everything must be installed and
running, it fails. One exception, declared, not guessed: .ci/run's first pass runs the suite
on the embedded defaults (SQLite and the local-memory cache, as most schools run the site) with
IPB_TEST_PASS=embedded, and there the tests that pin PostgreSQL's or memcached's behaviour have
nothing to pin; they run in the second pass, on both servers.
"""

import os

import pytest
from django.conf import settings
from django.db import connection


def running_in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def embedded_pass() -> bool:
    return os.environ.get("IPB_TEST_PASS") == "embedded"


def missing_service(reason: str):
    """A service or browser the test needs is not there: skipped, or a failure in CI."""
    if running_in_ci():
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def missing_server(reason: str):
    """PostgreSQL or memcached is not configured: skipped in the declared embedded pass,
    otherwise as missing_service()."""
    if embedded_pass():
        pytest.skip(f"{reason} (this pass runs on the embedded defaults)")
    missing_service(reason)


def needs_postgres(why: str) -> None:
    if connection.vendor != "postgresql":
        missing_server(f"needs DATABASE_URL (PostgreSQL): {why}")


def needs_memcached(why: str) -> None:
    if not settings.MEMCACHED_SERVERS:
        missing_server(f"needs MEMCACHED_SERVERS: {why}")
