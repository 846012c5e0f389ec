"""A class's wall (/c/<code>/) and its poll (/c/<code>/cards): the class's grids, newest
first; secret ones for its teachers only; a poll with nothing new is a 304 from the cache; any
post or moderation changes it at once."""

import re
from datetime import datetime
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from classes.models import Moderation
from grids.models import Grid, GridState
from tests.factories import checker_blocks, make_class, make_grid, solid_blocks

pytestmark = pytest.mark.django_db


def ids_on(html: str) -> list[str]:
    return re.findall(r'alt="Grid (\w+),', html)


def poll(client, school_class, etag=None, query=""):
    headers = {"If-None-Match": etag} if etag else {}
    return client.get(f"/c/{school_class.code}/cards{query}", headers=headers)


def test_a_public_wall_shows_its_class_grids_newest_first_and_no_others(client, her_class):
    older = make_grid(school_class=her_class, created_at=timezone.now() - timezone.timedelta(1))
    newer = make_grid(school_class=her_class)
    make_grid()  # not the class's

    response = client.get(f"/c/{her_class.code}/")

    assert response.status_code == 200
    assert ids_on(response.content.decode()) == [newer.public_id, older.public_id]
    assert "7B Computing" in response.content.decode()


def test_a_poll_with_nothing_new_is_a_304_that_reads_no_database(
    client, her_class, django_assert_num_queries
):
    make_grid(school_class=her_class)
    etag = poll(client, her_class)["ETag"]

    with django_assert_num_queries(0):
        response = poll(client, her_class, etag)

    assert response.status_code == 304
    assert response["ETag"] == etag


def test_a_post_to_the_class_changes_the_wall_at_the_next_poll(client, her_class):
    etag = poll(client, her_class)["ETag"]

    from tests.factories import post_payload
    from tests.posting import post_json

    post_json(client, post_payload(), path=f"/c/{her_class.code}/post")
    response = poll(client, her_class, etag)

    assert response.status_code == 200
    assert response["ETag"] != etag
    assert ids_on(response.content.decode()) == [Grid.objects.get().public_id]


@pytest.mark.parametrize("verb", ["hide", "delete"])
def test_a_hidden_or_deleted_grid_leaves_the_wall_and_its_polls_at_once(client, her_class, verb):
    kept = make_grid(school_class=her_class)
    removed = make_grid(school_class=her_class)
    etag = poll(client, her_class)["ETag"]
    client.get(f"/c/{her_class.code}/")  # and the page's cards cached too

    queryset = Grid.objects.filter(pk=removed.pk)
    queryset.hide(reason="test") if verb == "hide" else queryset.delete()

    response = poll(client, her_class, etag)
    assert response.status_code == 200
    assert ids_on(response.content.decode()) == [kept.public_id]
    assert ids_on(client.get(f"/c/{her_class.code}/").content.decode()) == [kept.public_id]


def test_a_grid_waiting_for_the_wall_appears_once_approved(client, class_teacher):
    school_class = make_class(teachers=[class_teacher], public=True, moderation=Moderation.WALL)
    grid = make_grid(**school_class.fields_of_a_new_grid())
    etag = poll(client, school_class)["ETag"]
    assert ids_on(client.get(f"/c/{school_class.code}/").content.decode()) == []

    Grid.objects.filter(pk=grid.pk).approve(by=class_teacher)

    response = poll(client, school_class, etag)
    assert ids_on(response.content.decode()) == [grid.public_id]


def test_waiting_and_hidden_grids_never_show_on_the_wall(client, her_class):
    make_grid(school_class=her_class, state=GridState.AWAITING_APPROVAL)
    make_grid(school_class=her_class, state=GridState.HIDDEN)

    assert ids_on(client.get(f"/c/{her_class.code}/").content.decode()) == []


def test_secret_grids_show_to_the_class_teachers_only(client, her_class, class_teacher):
    secret = make_grid(school_class=her_class, secret=True)
    public = make_grid(school_class=her_class)

    assert ids_on(client.get(f"/c/{her_class.code}/").content.decode()) == [public.public_id]
    public_etag = poll(client, her_class)["ETag"]

    client.force_login(class_teacher)
    shown = ids_on(client.get(f"/c/{her_class.code}/").content.decode())
    assert shown == [public.public_id, secret.public_id]
    # The teacher's cards are not the public's: a public ETag does not answer her 304.
    assert poll(client, her_class, public_etag).status_code == 200


