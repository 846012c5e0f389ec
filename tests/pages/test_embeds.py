"""Embeds (issue 24): /embed/<id> shows a grid alone and other sites may frame it; every other
page still refuses frames; /oembed tells a blog how to show a pasted grid link."""

import io
from urllib.parse import quote

import pytest
from django.core.exceptions import ImproperlyConfigured
from PIL import Image

from grids.embeds import fitted
from grids.models import Grid, GridState
from grids.rendering.picture import grid_layout, grid_thumbnail_picture_png, thumbnail_size
from ipbsite.settings import env_frame_ancestors
from tests.factories import checker_blocks

pytestmark = pytest.mark.django_db

CSP = "Content-Security-Policy"


def frame_ancestors(response) -> str:
    directives = dict(
        directive.strip().split(" ", 1) for directive in response[CSP].split(";") if directive
    )
    return directives["frame-ancestors"]


def first_colour(grid: Grid) -> str:
    return "#{:02x}{:02x}{:02x}".format(*grid.blocks[0][0][:3])


def oembed(client, url: str, **params):
    return client.get("/oembed", {"url": url, **params})


# Embeds


@pytest.mark.parametrize("secret", [False, True])
def test_embed_shows_the_grid_alone_with_nothing_to_click(client, make_grid, secret):
    grid = make_grid(secret=secret)
    route = f"/embed/secret/{grid.public_id}" if secret else f"/embed/{grid.public_id}"

    response = client.get(route)

    body = response.content.decode()
    assert response.status_code == 200
    assert f"bgcolor={first_colour(grid)}" in body
    assert 'role="img" aria-label="BlockGrid, 3 by 2 blocks' in body
    assert "grids/css/grid." in body
    assert "grids/js/grid-fit." in body
    for clickable in ("<a ", "<form", "<button", "<input"):
        assert clickable not in body


@pytest.mark.parametrize("secret", [False, True])
def test_embed_may_be_framed_by_any_site_by_default(client, make_grid, secret):
    grid = make_grid(secret=secret)
    route = f"/embed/secret/{grid.public_id}" if secret else f"/embed/{grid.public_id}"

    for _ in range(2):  # built, then from the cache
        response = client.get(route)
        assert "X-Frame-Options" not in response
        assert frame_ancestors(response) == "*"
        # The rest of the site's policy still holds, with the grid's inline style allowed.
        assert "script-src 'self'" in response[CSP]
        assert "'sha256-" in response[CSP]


def test_embed_may_be_framed_only_by_the_origins_set(client, make_grid, settings):
    settings.IPB_EMBED_FRAME_ANCESTORS = ["https://blog.school.example", "https://*.moodle.example"]
    grid = make_grid()

    response = client.get(f"/embed/{grid.public_id}")

    assert frame_ancestors(response) == "https://blog.school.example https://*.moodle.example"


@pytest.mark.parametrize(
    "route",
    [
        "/",
        "/about",
        "/{id}",  # sent whole from the cache by CachedResponseMiddleware
        "/{id}.png",
        "/{id}/report",
        "/oembed?url=http://testserver/{id}",
        "/no-such-page",
        "/embed/{missing}",
    ],
)
def test_every_other_page_refuses_to_be_framed(client, make_grid, route):
    grid = make_grid()
    client.get(f"/{grid.public_id}")

    response = client.get(route.format(id=grid.public_id, missing="zzzzzzzz"))

    assert response["X-Frame-Options"] == "DENY"
    assert frame_ancestors(response) == "'none'"


def test_secret_grid_has_no_embed_at_the_public_route(client, make_grid):
    secret, public = make_grid(secret=True), make_grid()

    assert client.get(f"/embed/{secret.public_id}").status_code == 404
    assert client.get(f"/embed/secret/{public.public_id}").status_code == 404


def test_hidden_grid_embed_is_gone_at_once(client, make_grid):
    grid = make_grid()
    assert client.get(f"/embed/{grid.public_id}").status_code == 200  # now cached

    Grid.objects.filter(pk=grid.pk).hide(reason="test")
    response = client.get(f"/embed/{grid.public_id}")

    assert response.status_code == 410
    assert first_colour(grid) not in response.content.decode()


