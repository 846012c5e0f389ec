"""Costs that stay flat however many grids there are: every query behind the public pages is
an index look-up on PostgreSQL, and each page makes a fixed, small number of them.

The test table is tiny, so PostgreSQL would rightly scan it whole; with sequential scans
switched off, a plan still shows "Seq Scan" only where no index can serve the query, which
at a million grids would read every row.
"""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grids import views
from grids.caching.keys import LISTING_NAMES, listing_key
from grids.models import Grid, GridState, ReservedGridKeys, next_grid_pk, reserved_grid_keys
from tests.factories import post_payload
from tests.needs import needs_postgres
from tests.posting import post_json
from tests.query_plans import plans_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def postgres():
    needs_postgres("these pin PostgreSQL's query plans")


@pytest.fixture
def grids(make_grid):
    made = [make_grid(code_cells=["x = 1"]) for _ in range(5)]
    make_grid(secret=True)
    make_grid(state=GridState.HIDDEN)
    return made


@pytest.mark.parametrize(
    ("path", "cold", "most_queries"),
    [
        # /random asks the database every time; the home page and the gallery's first pages
        # are cached whole, and built again a few seconds after posts (thumbnails are cached,
        # the listing itself is dropped below).
        ("/", False, 2),
        ("/gallery", False, 2),
        ("/gallery/featured", False, 2),
        ("/random", False, 3),
        # A grid's page and JSON are served from the cache when warm (no query at all); cold,
        # they read the grid, then check it is still visible once its answer is cached.
        ("/{id}", True, 2),
        ("/get/{id}", True, 2),
        ("/secret/{secret}", True, 2),
    ],
)
def test_public_pages_read_only_through_indexes(
    client, postgres, grids, make_grid, path, cold, most_queries
):
    secret = make_grid(secret=True)
    path = path.format(id=grids[0].public_id, secret=secret.public_id)
    client.get(path)
    if cold:
        cache.clear()
    cache.delete_many([listing_key(name) for name in LISTING_NAMES])

    plans = plans_of(client, path)

    assert 1 <= len(plans) <= most_queries, plans
    for sql, plan in plans:
        assert "Seq Scan" not in plan, f"{sql}\n{plan}"


def test_latest_grids_come_from_the_index_in_order(client, postgres, grids):
    client.get("/")
    cache.delete(listing_key("home"))  # the page, not the thumbnails

    plans = [plan for _, plan in plans_of(client, "/")]

    # Read in index order, never sorting every public grid: the latest, and the featured.
    latest = next(plan for plan in plans if "grid_public_newest_first" in plan)
    featured = next(plan for plan in plans if "grid_public_featured" in plan)
    assert "Sort" not in latest, latest
    assert "Sort" not in featured, featured


@pytest.mark.parametrize("deep", [False, True])
@pytest.mark.parametrize(
    ("path", "index"),
    [("/gallery", "grid_public_newest_first"), ("/gallery/featured", "grid_public_featured")],
)
def test_gallery_pages_come_from_the_index_in_order_however_deep(
    client, postgres, grids, deep, path, index
):
    # ?before= a cursor: a keyset read, never OFFSET, so page 1,000 costs what page 1 does.
    featured = path.endswith("featured")
    Grid.objects.filter(pk__in=[grid.pk for grid in grids]).feature()
    if deep:
        listed = Grid.objects.featured() if featured else Grid.objects.public().latest()
        path += f"?before={views.gallery_cursor(listed.first(), featured=featured)}"

    plans = plans_of(client, path)

    grids_plan = next(plan for sql, plan in plans if index in plan)
    assert "Sort" not in grids_plan, grids_plan
    if deep:
        # The scan starts at the cursor (an Index Cond), rather than reading the index from
        # its top and filtering every grid before the cursor away.
        column = "featured_at" if featured else "created_at"
        assert re.search(rf"Index Cond: \({column} <=", grids_plan), grids_plan
    assert "OFFSET" not in " ".join(sql for sql, _ in plans)
    assert all("Seq Scan" not in plan for _, plan in plans), plans


def test_random_picks_through_the_public_key_index(client, postgres, grids):
    plans = plans_of(client, "/random")

    assert any("grid_public_by_id" in plan for _, plan in plans), plans
    assert all("Sort" not in plan for _, plan in plans), plans


def test_a_public_post_is_one_insert_and_keys_come_sixteen_to_a_query(client, postgres):
    # The hashid's key comes from the sequence first (Grid.save): no update, no transaction
    # around the two, so the post waits on one commit. Keys are reserved a block at a time, so
    # one post in KEYS_PER_FETCH also asks the sequence; start each run with none reserved.
    reserved_grid_keys.clear()
    with CaptureQueriesContext(connection) as queries:
        posts = [post_json(client, post_payload()) for _ in range(ReservedGridKeys.KEYS_PER_FETCH)]

    assert all(response.status_code == 200 for response in posts), posts[-1].content
    # The test runs in a transaction, where a post's insert takes a savepoint (Grid.save);
    # in production it is committed alone.
    statements = [
        query["sql"].split()[0].upper()
        for query in queries.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]
    assert statements == ["SELECT"] + ["INSERT"] * len(posts), queries.captured_queries
    assert "nextval" in queries.captured_queries[0]["sql"]


def test_reserved_keys_are_handed_out_once_each_and_in_order(postgres):
    reserved_grid_keys.clear()
    keys = [next_grid_pk() for _ in range(2 * ReservedGridKeys.KEYS_PER_FETCH + 1)]

    assert keys == sorted(set(keys))
    # Another process reserves its own block meanwhile: no key is ever handed out twice.
    other_process = ReservedGridKeys()
    others = [other_process.next() for _ in range(ReservedGridKeys.KEYS_PER_FETCH)]
    later = [next_grid_pk() for _ in range(ReservedGridKeys.KEYS_PER_FETCH)]
    handed_out = keys + others + later
    assert len(set(handed_out)) == len(handed_out)


def test_blocks_are_stored_as_compressed_text_not_jsonb(postgres):
    # jsonb made storing the starry night take 28 ms of the database's time, text 1.6 ms
    # (grids.fields.JSONTextField).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT format_type(atttypid, atttypmod), attcompression FROM pg_attribute "
            "WHERE attrelid = 'grids_grid'::regclass AND attname = 'blocks'"
        )
        column_type, compression = cursor.fetchone()
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        (has_lz4,) = cursor.fetchone()

    assert column_type == "text"
    assert compression == ("l" if has_lz4 else "")
