import json

import pytest
from django.urls import reverse, set_script_prefix

from grids.api.parsers import FAST_PARSE_MAX_BYTES
from grids.api.serializers import GridPostSerializer
from grids.models import Grid
from tests.factories import checker_blocks, post_payload
from tests.posting import post_json

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "content_type",
    [
        "",
        "application/json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "text/plain; charset=utf-8",
    ],
)
def test_post_is_accepted_whatever_the_content_type_says(client, content_type):
    response = post_json(client, post_payload(), content_type=content_type)

    assert response.status_code == 200, response.content
    grid = Grid.objects.get()
    assert response.json() == {"url": f"http://testserver/{grid.public_id}"}


def test_post_stores_what_the_client_sent(client):
    payload = post_payload(
        ipb_class="ImageGrid",
        code_cells=["grid = ImageGrid(3, 2)", "grid.show()"],
        grid_data={"lines_on": False, "blocks": checker_blocks(3, 2, size=7)},
    )

    post_json(client, payload)

    grid = Grid.objects.get()
    assert grid.ipb_class == "ImageGrid"
    assert grid.ipb_version == "1.9.1"
    assert grid.python_version == [3, 11, 7, "final", 0]
    assert grid.code_cells == ["grid = ImageGrid(3, 2)", "grid.show()"]
    assert grid.secret is False
    assert (grid.width, grid.height, grid.lines_on) == (3, 2, False)
    assert grid.blocks == checker_blocks(3, 2, size=7)


def test_public_grid_gets_a_short_hashid(client):
    response = post_json(client, post_payload())

    grid = Grid.objects.get()
    assert 6 <= len(grid.public_id) <= 8
    assert grid.public_id.isalnum()
    assert response.json()["url"].endswith(f"/{grid.public_id}")


def test_secret_post_answers_a_secret_url_with_an_unguessable_id(client):
    response = post_json(client, post_payload(secret=True))

    grid = Grid.objects.get()
    assert grid.secret is True
    assert len(grid.public_id) >= 17  # 62 letters and digits: 17 of them carry 101 bits
    assert grid.public_id.isalnum()
    assert response.json() == {"url": f"http://testserver/secret/{grid.public_id}"}


def test_secret_ids_are_not_sequential(client):
    for _ in range(3):
        post_json(client, post_payload(secret=True))

    ids = list(Grid.objects.values_list("public_id", flat=True))
    assert len(set(ids)) == 3
    assert len({public_id[:4] for public_id in ids}) == 3


def test_post_url_uses_the_host_the_student_reached(client):
    response = client.generic(
        "POST", "/post", json.dumps(post_payload()), content_type="", HTTP_HOST="localhost:8000"
    )

    assert response.json()["url"].startswith("http://localhost:8000/")


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "image/png", ""])
def test_post_answers_json_whatever_the_accept_header_asks_for(client, accept):
    # JSON is all the API speaks (grids/api/negotiation.py): an Accept it cannot meet gets the
    # JSON anyway, as the client would need, not a 406 with nothing stored.
    response = client.generic(
        "POST", "/post", json.dumps(post_payload()), content_type="", HTTP_ACCEPT=accept
    )

    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"url": f"http://testserver/{Grid.objects.get().public_id}"}


@pytest.mark.parametrize("secret", [False, True])
def test_grid_urls_are_the_routes_paths_under_any_script_prefix(make_grid, secret):
    # Grid.get_absolute_url finds each route's path before the id once, not with reverse()
    # for every grid: it must still say what reverse() says, under whatever prefix the site is
    # served (SCRIPT_NAME), in whichever order the prefixes come.
    grid = make_grid(secret=secret)
    route = "grids:secret-page" if secret else "grids:page"
    try:
        for prefix in ["/", "/school/blocks/", "/"]:
            set_script_prefix(prefix)
            expected = reverse(route, kwargs={"public_id": grid.public_id})
            assert grid.get_absolute_url() == expected
            assert expected.startswith(prefix)
            assert expected.endswith(f"/{grid.public_id}")
    finally:
        set_script_prefix("/")