def test_waiting_grid_has_no_embed(client, make_grid):
    grid = make_grid(state=GridState.AWAITING_APPROVAL)

    assert client.get(f"/embed/{grid.public_id}").status_code == 404


# The grid page's snippet and oEmbed discovery


def test_grid_page_offers_the_iframe_snippet_and_oembed_discovery(client, make_grid):
    grid = make_grid(width=40, height=10, blocks=checker_blocks(40, 10))  # 841 x 211 px

    body = client.get(f"/{grid.public_id}").content.decode()

    # Capped to 600 px wide, the grid's shape kept.
    snippet = (
        f"&lt;iframe src=&quot;http://testserver/embed/{grid.public_id}&quot; width=&quot;600"
        f"&quot; height=&quot;150&quot; title=&quot;BlockGrid {grid.public_id} on ipythonblocks"
        "&quot; loading=&quot;lazy&quot;&gt;&lt;/iframe&gt;"
    )
    assert f'<code id="embed-snippet">{snippet}</code>' in body
    assert 'data-copy-target="embed-snippet" hidden>Copy embed code</button>' in body
    assert "<iframe" not in body
    discovery = (
        '<link rel="alternate" type="application/json+oembed" href="http://testserver/oembed?url='
        f'http%3A%2F%2Ftestserver%2F{grid.public_id}&amp;format=json" '
        f'title="BlockGrid {grid.public_id}">'
    )
    assert discovery in body


# oEmbed


@pytest.mark.parametrize("secret", [False, True])
def test_oembed_answers_the_rich_type_for_a_grid_page(client, make_grid, secret):
    grid = make_grid(secret=secret)
    page = f"http://testserver{grid.get_absolute_url()}"
    embed = f"http://testserver/embed/{'secret/' if secret else ''}{grid.public_id}"
    thumbnail = f"http://testserver/{'secret/' if secret else ''}{grid.public_id}/thumbnail.png"

    response = oembed(client, page, format="json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "type": "rich",
        "version": "1.0",
        "title": f"BlockGrid {grid.public_id} on ipythonblocks",
        "provider_name": "ipythonblocks",
        "provider_url": "http://testserver",
        "html": f'<iframe src="{embed}" width="64" height="43" title="BlockGrid '
        f'{grid.public_id} on ipythonblocks" loading="lazy"></iframe>',
        "width": 64,
        "height": 43,
        "thumbnail_url": thumbnail,
        "thumbnail_width": 192,
        "thumbnail_height": 129,
    }
    assert "X-Frame-Options" in response


@pytest.mark.parametrize(
    "url",
    ["http://testserver/{id}/", "https://testserver/{id}", "HTTP://TESTSERVER/{id}?from=random"],
)
def test_oembed_takes_the_page_url_as_people_paste_it(client, make_grid, url):
    grid = make_grid()

    response = oembed(client, url.format(id=grid.public_id))

    assert response.status_code == 200
    assert f"/embed/{grid.public_id}" in response.json()["html"]


def test_oembed_honours_maxwidth_and_maxheight(client, make_grid):
    grid = make_grid(width=40, height=10, blocks=checker_blocks(40, 10))  # 841 x 211 px
    page = f"http://testserver/{grid.public_id}"

    wide = oembed(client, page).json()
    narrow = oembed(client, page, maxwidth="300").json()
    low = oembed(client, page, maxwidth="1000", maxheight="50").json()

    assert (wide["width"], wide["height"]) == (600, 150)
    assert (narrow["width"], narrow["height"]) == (300, 75)
    assert 'width="300" height="75"' in narrow["html"]
    assert (low["width"], low["height"]) == (199, 50)
    # The thumbnail (169 x 43 px) fits within 50 px high, not within 40.
    assert (low["thumbnail_width"], low["thumbnail_height"]) == (169, 43)
    assert "thumbnail_url" not in oembed(client, page, maxheight="40").json()


def test_oembed_in_xml_is_not_offered(client, make_grid):
    grid = make_grid()

    response = oembed(client, f"http://testserver/{grid.public_id}", format="xml")

    assert response.status_code == 501
    assert response.json() == {"detail": "Only format=json is offered."}


