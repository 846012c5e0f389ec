import os

import pytest
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.cache import cache
from django.core.management import call_command
from django.test.utils import override_settings

from grids.samples import STARRY_NIGHT, read_starry_night
from tests.factories import make_grid as _make_grid


@pytest.fixture(scope="session", autouse=True)
def _collected_static(tmp_path_factory):
    """Static files collected as in production (hashed names, whitenoise), once per run.

    With DEBUG off the site links hashed file names from a manifest, which only collectstatic
    writes; the tests serve exactly what gunicorn would. The live server's own static handler
    looks files up by their unhashed names and would answer 404, so it is told to pass every
    request on to the site, where WhiteNoise serves /static/ as in production.
    """
    with (
        override_settings(STATIC_ROOT=tmp_path_factory.mktemp("staticfiles")),
        pytest.MonkeyPatch.context() as patch,
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        patch.setattr(StaticFilesHandler, "_should_handle", lambda handler, path: False)
        yield


@pytest.fixture(scope="session", autouse=True)
def _memcached_really_answers(django_db_blocker):
    """With MEMCACHED_SERVERS set, the suite must really talk to memcached.

    The cache ignores errors (a dead memcached reads as a miss, by design), so without this a
    stopped memcached would let every test pass against no cache at all.
    """
    if not settings.MEMCACHED_SERVERS:
        return
    cache.set("suite-probe", "here", 30)
    if cache.get("suite-probe") != "here":
        pytest.fail(f"memcached at {settings.MEMCACHED_SERVERS} does not answer", pytrace=False)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_grid(db):
    return _make_grid


def load_starry_night() -> dict:
    """The 125x100 ImageGrid from ipythonblocks' demos (CONTRACT.md, Sample data)."""
    return read_starry_night(STARRY_NIGHT)


@pytest.fixture(scope="session")
def starry_night() -> dict:
    return load_starry_night()


def running_in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def missing_service(reason: str):
    """A real service or browser the test needs is not there: skipped on a developer's
    machine, a failure in CI (CI=true), where everything must be installed and running."""
    if running_in_ci():
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)
