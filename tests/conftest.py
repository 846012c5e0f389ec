import pytest
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.cache import cache
from django.core.management import call_command
from django.test.utils import override_settings

from tests.factories import load_starry_night
from tests.factories import make_grid as _make_grid
from tests.needs import embedded_pass


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


@pytest.fixture(scope="session", autouse=True)
def _embedded_pass_is_embedded():
    """A pass declared embedded (IPB_TEST_PASS=embedded, tests/needs.py) skips the tests of
    PostgreSQL and memcached, so it must really run on SQLite and the local-memory cache."""
    if embedded_pass() and (
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3"
        or settings.MEMCACHED_SERVERS
    ):
        pytest.fail(
            "IPB_TEST_PASS=embedded, but DATABASE_URL or MEMCACHED_SERVERS is set", pytrace=False
        )


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_grid(db):
    return _make_grid


@pytest.fixture(scope="session")
def starry_night() -> dict:
    return load_starry_night()