@pytest.mark.parametrize(
    "url",
    [
        "http://elsewhere.example/{id}",
        "http://testserver:8080/{id}",
        "ftp://testserver/{id}",
        "http://testserver/embed/{id}",
        "http://testserver/{id}.png",
        "http://testserver/about",
        "http://[broken/{id}",
        "http://testserver:notaport/{id}",
        "not a url at all",
        "",
    ],
)
def test_oembed_of_anything_but_a_grid_page_here_is_a_404(client, make_grid, url):
    grid = make_grid()

    response = oembed(client, url.format(id=grid.public_id))

    assert response.status_code == 404
    assert response.json() == {"detail": "No grid page of this site at that url."}


@pytest.mark.parametrize("maxwidth", ["0", "-5", "wide", "1.5"])
def test_oembed_refuses_a_maxwidth_that_is_not_pixels(client, make_grid, maxwidth):
    grid = make_grid()

    response = oembed(client, f"http://testserver/{grid.public_id}", maxwidth=maxwidth)

    assert response.status_code == 400
    assert "maxwidth" in response.json()["detail"]


@pytest.mark.parametrize("state", [GridState.HIDDEN, GridState.AWAITING_APPROVAL])
def test_oembed_of_a_withheld_grid_is_a_404(client, make_grid, state):
    grid = make_grid(state=state)

    response = oembed(client, f"http://testserver/{grid.public_id}")

    assert response.status_code == 404
    assert grid.public_id not in response.content.decode()


def test_oembed_of_a_secret_grid_at_its_public_address_is_a_404(client, make_grid):
    grid = make_grid(secret=True)

    assert oembed(client, f"http://testserver/{grid.public_id}").status_code == 404


def test_hidden_grid_oembed_is_gone_at_once(client, make_grid):
    grid = make_grid()
    page = f"http://testserver/{grid.public_id}"
    assert oembed(client, page).status_code == 200

    Grid.objects.filter(pk=grid.pk).hide(reason="test")

    assert oembed(client, page).status_code == 404


def test_oembed_url_in_the_page_head_answers(client, make_grid):
    grid = make_grid()
    quoted = quote(f"http://testserver/{grid.public_id}", safe="")

    response = client.get(f"/oembed?url={quoted}&format=json")

    assert response.json()["html"].startswith('<iframe src="http://testserver/embed/')


# Sizes and settings


@pytest.mark.parametrize(
    ("natural", "limits", "expected"),
    [
        ((64, 43), (600, 600), (64, 43)),
        ((841, 211), (600, 600), (600, 150)),
        ((211, 841), (600, 600), (150, 600)),
        ((5000, 1), (600, 600), (600, 1)),
    ],
)
def test_embed_size_is_scaled_down_never_up_keeping_the_shape(natural, limits, expected):
    assert fitted(*natural, *limits) == expected


def test_thumbnail_size_is_the_thumbnail_pictures(make_grid):
    grid = make_grid(width=40, height=10, blocks=checker_blocks(40, 10))

    picture = Image.open(io.BytesIO(grid_thumbnail_picture_png(grid)))

    assert thumbnail_size(grid_layout(grid)) == picture.size


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("", ["*"]),
        ("*", ["*"]),
        ("https://blog.school.example  https://*.moodle.example:8443", None),
    ],
)
def test_frame_ancestors_setting_takes_any_or_origins(monkeypatch, given, kept):
    monkeypatch.setenv("IPB_EMBED_FRAME_ANCESTORS", given)

    assert env_frame_ancestors("IPB_EMBED_FRAME_ANCESTORS", "*") == (kept or given.split())


@pytest.mark.parametrize(
    "given", ["'self'; script-src *", "blog.school.example", "https://a.example,https://b.example"]
)
def test_frame_ancestors_setting_refuses_anything_else(monkeypatch, given):
    monkeypatch.setenv("IPB_EMBED_FRAME_ANCESTORS", given)

    with pytest.raises(ImproperlyConfigured, match="IPB_EMBED_FRAME_ANCESTORS"):
        env_frame_ancestors("IPB_EMBED_FRAME_ANCESTORS", "*")