def test_api_route_is_the_same_post(client):
    response = post_json(client, post_payload(), content_type="application/json", path="/api/grids")

    assert response.status_code == 200
    assert response.json()["url"] == f"http://testserver/{Grid.objects.get().public_id}"


def test_unknown_keys_from_a_later_client_are_ignored(client):
    payload = post_payload(ipb_theme="dark", grid_data={"origin": "lower-left", "zoom": 2})

    response = post_json(client, payload)

    assert response.status_code == 200
    assert Grid.objects.count() == 1


def test_whole_number_floats_are_stored_as_integers(client):
    # A student's `grid.block_size = 100 / 5` makes the client send 20.0.
    blocks = [[[255.0, 0, 0, 20.0], [0, 0, 0, 5]]]
    post_json(client, post_payload(grid_data={"width": 2, "height": 1, "blocks": blocks}))

    grid = Grid.objects.get()
    assert grid.blocks == [[[255, 0, 0, 20], [0, 0, 0, 5]]]
    assert all(type(n) is int for n in grid.blocks[0][0])


def test_huge_grid_within_the_limits_is_accepted(client, starry_night):
    payload = post_payload(ipb_class="ImageGrid", grid_data=starry_night)

    response = post_json(client, payload)

    assert response.status_code == 200
    assert Grid.objects.get().blocks == starry_night["blocks"]


def with_block(block):
    blocks = checker_blocks(3, 2)
    blocks[1][2] = block
    return {"grid_data": {"blocks": blocks}}


