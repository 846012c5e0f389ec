import orjson
import pytest

from grids.api.serializers import GridDataSerializer
from grids.models import Grid
from tests.factories import checker_blocks

pytestmark = pytest.mark.django_db

NOT_FOUND = {"detail": "No grid with that id."}


def test_get_answers_exactly_the_grid_data(client, make_grid):
    grid = make_grid(width=4, height=3, lines_on=False, blocks=checker_blocks(4, 3, size=9))

    response = client.get(f"/get/{grid.public_id}")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "width": 4,
        "height": 3,
        "lines_on": False,
        "blocks": checker_blocks(4, 3, size=9),
    }


@pytest.mark.parametrize("accept", ["text/html", "application/xml"])
def test_get_answers_json_whatever_the_accept_header_asks_for(client, make_grid, accept):
    grid = make_grid()

    found = client.get(f"/get/{grid.public_id}", HTTP_ACCEPT=accept)
    missing = client.get("/get/nosuchgrid", HTTP_ACCEPT=accept)

    assert found.status_code == 200
    assert found["Content-Type"] == "application/json"
    assert found.json()["width"] == grid.width
    assert missing.status_code == 404
    assert missing.json() == NOT_FOUND


@pytest.mark.parametrize("lines_on", [True, False])
def test_get_sends_the_bytes_the_serializer_writes_without_decoding_the_blocks(
    client, make_grid, starry_night, lines_on
):
    grid = make_grid(
        width=125, height=100, lines_on=lines_on, blocks=starry_night["blocks"], code_cells=None
    )
    decoded = Grid.objects.get(pk=grid.pk)

    response = client.get(f"/get/{grid.public_id}")

    assert response.content == orjson.dumps(GridDataSerializer(decoded).data)


def test_secret_grid_is_fetched_from_the_secret_route(client, make_grid):
    grid = make_grid(secret=True)

    response = client.get(f"/get/secret/{grid.public_id}")

    assert response.status_code == 200
    assert response.json()["blocks"] == grid.blocks


def test_secret_grid_is_404_at_the_public_get_route(client, make_grid):
    grid = make_grid(secret=True)

    response = client.get(f"/get/{grid.public_id}")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_public_grid_is_404_at_the_secret_get_route(client, make_grid):
    grid = make_grid()

    response = client.get(f"/get/secret/{grid.public_id}")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


@pytest.mark.parametrize(
    "grid_id",
    ["nope42", "x" * 65, "has-dash", "%00", "caf%C3%A9", "a%2Fb", "%ED%A0%80"],
)
def test_unknown_or_malformed_id_is_a_404_in_json(client, make_grid, grid_id):
    make_grid()

    response = client.get(f"/get/{grid_id}")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


@pytest.mark.parametrize("path", ["/post/", "/post/abc123", "/get/", "/api/no/such/route"])
def test_unknown_path_under_the_api_is_a_404_in_json(client, db, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_api_routes_serve_the_same_grids(client, make_grid):
    public, secret = make_grid(), make_grid(secret=True)

    assert client.get(f"/api/grids/{public.public_id}").json()["blocks"] == public.blocks
    assert client.get(f"/api/secret-grids/{secret.public_id}").json()["blocks"] == secret.blocks
    assert client.get(f"/api/grids/{secret.public_id}").status_code == 404


def test_fetch_is_served_from_the_cache_without_a_query(
    client, make_grid, django_assert_num_queries
):
    grid = make_grid()
    with django_assert_num_queries(1):  # the grid; not moderated lately, so no second look
        client.get(f"/get/{grid.public_id}")

    with django_assert_num_queries(0):
        response = client.get(f"/get/{grid.public_id}")

    assert response.json()["blocks"] == grid.blocks


@pytest.mark.parametrize("public_route", ["/get/{}", "/api/grids/{}"])
def test_secret_grid_cached_at_its_route_never_answers_at_the_public_one(
    client, make_grid, public_route
):
    grid = make_grid(secret=True)
    assert client.get(f"/get/secret/{grid.public_id}").status_code == 200
    assert client.get(f"/api/secret-grids/{grid.public_id}").status_code == 200

    response = client.get(public_route.format(grid.public_id))

    assert response.status_code == 404


def test_fetch_is_revalidated_by_browsers_and_kept_briefly_by_proxies(client, make_grid, settings):
    settings.IPB_SHARED_CACHE_MAX_AGE = 30
    public, secret = make_grid(), make_grid(secret=True)

    public_response = client.get(f"/get/{public.public_id}")
    secret_response = client.get(f"/get/secret/{secret.public_id}")

    assert set(public_response["Cache-Control"].split(", ")) == {
        "public",
        "max-age=0",
        "must-revalidate",
        "s-maxage=30",
    }
    assert set(secret_response["Cache-Control"].split(", ")) == {
        "private",
        "max-age=0",
        "must-revalidate",
    }


def test_unchanged_fetch_revalidates_with_a_304(client, make_grid):
    grid = make_grid()
    first = client.get(f"/get/{grid.public_id}")

    again = client.get(f"/get/{grid.public_id}", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304


def test_fetch_is_compressed_when_the_client_accepts_it(client, starry_night, make_grid):
    grid = make_grid(**starry_night)

    response = client.get(f"/get/{grid.public_id}", HTTP_ACCEPT_ENCODING="gzip")

    assert response["Content-Encoding"] == "gzip"
