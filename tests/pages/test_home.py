import pytest
from django.core.cache import cache

from grids.caching.keys import listing_key

pytestmark = pytest.mark.django_db


def test_home_says_what_the_site_is(client):
    html = client.get("/").content.decode()

    for verb in ("Learn", "Share", "Remix"):
        assert f"<h2>{verb}</h2>" in html


def test_home_lists_the_latest_public_grids_newest_first(client, make_grid):
    older, newer = make_grid(), make_grid()

    html = client.get("/").content.decode()

    assert html.index(f'href="/{newer.public_id}"') < html.index(f'href="/{older.public_id}"')
    assert 'src="data:image/png;base64,' in html


def test_home_never_lists_a_secret_grid(client, make_grid):
    secret = make_grid(secret=True)

    html = client.get("/").content.decode()

    assert secret.public_id not in html


def test_home_shows_at_most_the_configured_number_of_grids(client, make_grid, settings):
    settings.IPB_HOME_LATEST_GRIDS = 2
    grids = [make_grid() for _ in range(3)]

    html = client.get("/").content.decode()

    assert grids[0].public_id not in html
    assert all(grid.public_id in html for grid in grids[1:])


def test_home_with_no_grids_invites_the_first_post(client):
    assert "No grids yet" in client.get("/").content.decode()


def test_home_makes_a_fixed_number_of_queries(client, make_grid, django_assert_num_queries):
    for _ in range(5):
        make_grid()
    client.get("/")  # fills the thumbnail cache
    cache.delete(listing_key("home"))  # tests/caching/test_listings.py pins the warm page

    with django_assert_num_queries(2):  # the latest grids and the featured ones
        client.get("/")
