"""A grid's cached page and JSON are sent by CachedResponseMiddleware, ahead of most of the
middleware and the view, exactly as the view would send them (grids/caching/middleware.py)."""

import gzip
import logging
import random
import threading
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import resolve

from grids.api.views import GridViewSet
from grids.caching import responses
from grids.caching.keys import body_chunk_keys, rendered_key, response_part
from grids.caching.middleware import (
    CACHED_PICTURE_ROUTES,
    CACHED_RESPONSE_ROUTES,
    cached_response_route,
)
from grids.caching.responses import ResponseBodies, load_response, response_bodies
from grids.models import Grid
from grids.views import GridPageView, GridPictureView
from tests.cache_faults import CacheRefusingWrites
from tests.needs import needs_memcached

pytestmark = pytest.mark.django_db

# Each route kind, and the view's method that would answer it.
ROUTES = [
    pytest.param("/", False, GridPageView, "get", id="page"),
    pytest.param("/secret/", True, GridPageView, "get", id="secret-page"),
    pytest.param("/get/", False, GridViewSet, "retrieve", id="get"),
    pytest.param("/get/secret/", True, GridViewSet, "retrieve", id="secret-get"),
    pytest.param("/api/grids/", False, GridViewSet, "retrieve", id="api"),
    pytest.param("/api/secret-grids/", True, GridViewSet, "retrieve", id="secret-api"),
]


def view_must_not_run(*args, **kwargs):
    raise AssertionError("the view ran: the answer did not come from CachedResponseMiddleware")


def headers_of(response) -> dict[str, str]:
    headers = dict(response.headers)
    headers.pop("X-Request-ID")  # one per request, by design
    return headers


def test_each_cached_answer_route_is_the_urlconfs_route_of_that_name():
    assert {prefix for prefix, *_ in (p.values for p in ROUTES)} == set(CACHED_RESPONSE_ROUTES)
    for prefix, (route_name, part, secret) in CACHED_RESPONSE_ROUTES.items():
        match = resolve(f"{prefix}abc123")
        assert match.view_name == route_name
        if hasattr(match.func, "view_class"):  # a Django view
            view, initkwargs = match.func.view_class, match.func.view_initkwargs
        else:  # a DRF viewset's action
            view, initkwargs = match.func.cls, match.func.initkwargs
        assert initkwargs.get("secret", False) is secret, prefix
        assert part == ("page" if view is GridPageView else "get"), prefix


def test_each_cached_picture_route_is_the_urlconfs_route_of_that_name():
    assert len(CACHED_PICTURE_ROUTES) == 8
    for (prefix, ending), (route_name, part, secret) in CACHED_PICTURE_ROUTES.items():
        match = resolve(f"{prefix}abc123{ending}")
        assert match.view_name == route_name
        assert match.func.view_class is GridPictureView
        assert match.func.view_initkwargs.get("secret", False) is secret, route_name
        assert match.func.view_initkwargs["part"] == part, route_name
        assert cached_response_route("GET", f"{prefix}abc123{ending}") == (
            route_name,
            part,
            secret,
            "abc123",
        )


@pytest.mark.parametrize("path", ["/abc.def.png", "/a/b.png", "/secret/x/y/card.png", "/.svg"])
def test_a_path_that_names_no_picture_has_no_cached_route(path):
    assert cached_response_route("GET", path) is None


@pytest.mark.parametrize("accept_encoding", ["", "gzip, deflate"])
@pytest.mark.parametrize(("prefix", "secret", "view", "method"), ROUTES)
def test_a_warm_answer_is_sent_without_the_view_and_as_the_view_sent_it(
    client, make_grid, monkeypatch, prefix, secret, view, method, accept_encoding
):
    grid = make_grid(secret=secret, code_cells=["print('hi')"])
    url = f"{prefix}{grid.public_id}"
    built = client.get(url, HTTP_ACCEPT_ENCODING=accept_encoding)
    assert built.status_code == 200

    monkeypatch.setattr(view, method, view_must_not_run)
    sent = client.get(url, HTTP_ACCEPT_ENCODING=accept_encoding)

    assert sent.status_code == 200
    assert sent.content == built.content
    assert headers_of(sent) == headers_of(built)