# (case id, body, the error's path in the JSON answer, a phrase the message must contain)
BAD_BODIES = [
    ("not-json", "{'python_version': (3, 11)}", ["detail"], "not valid JSON"),
    ("empty-body", "", ["python_version"], "required"),
    ("nan", json.dumps(post_payload()).replace('"width": 3', '"width": NaN'), ["detail"], "NaN"),
    ("deep-nesting", "[" * 100_000 + "]" * 100_000, ["detail"], "nested"),
    ("not-utf8", b"\xff\xfe{}", ["detail"], "UTF-8"),
    ("a-list", json.dumps([post_payload()]), ["non_field_errors"], "dictionary"),
    ("a-string", json.dumps("grid"), ["non_field_errors"], "dictionary"),
    (
        "missing-grid-data",
        {k: v for k, v in post_payload().items() if k != "grid_data"},
        ["grid_data"],
        "required",
    ),
    (
        "missing-secret",
        {k: v for k, v in post_payload().items() if k != "secret"},
        ["secret"],
        "required",
    ),
    (
        "missing-code-cells",
        {k: v for k, v in post_payload().items() if k != "code_cells"},
        ["code_cells"],
        "required",
    ),
    ("missing-blocks", post_payload(grid_data={"blocks": None}), ["grid_data", "blocks"], "null"),
    (
        "python-version-4-items",
        post_payload(python_version=[3, 11, 7, "final"]),
        ["python_version"],
        "5 items",
    ),
    ("python-version-string", post_payload(python_version="3.11.7"), ["python_version"], "5 items"),
    (
        "python-version-bad-types",
        post_payload(python_version=[3, "11", 7, "final", 0]),
        ["python_version"],
        "5 items",
    ),
    (
        "ipb-class-unknown",
        post_payload(ipb_class="TurtleGrid"),
        ["ipb_class"],
        "not a valid choice",
    ),
    ("ipb-class-list", post_payload(ipb_class=["BlockGrid"]), ["ipb_class"], "not a valid choice"),
    ("ipb-version-words", post_payload(ipb_version="latest!"), ["ipb_version"], "version string"),
    ("ipb-version-number", post_payload(ipb_version=1.9), ["ipb_version"], "string"),
    ("ipb-version-too-long", post_payload(ipb_version="1." * 40), ["ipb_version"], "32 characters"),
    ("code-cells-empty-list", post_payload(code_cells=[]), ["code_cells"], "non-empty list"),
    ("code-cells-string", post_payload(code_cells="print(1)"), ["code_cells"], "non-empty list"),
    (
        "code-cells-not-strings",
        post_payload(code_cells=["ok", 3]),
        ["code_cells"],
        "non-empty list",
    ),
    ("code-cell-nul", post_payload(code_cells=["print(1)\x00"]), ["code_cells"], "NUL"),
    ("code-cell-lone-surrogate", post_payload(code_cells=["\ud800"]), ["code_cells"], "surrogate"),
    ("ipb-version-nul", post_payload(ipb_version="1.9\x00"), ["ipb_version"], "NUL"),
    ("secret-string", post_payload(secret="yes"), ["secret"], "true or false"),
    ("secret-number", post_payload(secret=1), ["secret"], "true or false"),
    (
        "lines-on-string",
        post_payload(grid_data={"lines_on": "true"}),
        ["grid_data", "lines_on"],
        "true or false",
    ),
    (
        "width-string",
        post_payload(grid_data={"width": "3"}),
        ["grid_data", "width"],
        "whole number",
    ),
    ("width-bool", post_payload(grid_data={"width": True}), ["grid_data", "width"], "whole number"),
    (
        "width-zero",
        post_payload(grid_data={"width": 0, "blocks": [[], []]}),
        ["grid_data", "width"],
        "greater than or equal to 1",
    ),
    (
        "height-fraction",
        post_payload(grid_data={"height": 2.5}),
        ["grid_data", "height"],
        "whole number",
    ),
    (
        "blocks-not-list",
        post_payload(grid_data={"blocks": {"0": []}}),
        ["grid_data", "blocks"],
        "list of rows",
    ),
    (
        "blocks-too-few-rows",
        post_payload(grid_data={"height": 3}),
        ["grid_data", "blocks"],
        "3 rows",
    ),
    (
        "row-too-short",
        post_payload(grid_data={"width": 4}),
        ["grid_data", "blocks"],
        "Row 0 must be a list of 4 blocks",
    ),
    (
        "row-not-list",
        post_payload(grid_data={"blocks": ["abc", "def"]}),
        ["grid_data", "blocks"],
        "Row 0",
    ),
    (
        "block-3-items",
        post_payload(**with_block([1, 2, 3])),
        ["grid_data", "blocks"],
        "Block [1][2]",
    ),
    (
        "block-string-colour",
        post_payload(**with_block([1, "2", 3, 4])),
        ["grid_data", "blocks"],
        "whole numbers",
    ),
    (
        "block-bool-colour",
        post_payload(**with_block([True, 2, 3, 4])),
        ["grid_data", "blocks"],
        "whole numbers",
    ),
    (
        "block-fraction-colour",
        post_payload(**with_block([1.5, 2, 3, 4])),
        ["grid_data", "blocks"],
        "whole numbers",
    ),
    ("block-null", post_payload(**with_block(None)), ["grid_data", "blocks"], "Block [1][2]"),
    (
        "colour-above-255",
        post_payload(**with_block([256, 0, 0, 20])),
        ["grid_data", "blocks"],
        "outside 0..255",
    ),
    (
        "colour-negative",
        post_payload(**with_block([0, -1, 0, 20])),
        ["grid_data", "blocks"],
        "outside 0..255",
    ),
    (
        "size-zero",
        post_payload(**with_block([0, 0, 0, 0])),
        ["grid_data", "blocks"],
        "size below 1",
    ),
    (
        "size-huge",
        post_payload(**with_block([0, 0, 0, 10**6])),
        ["grid_data", "blocks"],
        "size above 100",
    ),
    (
        "number-too-long",
        json.dumps(post_payload()).replace('"width": 3', '"width": ' + "9" * 5000),
        ["detail"],
        "not valid JSON",
    ),
]


