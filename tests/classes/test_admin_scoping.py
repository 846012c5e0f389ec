"""A teacher of her own classes (createteacher --own-classes) sees and moderates her classes'
grids and reports in the admin, and nothing of another class's: not in a list, a search, a
filter, a count, an action, a page or a button. Site moderators see everything and alone
may feature grids."""

import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import LogEntry

from classes.models import SchoolClass
from grids.models import Grid, GridState, Report
from tests.factories import make_grid

pytestmark = pytest.mark.django_db

GRIDS = "/admin/grids/grid/"
REPORTS = "/admin/grids/report/"
CLASSES = "/admin/classes/schoolclass/"


@pytest.fixture
def grids(her_class, other_class):
    """Her class's grid, another class's (reported, waiting), and a grid of no class."""
    hers = make_grid(school_class=her_class)
    theirs = make_grid(school_class=other_class, state=GridState.AWAITING_APPROVAL)
    Report.objects.create(grid=theirs, reason="other", reporter="r1")
    Report.objects.create(grid=hers, reason="spam", reporter="r2")
    loose = make_grid()
    return hers, theirs, loose


@pytest.fixture
def her_client(client, class_teacher):
    client.force_login(class_teacher)
    return client


def test_her_grid_list_holds_her_classes_grids_alone(her_client, grids):
    hers, theirs, loose = grids

    html = her_client.get(GRIDS).content.decode()

    assert hers.public_id in html
    assert theirs.public_id not in html
    assert loose.public_id not in html
    assert "1 grid" in html  # the count is of hers


@pytest.mark.parametrize(
    "query",
    [
        "q={theirs}",
        "q=http://testserver/{theirs}",
        "state=awaiting",
        "reported=open",
        "class={other_pk}",
        "school_class__id__exact={other_pk}",
        "secret__exact=0",
    ],
)
def test_no_search_or_filter_finds_another_classes_grid(her_client, grids, other_class, query):
    hers, theirs, _ = grids

    query = query.format(theirs=theirs.public_id, other_pk=other_class.pk)

    changelist = her_client.get(GRIDS + "?" + query).context["cl"]

    assert theirs not in changelist.result_list
    assert changelist.full_result_count == 1  # "1 total": hers


def test_her_class_filter_lists_her_classes_only(her_client, grids, other_class):
    html = her_client.get(GRIDS).content.decode()

    assert "7B Computing" in html
    assert other_class.name not in html


@pytest.mark.parametrize("page", ["change/", "delete/", "history/"])
def test_another_classes_grid_page_is_not_hers_to_open(her_client, grids, page):
    _, theirs, _ = grids

    response = her_client.get(f"{GRIDS}{theirs.pk}/{page}")

    assert response.status_code in (302, 404)
    assert theirs.public_id not in response.content.decode()


@pytest.mark.parametrize("verb", ["hide", "unhide", "approve"])
def test_another_classes_grid_buttons_change_nothing(her_client, grids, verb):
    _, theirs, _ = grids

    response = her_client.post(f"{GRIDS}{theirs.pk}/{verb}/", {"reason": "Spam or advertising"})

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == GridState.AWAITING_APPROVAL


@pytest.mark.parametrize("action", ["approve_grids", "delete_selected", "hide_grids"])
def test_list_actions_on_another_classes_grid_change_nothing(her_client, grids, action):
    _, theirs, _ = grids

    her_client.post(
        GRIDS,
        {
            "action": action,
            ACTION_CHECKBOX_NAME: [theirs.pk],
            "post": "yes",
            "apply": "1",
            "reason": "Spam or advertising",
        },
    )

    theirs.refresh_from_db()
    assert theirs.state == GridState.AWAITING_APPROVAL
    assert not LogEntry.objects.filter(object_id=str(theirs.pk)).exists()


def test_she_moderates_her_own_classes_grids(her_client, grids, class_teacher):
    hers, _, _ = grids

    her_client.post(f"{GRIDS}{hers.pk}/hide/", {"reason": "Spam or advertising", "apply": "1"})

    hers.refresh_from_db()
    assert hers.state == GridState.HIDDEN
    assert hers.hidden_by == class_teacher