@pytest.mark.parametrize(("prefix", "secret", "view", "method"), ROUTES)
def test_a_hidden_grid_is_never_sent_from_the_cache(
    client, make_grid, prefix, secret, view, method
):
    grid = make_grid(secret=secret)
    url = f"{prefix}{grid.public_id}"
    assert client.get(url).status_code == 200

    Grid.objects.filter(pk=grid.pk).hide(by=None, reason="test")

    assert client.get(url).status_code in (404, 410)


def test_a_browsers_copy_is_revalidated_from_the_cache_with_a_304(client, make_grid, monkeypatch):
    grid = make_grid()
    etag = client.get(f"/{grid.public_id}")["ETag"]
    monkeypatch.setattr(GridPageView, "get", view_must_not_run)

    response = client.get(f"/{grid.public_id}", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response["ETag"] == etag
    assert response.content == b""


def test_a_host_the_site_does_not_serve_is_refused_even_from_the_cache(client, make_grid):
    grid = make_grid()
    assert client.get(f"/{grid.public_id}").status_code == 200

    assert client.get(f"/{grid.public_id}", HTTP_HOST="evil.example").status_code == 400


def test_an_answer_whose_bodies_are_gone_is_built_again(client, make_grid, monkeypatch):
    grid = make_grid()
    first = client.get(f"/get/{grid.public_id}")
    # Another process stored the stamp; this one has no bodies, and the cache lost them.
    response_bodies.clear()
    key = rendered_key(grid.cache_name, response_part("get", secret=False))
    stamp = cache.get(key)
    cache.clear()
    cache.set(key, stamp)

    again = client.get(f"/get/{grid.public_id}")

    assert again.status_code == 200
    assert again.content == first.content


def test_the_request_log_names_the_route_of_an_answer_sent_from_the_cache(
    client, make_grid, caplog
):
    grid = make_grid()
    client.get(f"/{grid.public_id}")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="ipbsite.http.request_log"):
        client.get(f"/{grid.public_id}")

    (line,) = [r for r in caplog.records if r.name == "ipbsite.http.request_log"]
    assert (line.route, line.status) == ("grids:page", 200)


def test_the_bodies_kept_in_memory_stay_within_their_bound_newest_first():
    bodies = ResponseBodies(max_bytes=100)
    bodies.put("a", (b"x" * 40, b"x" * 10))
    bodies.put("b", (b"x" * 40, b"x" * 10))
    bodies.get("a")  # sent again: now the newest
    bodies.put("c", (b"x" * 40, b"x" * 10))
    bodies.put("huge", (b"x" * 101, b""))  # larger than the bound: never kept

    assert [key for key in ("a", "b", "c", "huge") if bodies.get(key)] == ["a", "c"]
    assert bodies.weight == 100


def test_a_page_too_big_for_memcached_is_still_sent_and_kept_by_the_process(
    client, make_grid, monkeypatch
):
    # A 500x500 grid's page is about 5 MB; memcached keeps items of 1 MB at most and the
    # client refuses larger ones silently. The stamp is small: the bodies stay in memory here.
    grid = make_grid(width=500, height=500)
    first = client.get(f"/{grid.public_id}")
    assert first.status_code == 200
    assert len(first.content) > 2**20

    monkeypatch.setattr(GridPageView, "get", view_must_not_run)
    again = client.get(f"/{grid.public_id}")

    assert again.status_code == 200
    assert again.content == first.content


def test_an_answer_the_previous_release_cached_is_never_read(client, make_grid):
    # Release 1 kept the whole CachedResponse under "grid:<id>:page:v1"; a process of this one
    # must not trip over it during a rolling deploy.
    grid = make_grid()
    cache.set(f"grid:{grid.public_id}:page:v1", SimpleNamespace(body=b"release 1", etag="x"))

    assert client.get(f"/{grid.public_id}").status_code == 200


