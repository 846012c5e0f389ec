"""Schemathesis over every operation of the API's OpenAPI schema (/api/schema), in process
through the WSGI app: valid and invalid requests alike get no 5xx, only documented status codes
and bodies, and a rejected post stores nothing (docs/api.md)."""

import warnings

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from grids.models import Grid
from tests.factories import post_payload

with warnings.catch_warnings():
    # Built at import, before tests/conftest.py collects the static files, so WhiteNoise finds
    # no STATIC_ROOT and says so; these tests call only the API. For the same reason the app is
    # put together here as ipbsite/wsgi.py does, without that module's refusal to start
    # without collected static files.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    from django.core.wsgi import get_wsgi_application

    from grids.caching.replay import ReplayCachedResponses

    application = ReplayCachedResponses(get_wsgi_application())

# Examples per operation in the fuzzing phase; the examples and coverage phases add their own
# cases (schema boundaries and each constraint broken in turn). Measured: see docs/api.md, Fuzzing.
FUZZ_EXAMPLES_PER_OPERATION = 250

CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {
            # Valid and invalid requests (wrong types, missing fields, broken constraints).
            "mode": "all",
            "max-examples": FUZZ_EXAMPLES_PER_OPERATION,
            # The same cases on every run and in CI, and no example database on disk.
            "deterministic": True,
            "database": "none",
        },
        "phases": {"stateful": {"enabled": False}},
        "checks": {
            # A post valid by the schema is still refused unless blocks has `height` rows of
            # `width` blocks and width * height <= IPB_MAX_BLOCKS, which JSON Schema cannot
            # say, so valid-by-schema posts are mostly (rightly) 400s.
            # test_api_answers_real_requests_within_the_schema covers the 200s.
            "positive_data_acceptance": {"enabled": False},
        },
    }
)

schema = schemathesis.openapi.from_wsgi("/api/schema?format=json", application, config=CONFIG)

# Schemathesis sends requests' default Accept-Encoding (gzip) but its WSGI transport does not
# decompress, and GZipMiddleware compresses answers over 200 bytes: ask for plain bodies.
PLAIN = {"Accept-Encoding": "identity"}


@pytest.fixture
def db_connection_kept_open(db):
    """Keep the test's database connection through each request, as Django's test client does.

    A bare WSGI call ends with close_old_connections(), which closes a connection left inside a
    transaction: on PostgreSQL that is the test's own, and every later query would fail.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    # The database and settings fixtures are set up once per operation, not per case: fine
    # here, since every case counts Grid rows before and after itself.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)
def test_api_answers_generated_requests_within_the_schema(
    case, db_connection_kept_open, post_throttle_lifted, fuzz_tally
):
    grids_before = Grid.objects.count()

    response = case.call(headers=PLAIN)

    fuzz_tally[f"schemathesis {case.meta.generation.mode.value} cases"] += 1
    case.validate_response(response)
    stored = Grid.objects.count() - grids_before
    if response.status_code >= 400:
        assert stored == 0, f"answered {response.status_code} but stored a grid"
    elif case.method == "POST":
        assert stored == 1


def test_api_answers_real_requests_within_the_schema(db_connection_kept_open, make_grid):
    """The 200s random generation cannot reach: a real post, and fetches of real grids."""
    public, secret = make_grid(), make_grid(secret=True)
    for path in ("/post", "/api/grids"):
        response = schema[path]["POST"].Case(body=post_payload()).call_and_validate(headers=PLAIN)
        assert response.status_code == 200
    for path, grid, other in [
        ("/get/{public_id}", public, secret),
        ("/api/grids/{public_id}", public, secret),
        ("/get/secret/{public_id}", secret, public),
        ("/api/secret-grids/{public_id}", secret, public),
    ]:
        operation = schema[path]["GET"]
        found = operation.Case(path_parameters={"public_id": grid.public_id}).call_and_validate(
            headers=PLAIN
        )
        assert found.status_code == 200
        assert found.json()["width"] == grid.width
        missing = operation.Case(path_parameters={"public_id": other.public_id})
        assert missing.call_and_validate(headers=PLAIN).status_code == 404
