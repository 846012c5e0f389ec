"""Moderation drops everything the shared cache holds of a grid, for every process at once.

Run against memcached (MEMCACHED_SERVERS, as CI does), a second, independent cache client
stands for another gunicorn process: what it reads is what that process would serve.
"""

import pytest
from django.core.cache import cache, caches

from grids.api.views import GridViewSet
from grids.caching import invalidation
from grids.caching.keys import RENDERED_PARTS, moderated_lately_key, rendered_key
from grids.models import Grid
from grids.views import GridPageView
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
    keys = {part: rendered_key(grid.public_id, part) for part in RENDERED_PARTS}
    found = cache_client.get_many(list(keys.values()))
    return {part for part, key in keys.items() if key in found}


@pytest.fixture
def rendered_grid(client, make_grid):
    grid = make_grid(code_cells=["grid.show()"])
    client.get(f"/{grid.public_id}")  # the table and the code
    client.get("/")  # the thumbnail
    client.get(f"/get/{grid.public_id}")  # the JSON
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
    assert part not in cached_parts(cache, grid)


def test_a_grid_moderated_lately_and_visible_again_is_cached_after_a_second_look(
    client, make_grid, django_assert_num_queries
):
    grids = Grid.objects.filter(pk=make_grid().pk)
    grids.hide(by=None, reason="test")
    grids.unhide()
    grid = grids.get()

    with django_assert_num_queries(2):  # the grid, then "still visible?": it was moderated
        response = client.get(f"/{grid.public_id}")

    assert response.status_code == 200
    assert "page" in cached_parts(cache, grid)


def test_moderation_marks_a_grid_before_it_deletes_its_cached_answers(make_grid, monkeypatch):
    # build_and_cache_response() relies on it: a request that stores an answer after the deletes
    # began must find the mark, and so ask the database again.
    grid = make_grid()
    shared_cache = invalidation.cache
    marks_seen_by_deletes = []

    class CacheWatchingDeletes:
        def __getattr__(self, name):
            return getattr(shared_cache, name)

        def delete_many(self, keys):
            marks_seen_by_deletes.append(shared_cache.get(moderated_lately_key(grid.public_id)))
            return shared_cache.delete_many(keys)

    monkeypatch.setattr(invalidation, "cache", CacheWatchingDeletes())

    Grid.objects.filter(pk=grid.pk).hide(by=None, reason="test")

    assert marks_seen_by_deletes
    assert None not in marks_seen_by_deletes