def test_her_report_list_holds_her_classes_reports_alone(her_client, grids):
    hers, theirs, _ = grids
    theirs_report = Report.objects.get(grid=theirs)

    html = her_client.get(REPORTS).content.decode()

    assert hers.public_id in html
    assert theirs.public_id not in html
    searched = her_client.get(REPORTS + f"?q={theirs.public_id}").context["cl"]
    assert list(searched.result_list) == []
    assert searched.full_result_count == 1
    assert her_client.get(f"{REPORTS}{theirs_report.pk}/change/").status_code in (302, 404)


def test_her_class_list_holds_her_classes_alone(her_client, her_class, other_class):
    html = her_client.get(CLASSES).content.decode()

    assert her_class.name in html
    assert other_class.name not in html
    assert her_client.get(f"{CLASSES}{other_class.pk}/change/").status_code in (302, 404)


def test_only_site_moderators_may_feature(client, her_client, grids, site_moderator):
    hers, _, _ = grids
    assert "feature_grids" not in her_client.get(GRIDS).content.decode()
    her_client.post(GRIDS, {"action": "feature_grids", ACTION_CHECKBOX_NAME: [hers.pk]})
    hers.refresh_from_db()
    assert hers.featured_at is None

    client.force_login(site_moderator)
    html = client.get(GRIDS).content.decode()
    assert "feature_grids" in html
    assert all(grid.public_id in html for grid in grids)