def test_the_bodies_kept_in_memory_stay_within_their_bound_under_concurrent_requests():
    bodies = ResponseBodies(max_bytes=10_000)

    def serve(thread: int):
        for n in range(2_000):
            key = f"{thread}-{n % 50}"
            if bodies.get(key) is None:
                bodies.put(key, (b"x" * (n % 700), b"y" * 50))

    threads = [threading.Thread(target=serve, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    kept = sum(len(body) + len(gzipped) for body, gzipped in bodies.entries.values())
    assert bodies.weight == kept <= 10_000


@override_settings(IPB_ANSWER_MEMORY_MB=1)
def test_the_memory_bound_is_the_setting_of_the_moment():
    assert ResponseBodies().budget() == 2**20


@pytest.mark.parametrize("path", ["/{id}", "/get/{id}"])
def test_a_process_that_did_not_build_an_answer_sends_the_same_bytes(client, make_grid, path):
    grid = make_grid()
    url = path.format(id=grid.public_id)
    plain = client.get(url).content
    gzipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip").content

    response_bodies.clear()  # as another process: only the cache has the answer
    plain_again = client.get(url).content
    response_bodies.clear()
    gzipped_again = client.get(url, HTTP_ACCEPT_ENCODING="gzip").content

    assert (plain_again, gzipped_again) == (plain, gzipped)
    assert gzip.decompress(gzipped) == plain


def test_the_cache_holds_only_the_gzipped_body_of_an_answer(client, make_grid):
    grid = make_grid()
    gzipped = client.get(f"/{grid.public_id}", HTTP_ACCEPT_ENCODING="gzip").content

    key = rendered_key(grid.cache_name, response_part("page", secret=False))
    _, etag, _, chunks, _ = cache.get(key)

    assert cache.get_many(body_chunk_keys(key, etag, chunks)) == {
        body_chunk_keys(key, etag, 1)[0]: gzipped
    }


def test_a_body_larger_than_a_cache_item_is_kept_in_chunks_and_sent_whole(
    client, make_grid, monkeypatch
):
    # memcached's default item limit is 1 MiB; a grid at the block limit's page is more.
    monkeypatch.setattr(responses, "BODY_CHUNK_BYTES", 100)
    grid = make_grid()
    url = f"/{grid.public_id}"
    sent = client.get(url, HTTP_ACCEPT_ENCODING="gzip").content
    key = rendered_key(grid.cache_name, response_part("page", secret=False))
    _, etag, _, chunks, _ = cache.get(key)
    stored = cache.get_many(body_chunk_keys(key, etag, chunks))

    response_bodies.clear()  # as another process: only the cache has the answer
    sent_again = client.get(url, HTTP_ACCEPT_ENCODING="gzip")

    assert chunks == -(-len(sent) // 100) > 1
    assert all(len(chunk) <= 100 for chunk in stored.values())
    assert sent_again.content == sent
    assert sent_again.wsgi_request.resolver_match is None  # sent from the cache


@pytest.mark.parametrize("part", ["page", "get"])
def test_a_grid_at_the_block_limit_is_cached_by_a_default_memcached(client, make_grid, part):
    # Its gzipped page (1.1 MB) and /get (1.4 MB) are over memcached's default item size.
    needs_memcached("memcached's item size is what this pins")
    colours = random.Random(6)
    side = 500
    blocks = [
        [[colours.randrange(256) for _ in range(3)] + [4] for _ in range(side)] for _ in range(side)
    ]
    grid = make_grid(width=side, height=side, blocks=blocks)
    url = f"/{grid.public_id}" if part == "page" else f"/get/{grid.public_id}"
    sent = client.get(url, HTTP_ACCEPT_ENCODING="gzip").content
    assert len(sent) > 1024 * 1024

    response_bodies.clear()  # as another process: only memcached has it
    cached = load_response(grid.cache_name, part)

    assert cached is not None
    assert cached.gzipped == sent


def test_a_response_the_cache_did_not_keep_is_logged(client, make_grid, monkeypatch, caplog):
    monkeypatch.setattr(responses, "cache", CacheRefusingWrites(cache, refusals=1))

    assert client.get(f"/{make_grid().public_id}").status_code == 200

    assert "The cache did not keep a" in caplog.text
