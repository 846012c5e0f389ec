"""Moderation drops everything the shared cache holds of a grid, for every process at once.

Run against memcached (MEMCACHED_SERVERS, as CI does), a second, independent cache client
stands for another gunicorn process: what it reads is what that process would serve.
"""

import time

import pytest
from django.core.cache import cache, caches

from grids.api.views import GridViewSet
from grids.caching import invalidation
from grids.caching.keys import RENDERED_PARTS, moderated_at_key, rendered_key
from grids.caching.responses import CachedResponse, load_response, store_response
from grids.models import Grid
from grids.views import GridPageView
from tests.cache_faults import CacheRefusingWrites, wait_until
from tests.needs import needs_memcached

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_process_cache():
    needs_memcached("a shared cache is what this pins")
    other = caches.create_connection("default")
    yield other
    other.close()


PUBLIC_PARTS = {part for part in RENDERED_PARTS if not part.startswith("secret-")}


def cached_parts(cache_client, grid: Grid) -> set[str]:
    keys = {part: rendered_key(grid.cache_name, part) for part in RENDERED_PARTS}
    found = cache_client.get_many(list(keys.values()))
    return {part for part, key in keys.items() if key in found}


@pytest.fixture
def rendered_grid(client, make_grid):
    grid = make_grid(code_cells=["grid.show()"])
    client.get(f"/{grid.public_id}")  # the table, the code and the natural size
    client.get(f"/embed/{grid.public_id}")  # the embed
    client.get("/")  # the thumbnail
    client.get(f"/get/{grid.public_id}")  # the JSON
    for picture in (".png", ".svg", "/thumbnail.png", "/card.png"):
        client.get(f"/{grid.public_id}{picture}")
    assert cached_parts(cache, grid) == PUBLIC_PARTS
    return grid


@pytest.mark.parametrize(
    "moderate",
    [
        pytest.param(lambda grids: grids.hide(by=None, reason="test"), id="hide"),
        pytest.param(lambda grids: grids.delete(), id="delete-queryset"),
        pytest.param(lambda grids: grids.get().delete(), id="delete-one"),
    ],
)
def test_moderating_a_grid_empties_the_shared_cache_for_every_process(
    client, rendered_grid, other_process_cache, moderate
):
    assert cached_parts(other_process_cache, rendered_grid) == PUBLIC_PARTS

    moderate(Grid.objects.filter(pk=rendered_grid.pk))

    assert cached_parts(other_process_cache, rendered_grid) == set()
    assert client.get(f"/{rendered_grid.public_id}").status_code in (404, 410)


@pytest.mark.parametrize("verb", ["unhide", "approve"])
def test_unhiding_and_approving_empty_the_shared_cache_too(
    rendered_grid, other_process_cache, verb
):
    grids = Grid.objects.filter(pk=rendered_grid.pk)
    grids.update(state="hidden" if verb == "unhide" else "awaiting")

    getattr(grids, verb)()

    assert cached_parts(other_process_cache, rendered_grid) == set()


def test_moderation_empties_the_default_cache_whatever_it_is(rendered_grid):
    Grid.objects.filter(pk=rendered_grid.pk).hide(by=None, reason="test")

    assert cached_parts(cache, rendered_grid) == set()


def test_hiding_a_secret_grid_empties_its_cached_answers(client, make_grid):
    grid = make_grid(secret=True)
    client.get(f"/secret/{grid.public_id}")
    client.get(f"/get/secret/{grid.public_id}")
    assert {"secret-page", "secret-get"} <= cached_parts(cache, grid)

    Grid.objects.filter(pk=grid.pk).hide(by=None, reason="test")

    assert cached_parts(cache, grid) == set()
    assert client.get(f"/get/secret/{grid.public_id}").status_code == 404


@pytest.mark.parametrize(
    ("view", "step", "path", "status", "part"),
    [
        pytest.param(GridPageView, "build_answer", "/{}", 410, "page", id="page"),
        pytest.param(GridViewSet, "get_object", "/get/{}", 404, "get", id="get"),
    ],
)
def test_a_grid_hidden_while_its_answer_is_built_keeps_no_cached_answer(
    client, make_grid, monkeypatch, view, step, path, status, part
):
    grid = make_grid()
    read_the_grid = getattr(view, step)

    def read_then_a_teacher_hides_it(*args, **kwargs):
        found = read_the_grid(*args, **kwargs)
        Grid.objects.filter(pk=grid.pk).hide(by=None, reason="hidden mid-build")
        return found

    monkeypatch.setattr(view, step, read_then_a_teacher_hides_it)

    response = client.get(path.format(grid.public_id))

    assert response.status_code == status
    assert load_response(grid.cache_name, part) is None
    assert client.get(path.format(grid.public_id)).status_code == status


def test_a_response_stored_after_a_hide_from_a_read_before_it_is_never_served(client, make_grid):
    # The race a slow cold build loses: the grid read, then hidden (its cache emptied), then
    # the response built from the read stored, while other requests come in.
    grid = make_grid()
    read_at = time.time()
    Grid.objects.filter(pk=grid.pk).hide(by=None, reason="hidden mid-build")
    store_response(grid.cache_name, "page", CachedResponse.of(b"the grid", "text/html"), read_at)

    assert load_response(grid.cache_name, "page") is None
    assert client.get(f"/{grid.public_id}").status_code == 410


def test_a_grid_moderated_a_moment_ago_and_visible_again_is_served_after_a_second_look(
    client, make_grid, django_assert_num_queries, monkeypatch
):
    grids = Grid.objects.filter(pk=make_grid().pk)
    grids.hide(by=None, reason="test")
    grids.unhide()
    grid = grids.get()

    # The grid and its remix links, then "still visible?": it was moderated.
    with django_assert_num_queries(3):
        response = client.get(f"/{grid.public_id}")
    assert response.status_code == 200

    # Once the clocks' margin has passed, a response built now is served from the cache.
    monkeypatch.setattr(invalidation, "CLOCK_MARGIN_SECONDS", 0)
    client.get(f"/{grid.public_id}")
    with django_assert_num_queries(0):
        assert client.get(f"/{grid.public_id}").status_code == 200


def test_moderation_marks_a_grid_before_it_deletes_its_cached_answers(make_grid, monkeypatch):
    # load_response() relies on it: a response stored after the deletes began is taken back
    # by the mark.
    grid = make_grid()
    shared_cache = invalidation.cache
    marks_seen_by_deletes = []

    class CacheWatchingDeletes:
        def __getattr__(self, name):
            return getattr(shared_cache, name)

        def delete_many(self, keys):
            marks_seen_by_deletes.append(shared_cache.get(moderated_at_key(grid.cache_name)))
            return shared_cache.delete_many(keys)

    monkeypatch.setattr(invalidation, "cache", CacheWatchingDeletes())

    Grid.objects.filter(pk=grid.pk).hide(by=None, reason="test")

    assert marks_seen_by_deletes
    assert None not in marks_seen_by_deletes


def test_a_moderation_the_cache_did_not_confirm_is_written_again_until_it_is(
    make_grid, monkeypatch
):
    grid = make_grid()
    monkeypatch.setattr(invalidation, "cache", CacheRefusingWrites(cache, refusals=3))
    monkeypatch.setattr(invalidation, "RETRY_SECONDS", 0.01)

    Grid.objects.filter(pk=grid.pk).hide(by=None, reason="test")

    assert invalidation.unconfirmed([grid.cache_name]) == [grid.cache_name]
    assert wait_until(lambda: invalidation.unconfirmed([grid.cache_name]) == [])
    assert cache.get(moderated_at_key(grid.cache_name)) is not None