def test_a_class_she_creates_is_hers(her_client, class_teacher):
    response = her_client.post(
        CLASSES + "add/",
        {"name": "9A Maths", "moderation": "wall", "closes_at_0": "", "closes_at_1": ""},
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    created = SchoolClass.objects.get(name="9A Maths")
    assert list(created.teachers.all()) == [class_teacher]


def test_a_target_grid_is_pinned_by_its_id_or_link(her_client, her_class):
    target = make_grid()

    response = her_client.post(
        f"{CLASSES}{her_class.pk}/change/",
        {
            "name": her_class.name,
            "moderation": "none",
            "public": "on",
            "teachers": [t.pk for t in her_class.teachers.all()],
            "target_grid": f"http://testserver/{target.public_id}",
            "closes_at_0": "",
            "closes_at_1": "",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    her_class.refresh_from_db()
    assert her_class.target == target


def test_closing_a_class_refuses_its_link_and_keeps_its_wall(her_client, her_class, grids):
    her_client.post(CLASSES, {"action": "close_classes", ACTION_CHECKBOX_NAME: [her_class.pk]})

    her_class.refresh_from_db()
    assert her_class.is_closed
    assert her_client.post(f"/c/{her_class.code}/post", "{}", content_type="").status_code == 410
    assert grids[0].public_id in her_client.get(f"/c/{her_class.code}/").content.decode()


def test_deleting_a_classes_grids_asks_first_then_deletes_them_alone(her_client, her_class, grids):
    hers, theirs, loose = grids
    form = {"action": "delete_grids_of_classes", ACTION_CHECKBOX_NAME: [her_class.pk]}

    asked = her_client.post(CLASSES, form)
    assert "1 grid of this class will be deleted" in asked.content.decode()
    assert Grid.objects.filter(pk=hers.pk).exists()

    her_client.post(CLASSES, {**form, "confirmed": "yes"})
    assert not Grid.objects.filter(pk=hers.pk).exists()
    assert Grid.objects.filter(pk__in=[theirs.pk, loose.pk]).count() == 2
    assert SchoolClass.objects.filter(pk=her_class.pk).exists()


def test_site_moderators_see_every_class(client, site_moderator, her_class, other_class):
    client.force_login(site_moderator)

    html = client.get(CLASSES).content.decode()

    assert her_class.name in html
    assert other_class.name in html


def test_a_teacher_page_shows_the_snippet_for_the_class_link(her_client, her_class):
    html = her_client.get(f"/c/{her_class.code}/teach").content.decode()

    assert f"ipb._POST_URL = &#x27;http://testserver/c/{her_class.code}/post&#x27;" in html
    assert "ipb._GET_URL_PUBLIC = &#x27;http://testserver/get/{0}&#x27;" in html
    assert "ipb._GET_URL_SECRET = &#x27;http://testserver/get/secret/{0}&#x27;" in html


def test_another_classes_teacher_page_and_download_are_not_hers(her_client, other_class, grids):
    assert her_client.get(f"/c/{other_class.code}/teach").status_code == 404
    assert her_client.get(f"/c/{other_class.code}/grids.jsonl").status_code == 404


def test_the_class_download_holds_its_grids_alone(her_client, her_class, grids):
    hers, theirs, loose = grids

    response = her_client.get(f"/c/{her_class.code}/grids.jsonl")

    body = b"".join(response.streaming_content).decode()
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert hers.public_id in body
    assert theirs.public_id not in body
    assert loose.public_id not in body
    assert len(body.splitlines()) == 1


def test_anonymous_visitors_are_sent_to_sign_in_for_the_teacher_page(client, her_class):
    response = client.get(f"/c/{her_class.code}/teach")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def admin_routes(patterns=None, prefix="/admin/"):
    """(route, name) for every URL pattern of the admin."""
    from django.contrib import admin
    from django.urls import URLResolver

    for pattern in admin.site.urls[0] if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from admin_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.name


def test_no_admin_url_shows_or_changes_anything_of_another_class(her_client, grids, other_class):
    """Every admin route, by GET and by POST, with the other class's grid, report and class in
    every place a route takes an object: nothing of them in any answer, nothing changed."""
    from django.contrib.contenttypes.models import ContentType

    _, theirs, _ = grids
    theirs_report = Report.objects.get(grid=theirs)
    objects = {"grid": theirs.pk, "report": theirs_report.pk, "schoolclass": other_class.pk}
    secrets_of_theirs = [theirs.public_id, other_class.name, other_class.code]
    walked = 0
    for route, _name in admin_routes():
        if route.endswith("(?P<url>.*)$"):
            route = route.replace("(?P<url>.*)$", "no/such/page/")
        fillings = [route]
        if "<path:content_type_id>" in route:
            fillings = [
                route.replace("<path:content_type_id>", str(content_type.pk)).replace(
                    "<path:object_id>", str(objects[content_type.model])
                )
                for content_type in ContentType.objects.filter(model__in=objects)
            ]
        elif "<path:object_id>" in route:
            model = next((name for name in objects if f"/{name}/" in route), None)
            if model is None:
                continue  # auth's and axes' pages: not hers to open at all
            fillings = [route.replace("<path:object_id>", str(objects[model]))]
        for path in fillings:
            if "logout" in path:
                continue
            for method in ("get", "post"):
                response = getattr(her_client, method)(path)
                shown = response.content.decode(errors="replace") + response.get("Location", "")
                for secret in secrets_of_theirs:
                    assert secret not in shown, f"{method.upper()} {path} shows {secret!r}"
                walked += 1
    assert walked > 40
    theirs.refresh_from_db()
    assert theirs.state == GridState.AWAITING_APPROVAL
    assert SchoolClass.objects.filter(pk=other_class.pk, closes_at=None).exists()
    assert Report.objects.filter(pk=theirs_report.pk, resolved_at=None).exists()


def test_a_deleted_class_wall_goes_at_once_and_its_grids_stay(client, her_client, her_class, grids):
    hers, _, _ = grids
    etag = client.get(f"/c/{her_class.code}/cards")["ETag"]

    her_client.post(f"{CLASSES}{her_class.pk}/delete/", {"post": "yes"})

    assert not SchoolClass.objects.filter(pk=her_class.pk).exists()
    headers = {"If-None-Match": etag}
    assert client.get(f"/c/{her_class.code}/cards", headers=headers).status_code == 404
    assert client.get(f"/c/{her_class.code}/").status_code == 404
    assert client.get(f"/{hers.public_id}").status_code == 200


def test_the_class_pages_moderation_link_lists_the_class_grids(her_client, her_class, grids):
    hers, _, _ = grids
    html = her_client.get(f"/c/{her_class.code}/teach").content.decode()
    link = re.search(r'href="(/admin/grids/grid/\?[^"]+)"', html).group(1)

    changelist = her_client.get(link.replace("&amp;", "&")).context["cl"]

    assert list(changelist.result_list) == [hers]


def test_her_grid_list_says_how_much_of_each_grid_matches_the_target(her_client, her_class):
    from tests.factories import solid_blocks

    her_class.target = make_grid(blocks=solid_blocks(3, 2, rgb=(255, 0, 0)))
    her_class.save()
    half = solid_blocks(3, 2, rgb=(255, 0, 0))
    half[0] = [[0, 0, 0, 20]] * 3
    make_grid(school_class=her_class, blocks=half)
    make_grid(school_class=her_class, width=1, height=1, blocks=[[[255, 0, 0, 20]]])

    html = her_client.get(GRIDS).content.decode()

    assert "50% of blocks match" in html
    assert "Not the target&#x27;s shape" in html
