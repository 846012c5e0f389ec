"""A class's post link, /c/<code>/post: /post's behaviour, filing the grid in the class, with
the class's moderation; a refusal a student can act on from its status line alone."""

import json

import pytest
from django.test import override_settings
from django.utils import timezone

from classes.models import Moderation
from grids.models import Grid, GridState
from tests.factories import make_class, post_payload
from tests.posting import post_json

pytestmark = pytest.mark.django_db


def post_to(client, school_class, body=None, code=None):
    path = f"/c/{code or school_class.code}/post"
    return post_json(client, post_payload() if body is None else body, path=path)


def test_a_post_to_the_class_link_is_filed_in_the_class_and_answers_its_page(client):
    school_class = make_class()

    response = post_to(client, school_class)

    assert response.status_code == 200
    grid = Grid.objects.get()
    assert grid.school_class == school_class
    assert response.json() == {"url": f"http://testserver/{grid.public_id}"}
    assert grid.state == GridState.PUBLISHED


def test_the_class_code_is_read_in_any_case(client):
    school_class = make_class()

    response = post_to(client, school_class, code=school_class.code.upper())

    assert response.status_code == 200
    assert Grid.objects.get().school_class == school_class


def test_a_secret_post_to_the_class_link_answers_a_secret_url(client):
    school_class = make_class()

    response = post_to(client, school_class, post_payload(secret=True))

    grid = Grid.objects.get()
    assert grid.secret
    assert grid.school_class == school_class
    assert response.json() == {"url": f"http://testserver/secret/{grid.public_id}"}


def test_an_unknown_class_is_a_404_whose_status_line_says_what_to_do(client):
    response = post_json(client, post_payload(), path="/c/abcdefghjk/post")

    assert response.status_code == 404
    assert response.reason_phrase == "No class has this code: check the link with your teacher"
    assert response.json() == {"detail": response.reason_phrase}
    assert not Grid.objects.exists()


def test_a_closed_class_is_a_410_whose_status_line_says_ask_your_teacher(client):
    school_class = make_class(closes_at=timezone.now() - timezone.timedelta(minutes=1))

    response = post_to(client, school_class)

    assert response.status_code == 410
    assert response.reason_phrase == "This class is closed: ask your teacher"
    assert response.json() == {"detail": "This class is closed: ask your teacher"}
    assert not Grid.objects.exists()


def test_a_class_closing_later_still_takes_posts(client):
    school_class = make_class(closes_at=timezone.now() + timezone.timedelta(hours=1))

    assert post_to(client, school_class).status_code == 200


@pytest.mark.parametrize(
    "body",
    ["{not json", json.dumps({"grid_data": "nope"}), json.dumps(post_payload(secret="yes"))],
)
def test_a_bad_post_to_the_class_link_is_a_400_and_stores_nothing(client, body):
    response = post_to(client, make_class(), body)

    assert response.status_code == 400
    assert not Grid.objects.exists()


def test_a_body_over_the_limit_is_a_413_at_the_class_link_too(client, settings):
    body = json.dumps(post_payload())
    settings.IPB_MAX_BODY_BYTES = len(body) - 1

    response = post_to(client, make_class(), body)

    assert response.status_code == 413
    assert not Grid.objects.exists()


@override_settings(SECURE_SSL_REDIRECT=True)
def test_the_class_link_is_never_redirected_to_https(client):
    school_class = make_class()

    response = post_to(client, school_class)

    assert response.status_code == 200
    assert Grid.objects.get().school_class == school_class


@pytest.mark.parametrize(
    ("moderation", "state", "awaiting_wall"),
    [
        (Moderation.NONE, GridState.PUBLISHED, False),
        (Moderation.WALL, GridState.PUBLISHED, True),
        (Moderation.PUBLIC, GridState.AWAITING_APPROVAL, False),
    ],
)
def test_a_post_waits_as_its_class_moderation_says(client, moderation, state, awaiting_wall):
    school_class = make_class(moderation=moderation, public=True)

    post_to(client, school_class)

    grid = Grid.objects.get()
    assert (grid.state, grid.awaiting_wall) == (state, awaiting_wall)
    # Listed only once nothing waits (public() decides on the rest).
    assert grid.listed is not awaiting_wall


@pytest.mark.parametrize("moderation", [Moderation.NONE, Moderation.WALL])
def test_the_sites_required_approval_wins_over_a_laxer_class(client, settings, moderation):
    settings.IPB_REQUIRE_APPROVAL = True

    post_to(client, make_class(moderation=moderation))

    grid = Grid.objects.get()
    assert grid.state == GridState.AWAITING_APPROVAL
    assert not grid.awaiting_wall  # one approval lets it onto the wall too


def test_a_class_only_grid_opens_by_its_link_but_is_listed_nowhere(client):
    school_class = make_class(public=False)
    post_to(client, school_class)
    grid = Grid.objects.get()

    assert client.get(f"/{grid.public_id}").status_code == 200
    assert client.get(f"/get/{grid.public_id}").status_code == 200
    assert not Grid.objects.public().exists()
    for listing in ("/", "/gallery"):
        assert grid.public_id not in client.get(listing).content.decode()
    assert grid.public_id not in client.get("/random").get("Location", "")


def test_making_a_class_public_lists_its_grids_and_private_unlists_them(client):
    school_class = make_class(public=False)
    post_to(client, school_class)

    school_class.public = True
    school_class.save()
    assert list(Grid.objects.public()) == [Grid.objects.get()]

    school_class.public = False
    school_class.save()
    assert not Grid.objects.public().exists()


def test_approving_a_grid_waiting_for_the_wall_lists_it_where_its_class_is_public(client):
    public_class = make_class(moderation=Moderation.WALL, public=True)
    private_class = make_class(moderation=Moderation.WALL, public=False)
    post_to(client, public_class)
    post_to(client, private_class)

    Grid.objects.all().approve()

    assert not Grid.objects.filter(awaiting_wall=True).exists()
    assert list(Grid.objects.public()) == [Grid.objects.get(school_class=public_class)]
