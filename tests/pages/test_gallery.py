"""The gallery: public grids as picture cards, newest first, a page at a time by keyset; and
the box that opens a grid by its id or a pasted link (issue 24, item 1)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from grids import views
from grids.models import Grid, GridState
from grids.remixes import record_remix_parents

pytestmark = pytest.mark.django_db


def shown_ids(html: str) -> list[str]:
    return re.findall(r'<span class="grid-card-id">([A-Za-z0-9]+)</span>', html)


def next_page(html: str) -> str | None:
    found = re.search(r'href="(/gallery\?before=[0-9-]+)" rel="next"', html)
    return found.group(1) if found else None


@pytest.fixture
def many_grids(make_grid, monkeypatch):
    monkeypatch.setattr(views, "GALLERY_PAGE_SIZE", 4)
    start = timezone.now() - timedelta(hours=1)
    made = [make_grid() for _ in range(10)]
    for number, grid in enumerate(made):  # two by two at the same moment: ties break by key
        Grid.objects.filter(pk=grid.pk).update(created_at=start + timedelta(minutes=number // 2))
    return made


def newest_first(grids) -> list[str]:
    ordered = Grid.objects.filter(pk__in=[grid.pk for grid in grids]).order_by("-created_at", "-pk")
    return [grid.public_id for grid in ordered]


def test_the_gallery_pages_through_every_public_grid_newest_first_once(client, many_grids):
    seen, path = [], "/gallery"
    while path:
        html = client.get(path).content.decode()
        seen += shown_ids(html)
        path = next_page(html)

    assert seen == newest_first(many_grids)


def test_posts_arriving_meanwhile_move_no_grid_between_pages(client, many_grids, make_grid):
    first = client.get("/gallery").content.decode()
    for _ in range(3):
        make_grid()  # new grids, newer than every card

    second = client.get(next_page(first)).content.decode()

    assert shown_ids(second) == newest_first(many_grids)[4:8]


def test_only_public_visible_grids_are_shown(client, make_grid):
    shown = make_grid()
    hidden = [
        make_grid(secret=True),
        make_grid(state=GridState.HIDDEN),
        make_grid(state=GridState.AWAITING_APPROVAL),
    ]

    html = client.get("/gallery").content.decode()

    assert shown_ids(html) == [shown.public_id]
    for grid in hidden:
        assert grid.public_id not in html


def test_cards_show_the_picture_size_date_and_public_remixes(client, make_grid):
    parent = make_grid()
    for secret in (False, False, True):
        remix = make_grid(secret=secret, code_cells=[f"BlockGrid.from_web('{parent.public_id}')"])
        record_remix_parents(remix)

    html = client.get("/gallery").content.decode()

    assert f'src="/{parent.public_id}/thumbnail.png"' in html
    assert "3 × 2 blocks" in html
    assert "2 remixes" in html  # not the secret one


@pytest.mark.parametrize("cursor", ["x", "12", "1-2-3", "-1-2", "9" * 19 + "-1", "1" * 40])
def test_a_page_no_link_of_ours_makes_is_not_found(client, cursor):
    assert client.get(f"/gallery?before={cursor}").status_code == 404


@pytest.mark.parametrize(
    "typed",
    ["{id}", " {id} ", "https://blocks.school.example/{id}", "http://x/{id}/report", "{id}.png"],
)
def test_the_box_opens_a_grid_by_its_id_or_any_of_its_links(client, make_grid, typed):
    grid = make_grid()

    response = client.get("/open", {"grid": typed.format(id=grid.public_id)})

    assert response.status_code == 303
    assert response["Location"] == f"/{grid.public_id}"


def test_the_box_opens_a_secret_grid_only_from_its_secret_link(client, make_grid):
    grid = make_grid(secret=True)

    by_link = client.get("/open", {"grid": f"https://site.example/secret/{grid.public_id}"})
    by_id = client.get("/open", {"grid": grid.public_id})

    assert by_link["Location"] == f"/secret/{grid.public_id}"
    assert by_id.status_code == 404


@pytest.mark.parametrize("typed", ["", "nosuch", "a b", "x" * 300, "<script>"])
def test_the_box_says_when_no_grid_has_that_id(client, make_grid, typed):
    make_grid(state=GridState.HIDDEN)

    response = client.get("/open", {"grid": typed})

    assert response.status_code == 404
    assert "No grid with that id" in response.content.decode()
    assert "<script>" not in response.content.decode()


def test_a_hidden_grid_is_not_opened(client, make_grid):
    grid = make_grid(state=GridState.HIDDEN)

    assert client.get("/open", {"grid": grid.public_id}).status_code == 404


def test_a_random_grids_page_offers_another_without_changing_the_cached_page(client, make_grid):
    grid = make_grid()

    location = client.get("/random")["Location"]
    from_random = client.get(location).content
    plain = client.get(f"/{grid.public_id}").content

    assert location == f"/{grid.public_id}?from=random"
    assert from_random == plain  # one cached page; random-again.js shows the offer
    assert b'class="random-again" hidden' in plain


def test_featured_grids_are_listed_latest_featured_first_and_on_the_home_page(
    client, make_grid, django_user_model
):
    teacher = django_user_model.objects.create_user("t")
    first, second, never = make_grid(), make_grid(), make_grid()
    Grid.objects.filter(pk=first.pk).feature(by=teacher)
    Grid.objects.filter(pk=second.pk).feature(by=teacher)

    featured = client.get("/gallery/featured").content.decode()
    home = client.get("/").content.decode()

    assert shown_ids(featured) == [second.public_id, first.public_id]
    assert "Featured by teachers" in home
    assert never.public_id not in featured


def test_a_featured_grid_hidden_later_is_listed_nowhere(client, make_grid, django_user_model):
    teacher = django_user_model.objects.create_user("t")
    grid = make_grid()
    Grid.objects.filter(pk=grid.pk).feature(by=teacher)

    Grid.objects.filter(pk=grid.pk).hide(by=teacher, reason="Rude words")

    assert grid.public_id not in client.get("/gallery/featured").content.decode()
    assert "Featured by teachers" not in client.get("/").content.decode()


def test_only_a_grid_the_public_may_see_can_be_featured(make_grid, django_user_model):
    teacher = django_user_model.objects.create_user("t")
    grids = [make_grid(secret=True), make_grid(state=GridState.AWAITING_APPROVAL)]

    assert Grid.objects.filter(pk__in=[grid.pk for grid in grids]).feature(by=teacher) == 0
    assert not Grid.objects.exclude(featured_at=None).exists()


def test_the_featured_view_pages_by_when_grids_were_featured(
    client, make_grid, monkeypatch, django_user_model
):
    monkeypatch.setattr(views, "GALLERY_PAGE_SIZE", 2)
    teacher = django_user_model.objects.create_user("t")
    grids = [make_grid() for _ in range(5)]
    for grid in reversed(grids):  # the oldest grid featured last: first in the view
        Grid.objects.filter(pk=grid.pk).feature(by=teacher)

    seen, path = [], "/gallery/featured"
    while path:
        html = client.get(path).content.decode()
        seen += shown_ids(html)
        found = re.search(r'href="(/gallery/featured\?before=[0-9-]+)" rel="next"', html)
        path = found.group(1) if found else None

    assert seen == [grid.public_id for grid in grids]
