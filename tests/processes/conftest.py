"""Fixtures for tests that need more than one process: the site as gunicorn runs it in
production (tests/processes/gunicorn.py), sharing a cache and a database, and private servers
a test may stop (tests/processes/services.py).

Other processes must be able to open the test database: PostgreSQL (DATABASE_URL), as CI runs.
On the embedded SQLite the test database lives in this process's memory (tests/needs.py).
"""

import shutil
import subprocess
import sys
from collections.abc import Iterator

import pytest
from django.conf import settings

from tests.needs import missing_service, needs_memcached, needs_postgres
from tests.processes.gunicorn import SiteProcess, site_environment, start_gunicorn


@pytest.fixture
def shared_database(transactional_db):
    needs_postgres("other processes share the database")
    needs_memcached("other processes share the cache")


@pytest.fixture
def two_app_processes(shared_database) -> Iterator[tuple[SiteProcess, SiteProcess]]:
    first, second = start_gunicorn(), start_gunicorn()
    yield first, second
    first.stop()
    second.stop()


@pytest.fixture
def private_memcached():
    from tests.processes.services import PrivateMemcached

    if not shutil.which("memcached"):
        missing_service("memcached is not installed (Debian's memcached)")
    server = PrivateMemcached()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def private_postgres():
    from tests.processes.services import PrivatePostgres, postgres_bin

    try:
        postgres_bin()
    except RuntimeError as missing:
        missing_service(str(missing))
    server = PrivatePostgres()
    server.create()
    env = {**site_environment(), "DATABASE_URL": server.url, "MEMCACHED_SERVERS": ""}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    yield server
    server.destroy()
