"""The home page and the gallery's first pages are kept whole in the cache: a new post shows
within seconds without every request building them again, and moderation drops them at once
(grids/caching/keys.py, LISTING_NAMES)."""

import time

import pytest
from django.core.cache import cache
from django.utils import timezone

from grids.caching import responses
from grids.caching.keys import listing_rebuild_key
from grids.caching.middleware import cached_response_route
from grids.caching.replay import ReplayCachedResponses, ResponseReplays
from grids.caching.responses import (
    CachedResponse,
    claim_listing_rebuild,
    load_listing,
    store_response,
)
from grids.models import Grid
from tests.caching.test_replay import CountingDjango, wsgi_request

pytestmark = pytest.mark.django_db

LISTINGS = [
    pytest.param("/", id="home"),
    pytest.param("/gallery", id="gallery"),
    pytest.param("/gallery/featured", id="featured"),
]


def listed(client, path: str, grid: Grid) -> bool:
    return f'href="/{grid.public_id}"' in client.get(path).content.decode()


@pytest.fixture
def grows_stale_at_once(monkeypatch):
    """A listing older than its freshness: every one, from now on."""
    monkeypatch.setattr(responses, "LISTING_FRESH_SECONDS", -1.0)


def make_listed_grid(make_grid, path: str) -> Grid:
    """A grid the listing at `path` shows: featured for the Featured view, set in the database
    (feature() drops the cached listings, which a test of caching must not lean on)."""
    grid = make_grid()
    if "featured" in path:
        Grid.objects.filter(pk=grid.pk).update(featured_at=timezone.now())
    return grid


@pytest.mark.parametrize("path", LISTINGS)
def test_a_warm_listing_is_sent_from_the_cache_with_no_query(
    client, make_grid, path, django_assert_num_queries
):
    make_listed_grid(make_grid, path)
    cold = client.get(path)

    with django_assert_num_queries(0):
        warm = client.get(path)

    assert warm.status_code == 200
    assert warm.content == cold.content
    assert warm["ETag"] == cold["ETag"]


@pytest.mark.parametrize("path", LISTINGS)
def test_a_new_grid_shows_once_the_listing_is_no_longer_fresh(client, make_grid, path, monkeypatch):
    client.get(path)
    grid = make_listed_grid(make_grid, path)
    assert not listed(client, path, grid), "a fresh listing is not built for every post"

    monkeypatch.setattr(responses, "LISTING_FRESH_SECONDS", -1.0)

    assert listed(client, path, grid)


def test_one_request_builds_a_stale_listing_and_the_others_get_the_stale_one(
    client, make_grid, grows_stale_at_once, django_assert_num_queries
):
    client.get("/")
    grid = make_grid()
    assert claim_listing_rebuild("home")  # another request is building it right now

    with django_assert_num_queries(0):
        assert not listed(client, "/", grid)

    cache.delete(listing_rebuild_key("home"))  # that request is done, or gave up
    assert listed(client, "/", grid)
    assert claim_listing_rebuild("home"), "a request that built the listing lets the next claim"


def hide(grids):
    grids.hide(by=None, reason="test")


def delete(grids):
    grids.delete()


def unfeature(grids):
    grids.unfeature()


@pytest.mark.parametrize(
    ("path", "moderate"),
    [
        *(
            (path, verb)
            for path in ("/", "/gallery", "/gallery/featured")
            for verb in [hide, delete]
        ),
        ("/gallery/featured", unfeature),
    ],
)
def test_moderation_drops_the_cached_listings_at_once(client, make_grid, path, moderate):
    grid = make_listed_grid(make_grid, path)
    assert listed(client, path, grid)

    moderate(Grid.objects.filter(pk=grid.pk))

    assert not listed(client, path, grid)


def test_approving_and_featuring_show_at_once(client, make_grid, settings):
    settings.IPB_REQUIRE_APPROVAL = True
    waiting = make_grid()
    assert not listed(client, "/", waiting)
    assert not listed(client, "/gallery/featured", waiting)

    Grid.objects.filter(pk=waiting.pk).approve()
    assert listed(client, "/", waiting)
    Grid.objects.filter(pk=waiting.pk).feature()

    assert listed(client, "/gallery/featured", waiting)


def test_a_listing_read_before_a_moderation_and_stored_after_it_is_never_served(client, make_grid):
    grid = make_grid()
    read_at = time.time()
    Grid.objects.filter(pk=grid.pk).hide(by=None, reason="test")
    responses._store(
        responses.listing_key("home"), CachedResponse.of(b"the old home", "text/html"), read_at
    )

    assert load_listing("home") is None
    assert not listed(client, "/", grid)


def test_later_gallery_pages_are_never_the_cached_first_page():
    assert cached_response_route("GET", "/gallery", "") is not None
    assert cached_response_route("GET", "/", "utm_source=blog") is not None
    for query in ("before=1-1", "before=", "page=2&before=1-1"):
        assert cached_response_route("GET", "/gallery", query) is None
        assert cached_response_route("GET", "/gallery/featured", query) is None


def test_a_stale_listing_is_not_sent_again_in_front_of_django(
    make_grid, grows_stale_at_once, monkeypatch
):
    django_app = CountingDjango()
    site = ReplayCachedResponses(django_app, replays=ResponseReplays())
    wsgi_request(site, "/")
    grid = make_grid()

    status, _, body = wsgi_request(site, "/")

    assert status == "200 OK"
    assert f'href="/{grid.public_id}"'.encode() in body
    assert django_app.requests == 2


def test_a_fresh_listing_is_sent_again_in_front_of_django(make_grid):
    django_app = CountingDjango()
    site = ReplayCachedResponses(django_app, replays=ResponseReplays())
    make_grid()
    first = wsgi_request(site, "/gallery")

    again = wsgi_request(site, "/gallery")

    assert django_app.requests == 1
    assert again[2] == first[2]


def test_a_grids_cached_answer_is_never_stale(make_grid):
    grid = make_grid()
    store_response(grid.cache_name, "page", CachedResponse.of(b"page", "text/html"), 0.0)

    assert responses.load_response(grid.cache_name, "page").stale is False
