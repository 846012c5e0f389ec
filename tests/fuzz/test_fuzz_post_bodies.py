"""Hypothesis against POST /post and /api/grids with bodies no schema describes: arbitrary JSON,
valid grids broken in one place, random bytes, huge numbers, deep nesting, NUL and lone
surrogates. Every answer is a 200 or a 4xx with a JSON body, and a 4xx stores nothing."""

import json

import hypothesis
import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, example, given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from grids.models import Grid
from tests.post_strategies import broken_posts, json_values, valid_posts

POST_BODY_EXAMPLES = 1200
MAX_BODY_BYTES = 64 * 1024

CONTENT_TYPES = ["", "application/json", "text/plain", "application/x-www-form-urlencoded"]


def encoded(value, ensure_ascii: bool) -> bytes:
    # Without ensure_ascii, a lone surrogate is written raw: invalid UTF-8, as a broken client
    # might send it.
    return json.dumps(value, ensure_ascii=ensure_ascii).encode("utf-8", "surrogatepass")


bodies = st.one_of(
    # A valid post wrong in one to three places reaches the deepest checks.
    broken_posts().map(lambda post: encoded(post, ensure_ascii=True)),
    st.builds(encoded, json_values | valid_posts() | broken_posts(), ensure_ascii=st.booleans()),
    st.binary(),
    st.integers(1, 20_000).map(lambda depth: b"[" * depth + b"]" * depth),
    st.sampled_from([b"", b"{", b"NaN", b'{"a": Infinity}', b"\xff\xfe"]),
)


@pytest.fixture(scope="module")
def grid_post_schema() -> Draft202012Validator:
    """The GridPost schema, as served at /api/schema."""
    document = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(public=True)))
    return Draft202012Validator(
        {"$ref": "#/components/schemas/GridPost", "components": document["components"]}
    )


@pytest.fixture
def small_body_limit(settings):
    """A smaller body limit than production's 8 MiB, so generated bodies reach the 413 too.

    Set once per test: each assignment to `settings` stacks another override_settings layer,
    and one per example would make every settings lookup walk thousands of them.
    """
    settings.IPB_MAX_BODY_BYTES = MAX_BODY_BYTES


@pytest.mark.django_db
@hypothesis.settings(
    max_examples=POST_BODY_EXAMPLES,
    derandomize=True,  # the same bodies on every run and in CI
    database=None,  # no .hypothesis example files
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # db and settings: once per test, see below
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(
    body=bodies,
    path=st.sampled_from(["/post", "/api/grids"]),
    content_type=st.sampled_from(CONTENT_TYPES),
)
@example(body=b"[" * 30_000 + b"]" * 30_000, path="/post", content_type="")
@example(body=b"{" + b" " * MAX_BODY_BYTES + b"}", path="/post", content_type="")
@example(body=b'{"width": ' + b"9" * 5000 + b"}", path="/post", content_type="")
def test_any_post_body_gets_a_json_answer_and_a_refusal_stores_nothing(
    client,
    grid_post_schema,
    small_body_limit,
    post_throttle_lifted,
    fuzz_tally,
    body,
    path,
    content_type,
):
    # Examples share one test transaction (the db fixture), so compare counts, not totals.
    grids_before = Grid.objects.count()

    response = client.generic("POST", path, body, content_type=content_type)

    fuzz_tally["arbitrary post bodies"] += 1
    stored = Grid.objects.count() - grids_before
    assert response["Content-Type"] == "application/json"
    answer = json.loads(response.content)
    if response.status_code == 200:
        assert set(answer) == {"url"}
        assert stored == 1
        # Only what the schema allows is stored (it cannot say more: blocks must also have
        # `height` rows of `width`).
        assert grid_post_schema.is_valid(json.loads(body))
    else:
        assert response.status_code in (400, 413), (response.status_code, answer)
        assert answer
        assert isinstance(answer, dict)
        assert stored == 0
