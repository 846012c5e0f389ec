import pytest

pytestmark = pytest.mark.django_db


def test_random_redirects_with_303_to_a_public_grid(client, make_grid):
    grid = make_grid()

    response = client.get("/random")

    assert response.status_code == 303
    assert response["Location"] == f"/{grid.public_id}?from=random"
    assert response["Cache-Control"] == "no-store"


def test_random_never_lands_on_a_secret_grid(client, make_grid):
    public = make_grid()
    for _ in range(5):
        make_grid(secret=True)

    locations = {client.get("/random")["Location"] for _ in range(40)}

    assert locations == {f"/{public.public_id}?from=random"}


def test_random_visits_every_public_grid(client, make_grid):
    grids = [make_grid() for _ in range(3)]

    locations = {client.get("/random")["Location"] for _ in range(60)}

    assert locations == {f"/{grid.public_id}?from=random" for grid in grids}


def test_random_with_no_grids_is_a_friendly_page(client, make_grid):
    make_grid(secret=True)

    response = client.get("/random")

    assert response.status_code == 200
    assert "No grids yet" in response.content.decode()
