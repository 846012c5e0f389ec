"""Hidden and waiting grids are gone from every public surface, secret ones from every listing.

The walk below visits every route in the URLconf (except the admin) with the ids of withheld
grids, so a route added later without starting from Grid.objects.reachable() fails here.
"""

from urllib.parse import urlencode

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from grids.models import Grid, GridState
from grids.site_url import absolute_url
from tests.factories import checker_blocks, make_class

pytestmark = pytest.mark.django_db

WITHHELD_STATES = [GridState.HIDDEN, GridState.AWAITING_APPROVAL]


def public_routes(patterns=None, prefix=""):
    """(route name, route template) for every URL pattern outside the admin."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            yield from public_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            if route.startswith("admin/"):
                # The admin's "View on site", routed ahead of the admin (ipbsite/urls.py):
                # signed-in teachers only, walked by tests/classes/test_admin_scoping.py.
                continue
            yield pattern.name, route


def fill(route: str, public_id: str, class_code: str) -> str:
    for placeholder in ("<grid_id:public_id>", "<str:public_id>"):
        route = route.replace(placeholder, public_id)
    route = route.replace("<class_code:code>", class_code)
    assert "<" not in route, f"the walk does not know how to fill {route}"
    return "/" + route


def query_naming(name: str, grid: Grid) -> str:
    """The query of a route that names a grid by its page's URL (/oembed?url=...), else ""."""
    if name == "oembed":
        return "?" + urlencode({"url": absolute_url(grid.get_absolute_url())})
    return ""


def shows_grid(response, grid: Grid) -> bool:
    if response.get("Content-Type", "").startswith("image/"):
        return True  # a picture of a grid is the grid, whatever its bytes
    body = response.content.decode(errors="replace")
    location = response.get("Location", "")
    first_colour = "#{:02x}{:02x}{:02x}".format(*grid.blocks[0][0][:3])
    return grid.public_id in body or grid.public_id in location or first_colour in body


def test_the_walk_reaches_every_public_route():
    names = {name for name, _ in public_routes()}

    assert {"home", "about", "random", "page", "secret-page", "report", "secret-report"} <= names
    assert {"post", "get", "get-secret", "grid-detail", "secret-grid-detail"} <= names
    pictures = {"png", "svg", "thumbnail", "card"}
    assert pictures | {f"secret-{name}" for name in pictures} <= names
    assert {"embed", "secret-embed", "oembed"} <= names
    assert {"wall", "wall-cards", "teach", "download"} <= names


@pytest.mark.parametrize("state", WITHHELD_STATES)
@pytest.mark.parametrize("secret", [False, True])
def test_no_public_route_shows_a_withheld_grid(client, make_grid, state, secret):
    # In a public class, whose wall anyone may open.
    school_class = make_class(public=True)
    withheld = make_grid(
        secret=secret, state=state, blocks=checker_blocks(3, 2), school_class=school_class
    )
    make_grid(school_class=school_class)  # something else to list and pick at random

    for name, route in public_routes():
        for method in ("get", "post"):
            path = fill(route, withheld.public_id, school_class.code)
            path += query_naming(name, withheld)
            response = getattr(client, method)(path)
            assert not shows_grid(response, withheld), f"{method.upper()} {route} ({name})"
            assert response.status_code < 500


@pytest.mark.parametrize("route", ["/get/{}", "/api/grids/{}"])
def test_hidden_grid_is_a_404_json_at_get(client, make_grid, route):
    grid = make_grid(state=GridState.HIDDEN)

    response = client.get(route.format(grid.public_id))

    assert response.status_code == 404
    assert response.json() == {"detail": "No grid with that id."}


def test_hidden_grid_page_says_a_moderator_removed_it(client, make_grid):
    grid = make_grid(state=GridState.HIDDEN)

    response = client.get(f"/{grid.public_id}")

    assert response.status_code == 410
    assert "Removed by a moderator" in response.content.decode()


def test_waiting_grid_page_says_it_waits_for_a_teacher(client, make_grid):
    grid = make_grid(secret=True, state=GridState.AWAITING_APPROVAL)

    response = client.get(f"/secret/{grid.public_id}")

    assert response.status_code == 200
    assert "Waiting for a teacher" in response.content.decode()
    assert not shows_grid(response, grid)


def test_secret_grid_is_never_listed_or_picked(client, make_grid):
    secret = make_grid(secret=True)

    assert not shows_grid(client.get("/"), secret)
    assert not shows_grid(client.get("/random"), secret)


def test_unhidden_grid_comes_back_everywhere(client, make_grid):
    grid = make_grid(state=GridState.HIDDEN)
    Grid.objects.filter(pk=grid.pk).unhide()

    assert client.get(f"/{grid.public_id}").status_code == 200
    assert client.get(f"/get/{grid.public_id}").status_code == 200
    assert shows_grid(client.get("/"), grid)
    assert client.get("/random")["Location"] == f"/{grid.public_id}?from=random"
