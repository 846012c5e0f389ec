"""A grid's pictures at /<id>.png, .svg, /thumbnail.png and /card.png: secret ones only under
/secret/, none of a withheld grid, kept whole in the cache like the page."""

import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from PIL import Image

from grids.caching.keys import rendered_key, response_part
from grids.models import Grid, GridState
from grids.views import GridPictureView
from tests.factories import checker_blocks

pytestmark = pytest.mark.django_db

# The public route's name (the secret one's is secret-<name>) and the content type.
PICTURES = [
    pytest.param("png", "image/png", id="png"),
    pytest.param("svg", "image/svg+xml", id="svg"),
    pytest.param("thumbnail", "image/png", id="thumbnail"),
    pytest.param("card", "image/png", id="card"),
]


def picture_url(name: str, grid: Grid) -> str:
    route = f"grids:secret-{name}" if grid.secret else f"grids:{name}"
    return reverse(route, kwargs={"public_id": grid.public_id})


def view_must_not_run(*args, **kwargs):
    raise AssertionError("the view ran: the picture did not come from the cache")


@pytest.mark.parametrize("secret", [False, True])
@pytest.mark.parametrize(("name", "content_type"), PICTURES)
def test_a_grid_has_its_pictures_at_its_own_routes(client, make_grid, name, content_type, secret):
    grid = make_grid(secret=secret, blocks=checker_blocks(3, 2))

    response = client.get(picture_url(name, grid))

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    if secret:
        assert response["Cache-Control"] == "private, max-age=0, must-revalidate"
    else:
        assert "public" in response["Cache-Control"]
        assert "s-maxage" in response["Cache-Control"]


def test_the_png_is_the_grid_as_the_notebook_draws_it(client, make_grid):
    blocks = checker_blocks(3, 2)
    grid = make_grid(blocks=blocks)

    image = Image.open(io.BytesIO(client.get(f"/{grid.public_id}.png").content))

    assert image.size == (3 * 20 + 4, 2 * 20 + 3)
    assert image.getpixel((11, 11)) == tuple(blocks[0][0][:3])


@pytest.mark.parametrize(("name", "content_type"), PICTURES)
def test_a_secret_grids_picture_is_404_at_the_public_route(client, make_grid, name, content_type):
    grid = make_grid(secret=True)
    public_url = picture_url(name, grid).replace("/secret/", "/")

    assert client.get(public_url).status_code == 404


@pytest.mark.parametrize(("name", "content_type"), PICTURES)
def test_a_public_grids_picture_is_404_under_secret(client, make_grid, name, content_type):
    grid = make_grid()

    assert client.get("/secret" + picture_url(name, grid)).status_code == 404


@pytest.mark.parametrize(("name", "content_type"), PICTURES)
def test_a_hidden_grid_has_no_picture_and_is_gone(client, make_grid, name, content_type):
    grid = make_grid(state=GridState.HIDDEN)

    response = client.get(picture_url(name, grid))

    assert response.status_code == 410
    assert not response["Content-Type"].startswith("image/")


@pytest.mark.parametrize(("name", "content_type"), PICTURES)
def test_a_waiting_grid_has_no_picture(client, make_grid, name, content_type):
    grid = make_grid(secret=True, state=GridState.AWAITING_APPROVAL)

    assert client.get(picture_url(name, grid)).status_code == 404


@pytest.mark.parametrize("accept_encoding", ["", "gzip"])
@pytest.mark.parametrize("secret", [False, True])
@pytest.mark.parametrize(("name", "content_type"), PICTURES)
def test_a_warm_picture_is_sent_from_the_cache_as_the_view_sent_it(
    client, make_grid, monkeypatch, name, content_type, secret, accept_encoding
):
    grid = make_grid(secret=secret)
    url = picture_url(name, grid)
    built = client.get(url, HTTP_ACCEPT_ENCODING=accept_encoding)

    monkeypatch.setattr(GridPictureView, "get", view_must_not_run)
    sent = client.get(url, HTTP_ACCEPT_ENCODING=accept_encoding)

    assert sent.status_code == 200
    assert sent.content == built.content
    assert sent["Content-Type"] == content_type
    assert sent["ETag"] == built["ETag"]
    assert sent["Cache-Control"] == built["Cache-Control"]


@pytest.mark.parametrize("secret", [False, True])
@pytest.mark.parametrize(("name", "content_type"), PICTURES)
def test_hiding_a_grid_takes_its_cached_pictures_away_at_once(
    client, make_grid, name, content_type, secret
):
    grid = make_grid(secret=secret)
    url = picture_url(name, grid)
    assert client.get(url).status_code == 200
    part = {"thumbnail": "thumbnail-png", "card": "card-png"}.get(name, name)
    key = rendered_key(grid.cache_name, response_part(part, secret=secret))
    assert cache.get(key) is not None

    Grid.objects.filter(pk=grid.pk).hide(by=None, reason="test")

    assert cache.get(key) is None
    assert client.get(url).status_code == 410


def test_a_browsers_copy_of_a_picture_is_revalidated_with_a_304(client, make_grid, monkeypatch):
    grid = make_grid()
    etag = client.get(f"/{grid.public_id}.png")["ETag"]
    monkeypatch.setattr(GridPictureView, "get", view_must_not_run)

    response = client.get(f"/{grid.public_id}.png", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
