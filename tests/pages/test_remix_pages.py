"""A remix's page says what it was remixed from, and the parent's lists its public remixes,
posted as the client posts; what the public may not see is never linked (issue 24, item 6)."""

import json

import pytest

from grids.models import Grid, GridState
from tests.factories import post_payload

pytestmark = pytest.mark.django_db


def post_remix_of(client, parent: Grid, **payload) -> Grid:
    secret = ", secret=True" if parent.secret else ""
    code = [f"grid = BlockGrid.from_web('{parent.public_id}'{secret})", "grid[0, 0] = (0, 0, 0)"]
    response = client.generic(
        "POST", "/post", json.dumps(post_payload(code_cells=code, **payload)), content_type=""
    )
    assert response.status_code == 200, response.content
    return Grid.objects.get(public_id=response.json()["url"].rsplit("/", 1)[-1])


def test_a_remix_links_to_its_parent_and_the_parent_lists_it(client, make_grid):
    parent = make_grid()
    parent_page_before = client.get(f"/{parent.public_id}").content.decode()
    assert "Remixes" not in parent_page_before  # now cached, without remixes

    remix = post_remix_of(client, parent)

    remix_page = client.get(f"/{remix.public_id}").content.decode()
    parent_page = client.get(f"/{parent.public_id}").content.decode()
    assert "Remixed from" in remix_page
    assert f'href="/{parent.public_id}"' in remix_page
    assert "Remixes" in parent_page  # the cached page was forgotten when the remix arrived
    assert f'href="/{remix.public_id}"' in parent_page


def test_a_secret_parent_is_never_linked(client, make_grid):
    parent = make_grid(secret=True)

    remix = post_remix_of(client, parent)

    assert remix.remixed_from.get() == parent  # recorded all the same
    remix_page = client.get(f"/{remix.public_id}").content.decode()
    assert "Remixed from" not in remix_page
    # Only the student's own code names it: that is their text, not a link of ours.
    assert f'href="/secret/{parent.public_id}"' not in remix_page


def test_a_secret_remix_is_never_listed_on_its_parents_page(client, make_grid):
    parent = make_grid()

    secret_remix = post_remix_of(client, parent, secret=True)

    parent_page = client.get(f"/{parent.public_id}").content.decode()
    assert secret_remix.public_id not in parent_page
    assert "Remixes" not in parent_page


@pytest.mark.parametrize("hide", ["parent", "remix"])
def test_hiding_either_takes_it_off_the_others_cached_page_at_once(
    client, make_grid, django_user_model, hide
):
    parent = make_grid()
    remix = post_remix_of(client, parent)
    assert f'href="/{remix.public_id}"' in client.get(f"/{parent.public_id}").content.decode()
    assert f'href="/{parent.public_id}"' in client.get(f"/{remix.public_id}").content.decode()
    teacher = django_user_model.objects.create_user("t")

    hidden, other = (parent, remix) if hide == "parent" else (remix, parent)
    Grid.objects.filter(pk=hidden.pk).hide(by=teacher, reason="Rude words")

    other_page = client.get(f"/{other.public_id}").content.decode()
    assert f'href="/{hidden.public_id}"' not in other_page
    assert "Remixed from" not in other_page
    assert 'id="remixes"' not in other_page


def test_a_remix_waiting_for_approval_is_listed_once_approved(
    client, make_grid, settings, django_user_model
):
    parent = make_grid()
    settings.IPB_REQUIRE_APPROVAL = True  # for the remix, posted after its parent
    remix = post_remix_of(client, parent)
    assert remix.state == GridState.AWAITING_APPROVAL
    assert remix.public_id not in client.get(f"/{parent.public_id}").content.decode()

    Grid.objects.filter(pk=remix.pk).approve(by=django_user_model.objects.create_user("t"))

    assert f'href="/{remix.public_id}"' in client.get(f"/{parent.public_id}").content.decode()


def test_a_remix_of_the_same_shape_shows_which_blocks_it_changed(client, make_grid):
    parent = make_grid(width=3, height=2)  # the size post_payload() posts

    remix = post_remix_of(client, parent, grid_data={"blocks": changed_corner(parent.blocks)})

    page = client.get(f"/{remix.public_id}").content.decode()
    assert f"What this remix changed from {parent.public_id}: 1 of 6 blocks" in page
    assert 'class="remix-changes"' in page


def test_a_remix_of_another_shape_shows_no_changes_picture(client, make_grid):
    parent = make_grid(width=4, height=4)

    remix = post_remix_of(client, parent)

    page = client.get(f"/{remix.public_id}").content.decode()
    assert f'href="/{parent.public_id}"' in page
    assert "remix-changes" not in page


def changed_corner(blocks: list) -> list:
    changed = json.loads(json.dumps(blocks))
    changed[0][0] = [255, 255, 255, changed[0][0][3]]
    return changed