@pytest.mark.parametrize(
    ("body", "error_path", "phrase"),
    [pytest.param(body, path, phrase, id=case) for case, body, path, phrase in BAD_BODIES],
)
def test_bad_post_is_a_400_naming_the_problem_and_stores_nothing(client, body, error_path, phrase):
    response = post_json(client, body)

    assert response.status_code == 400, response.content
    error = response.json()
    for key in error_path:
        assert key in error, error
        error = error[key]
    assert phrase in json.dumps(error, ensure_ascii=False) or phrase in str(error), error
    assert Grid.objects.count() == 0


def padded_past_the_fast_parser(body) -> bytes:
    """body with trailing whitespace (still the same JSON) making it too long for orjson."""
    if not isinstance(body, (str, bytes)):
        body = json.dumps(body)
    if isinstance(body, str):
        body = body.encode("utf-8", "surrogatepass")
    return body + b" " * (FAST_PARSE_MAX_BYTES + 1 - len(body))


@pytest.mark.parametrize(
    "body",
    [pytest.param(body, id=case) for case, body, _, _ in BAD_BODIES if body != ""]
    + [pytest.param(post_payload(), id="a-good-post")],
)
def test_small_and_large_bodies_are_answered_alike(client, body):
    # Small bodies are parsed by orjson, large ones by the json module (grids/api/parsers.py):
    # the same JSON must get the same answer from both.
    small = post_json(client, body)
    large = post_json(client, padded_past_the_fast_parser(body))

    assert small.status_code == large.status_code
    if small.status_code == 200:
        first, second = Grid.objects.order_by("pk")
        assert (first.blocks, first.code_cells) == (second.blocks, second.code_cells)
    else:
        assert small.json() == large.json()
        assert Grid.objects.count() == 0


def test_too_many_blocks_is_a_400(client, settings):
    settings.IPB_MAX_BLOCKS = 5

    response = post_json(client, post_payload())

    assert response.status_code == 400
    assert "at most 5 blocks" in response.json()["grid_data"]["blocks"][0]
    assert Grid.objects.count() == 0


def test_too_many_code_cells_is_a_400(client, settings):
    settings.IPB_MAX_CODE_CELLS = 2

    response = post_json(client, post_payload(code_cells=["a", "b", "c"]))

    assert response.status_code == 400
    assert response.json() == {"code_cells": ["At most 2 code cells may be posted."]}
    assert Grid.objects.count() == 0


def test_too_long_code_cell_is_a_400(client, settings):
    settings.IPB_MAX_CODE_CELL_CHARS = 10

    response = post_json(client, post_payload(code_cells=["short", "x" * 11]))

    assert response.status_code == 400
    assert response.json() == {"code_cells": ["Code cell 1 is longer than 10 characters."]}


def test_body_over_the_limit_is_a_413_and_stores_nothing(client, settings):
    body = json.dumps(post_payload())
    settings.IPB_MAX_BODY_BYTES = len(body) - 1

    response = post_json(client, body)

    assert response.status_code == 413
    assert response.json() == {"detail": f"The request body is larger than {len(body) - 1} bytes."}
    assert Grid.objects.count() == 0


def test_body_at_the_limit_is_accepted(client, settings):
    body = json.dumps(post_payload())
    settings.IPB_MAX_BODY_BYTES = len(body)

    assert post_json(client, body).status_code == 200


def test_get_on_the_post_route_is_a_405_in_json(client):
    response = client.get("/post")

    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "GET" not allowed.'}


def test_each_post_serializer_validates_with_fields_of_its_own():
    bad = GridPostSerializer(data=post_payload(secret="yes", grid_data={"width": "3"}))
    good = GridPostSerializer(data=post_payload())

    assert not bad.is_valid()
    assert good.is_valid(), good.errors
    assert bad.fields["secret"] is not good.fields["secret"]
    assert good.fields["secret"].parent is good
    nested = good.fields["grid_data"]
    assert nested is not bad.fields["grid_data"]
    assert nested.fields["width"].parent is nested
    assert nested.fields["width"] is not bad.fields["grid_data"].fields["width"]
    # The declared fields, which every instance copies, are never bound to one.
    assert GridPostSerializer._declared_fields["secret"].parent is None