def test_a_class_only_wall_is_its_teachers_alone(client, class_teacher, other_class_teacher):
    school_class = make_class(teachers=[class_teacher], public=False)
    grid = make_grid(school_class=school_class)

    anonymous = client.get(f"/c/{school_class.code}/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/admin/login/")
    assert poll(client, school_class).status_code == 404

    client.force_login(other_class_teacher)
    assert client.get(f"/c/{school_class.code}/").status_code == 404
    assert poll(client, school_class).status_code == 404

    client.force_login(class_teacher)
    assert ids_on(client.get(f"/c/{school_class.code}/").content.decode()) == [grid.public_id]
    teachers_etag = poll(client, school_class)["ETag"]
    assert poll(client, school_class, teachers_etag).status_code == 304

    client.logout()  # her ETag opens nothing to a visitor without her session
    assert poll(client, school_class, teachers_etag).status_code == 404


def test_an_unknown_class_has_no_wall(client, db):
    assert client.get("/c/abcdefghjk/").status_code == 404
    assert client.get("/c/abcdefghjk/cards").status_code == 404


def test_at_shows_the_grids_posted_by_then_that_are_visible_now(client, her_class):
    today = timezone.localdate()
    at = timezone.make_aware(datetime.combine(today, datetime.min.time())).replace(hour=10)
    on_time = make_grid(school_class=her_class, created_at=at - timezone.timedelta(minutes=1))
    make_grid(school_class=her_class, created_at=at + timezone.timedelta(minutes=1))  # late
    hidden = make_grid(school_class=her_class, created_at=at - timezone.timedelta(minutes=2))
    Grid.objects.filter(pk=hidden.pk).hide(reason="test")

    for query in ("?at=10:00", "?" + urlencode({"at": at.isoformat()})):
        page = client.get(f"/c/{her_class.code}/{query}")
        assert ids_on(page.content.decode()) == [on_time.public_id], query
        assert ids_on(poll(client, her_class, query=query).content.decode()) == [on_time.public_id]


@pytest.mark.parametrize("at", ["25:99", "yesterday", "10:45'><script>"])
def test_an_unreadable_at_is_a_400_that_says_how_to_write_it(client, her_class, at):
    response = client.get(f"/c/{her_class.code}/", {"at": at})

    assert response.status_code == 400
    assert "?at=10:45" in response.content.decode()
    assert "<script>" not in response.content.decode()
    assert poll(client, her_class, query="?" + urlencode({"at": at})).status_code == 400


def test_with_a_target_each_grid_says_how_much_of_it_matches(client, her_class):
    target = make_grid(blocks=solid_blocks(3, 2, rgb=(255, 0, 0)))
    her_class.target = target
    her_class.save()
    half = solid_blocks(3, 2, rgb=(255, 0, 0), size=5)  # sizes are ignored
    half[1] = [[0, 0, 255, 20]] * 3
    make_grid(school_class=her_class, blocks=half)
    make_grid(school_class=her_class, width=2, height=2, blocks=checker_blocks(2, 2))

    html = client.get(f"/c/{her_class.code}/").content.decode()

    assert "50% of blocks match" in html
    assert "Not the target&#x27;s shape" in html or "Not the target's shape" in html


def test_changing_the_class_changes_its_wall(client, her_class):
    make_grid(school_class=her_class)
    etag = poll(client, her_class)["ETag"]

    her_class.public = False
    her_class.save()

    assert poll(client, her_class, etag).status_code == 404


def test_a_wall_forgotten_while_the_cache_stalls_is_forgotten_once_it_answers(
    client, her_class, monkeypatch
):
    from django.core.cache import cache

    from grids.caching import invalidation
    from tests.cache_faults import CacheRefusingWrites, wait_until

    grid = make_grid(school_class=her_class)
    etag = poll(client, her_class)["ETag"]
    stalled = CacheRefusingWrites(cache, refusals=3, losing_deletes=True)
    monkeypatch.setattr(invalidation, "cache", stalled)
    monkeypatch.setattr(invalidation, "RETRY_SECONDS", 0.01)

    Grid.objects.filter(pk=grid.pk).hide(reason="test")

    assert wait_until(lambda: poll(client, her_class, etag).status_code == 200)
    assert ids_on(poll(client, her_class, etag).content.decode()) == []
