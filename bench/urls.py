"""The framework's limit (bench/limits.py), through the site's middleware (bench/settings.py).

/const/<n>: n bytes of "x"; add ?json for application/json (the API's type), otherwise
text/html, as the pages.

/store/<n>: for posts, the same answer after the least any Django view that keeps a post must
do: parse the body and insert its row, committed. No checks, no throttle, no DRF, no model
instance: the site's POST /post is held against it to see what its own work costs above
storing.
"""

import uuid

import orjson
from django.db import connection
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from bench.limits import API_LIMITS_PREFIX
from grids.models import Grid, GridState

# The columns a grid's insert fills (grids.models.Grid), but the key, which the database's
# identity gives here, on SQLite too.
STORE_COLUMNS = (
    "public_id",
    "secret",
    "ipb_class",
    "ipb_version",
    "python_version",
    "width",
    "height",
    "lines_on",
    "blocks",
    "code_cells",
    "created_at",
    "state",
    "hidden_reason",
    "listed",
    "awaiting_wall",
)
STORE_SQL = (
    f"INSERT INTO {Grid._meta.db_table} ({', '.join(STORE_COLUMNS)})"
    f" VALUES ({', '.join(['%s'] * len(STORE_COLUMNS))})"
)


def constant_answer(request, size: int) -> HttpResponse:
    json = "json" in request.GET
    content_type = "application/json" if json else "text/html; charset=utf-8"
    return HttpResponse(b"x" * size, content_type=content_type)


# The API is csrf-exempt too (DRF's views are), so POST /post and its limits pay the same.
@csrf_exempt
def constant_body(request, size):
    request.body  # noqa: B018 (read the posted body, as the API's parser does)
    return constant_answer(request, size)


@csrf_exempt
def store_posted_grid(request, size):
    post = orjson.loads(request.body)
    grid = post["grid_data"]
    code_cells = post["code_cells"]
    with connection.cursor() as cursor:
        cursor.execute(
            STORE_SQL,
            [
                f"store-{uuid.uuid4().hex}",  # unique, as a public id must be
                post["secret"],
                post["ipb_class"],
                post["ipb_version"],
                orjson.dumps(post["python_version"]).decode(),
                grid["width"],
                grid["height"],
                grid["lines_on"],
                orjson.dumps(grid["blocks"]).decode(),
                None if code_cells is None else orjson.dumps(code_cells).decode(),
                timezone.now(),
                GridState.PUBLISHED,  # public, so its insert updates the same indexes as the site's
                "",
                True,  # listed: of no class
                False,  # waiting for no wall
            ],
        )
    return constant_answer(request, size)


urlpatterns = [
    path("const/<int:size>", constant_body),
    path("store/<int:size>", store_posted_grid),
    # The same under an API path (grids/routes.py), for the API's endpoints: their requests
    # skip the middleware only signed-in people need (ipbsite/http/browser_only.py), so their
    # limits must skip it too.
    path(f"{API_LIMITS_PREFIX}const/<int:size>", constant_body),
    path(f"{API_LIMITS_PREFIX}store/<int:size>", store_posted_grid),
]
