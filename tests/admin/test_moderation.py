import logging

import pytest
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.auth.models import Group

from grids.caching import invalidation
from grids.models import Grid, GridState, Report
from tests.cache_faults import CacheRefusingWrites, wait_until
from tests.needs import needs_postgres
from tests.query_plans import plans_of

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/grids/grid/"


def run_action(client, action, grids, **extra):
    data = {"action": action, "_selected_action": [grid.pk for grid in grids], **extra}
    return client.post(CHANGELIST, data)


def test_teacher_hides_grids_with_a_reason_asked_on_a_second_page(
    teacher_client, teacher, make_grid
):
    grids = [make_grid(), make_grid()]

    asked = run_action(teacher_client, "hide_grids", grids)
    assert asked.status_code == 200
    assert "Why are you hiding them?" in asked.content.decode()
    assert Grid.objects.filter(state=GridState.HIDDEN).count() == 0

    done = run_action(
        teacher_client, "hide_grids", grids, apply="1", reason="", other_reason="Rude words"
    )
    assert done.status_code == 302

    for grid in grids:
        grid.refresh_from_db()
        assert grid.state == GridState.HIDDEN
        assert grid.hidden_by == teacher
        assert grid.hidden_reason == "Rude words"
        assert grid.hidden_at is not None
    assert teacher_client.get(f"/{grids[0].public_id}").status_code == 410


def test_the_admin_says_so_when_the_cache_did_not_confirm_a_hide(
    teacher_client, make_grid, monkeypatch
):
    grid = make_grid()
    stalled = CacheRefusingWrites(invalidation.cache, refusals=1_000_000)
    monkeypatch.setattr(invalidation, "cache", stalled)

    done = run_action(teacher_client, "hide_grids", [grid], apply="1", reason="Spam or advertising")

    listing = teacher_client.get(done["Location"]).content.decode()
    assert "Hid 1 grid(s)" in listing
    assert "The cache is not answering, so 1 of these grid(s) may still show" in listing
    stalled.refusals = 0  # the cache answers again: the retries stop
    assert wait_until(lambda: invalidation.unconfirmed([grid.cache_name]) == [])


def test_hiding_without_a_reason_asks_again(teacher_client, make_grid):
    grid = make_grid()

    response = run_action(
        teacher_client, "hide_grids", [grid], apply="1", reason="", other_reason=""
    )

    assert response.status_code == 200
    assert "Pick a reason or type one." in response.content.decode()
    grid.refresh_from_db()
    assert grid.state == GridState.PUBLISHED


def test_hiding_is_recorded_in_the_admin_history(teacher_client, teacher, make_grid):
    grid = make_grid()

    run_action(teacher_client, "hide_grids", [grid], apply="1", reason="Spam or advertising")

    entry = LogEntry.objects.get(object_id=str(grid.pk))
    assert (entry.user, entry.action_flag) == (teacher, CHANGE)
    assert entry.get_change_message() == "Hidden: Spam or advertising"


def test_teacher_unhides_a_hidden_grid(teacher_client, teacher, make_grid):
    grid = make_grid()
    Grid.objects.filter(pk=grid.pk).hide(by=teacher, reason="Oops")

    run_action(teacher_client, "unhide_grids", [grid])

    grid.refresh_from_db()
    assert (grid.state, grid.hidden_by, grid.hidden_reason) == (GridState.PUBLISHED, None, "")
    assert teacher_client.get(f"/get/{grid.public_id}").status_code == 200


def test_teacher_approves_a_waiting_grid(teacher_client, make_grid):
    grid = make_grid(state=GridState.AWAITING_APPROVAL)

    run_action(teacher_client, "approve_grids", [grid])

    grid.refresh_from_db()
    assert grid.state == GridState.PUBLISHED
    assert LogEntry.objects.get(object_id=str(grid.pk)).get_change_message() == "Approved"


def test_approve_leaves_a_hidden_grid_hidden(teacher_client, teacher, make_grid):
    grid = make_grid()
    Grid.objects.filter(pk=grid.pk).hide(by=teacher, reason="Rude")

    run_action(teacher_client, "approve_grids", [grid])

    grid.refresh_from_db()
    assert grid.state == GridState.HIDDEN


def test_teacher_deletes_after_django_asks_to_confirm(teacher_client, make_grid):
    grid = make_grid()

    asked = run_action(teacher_client, "delete_selected", [grid])
    assert "Are you sure you want to delete" in asked.content.decode()
    assert Grid.objects.filter(pk=grid.pk).exists()

    run_action(teacher_client, "delete_selected", [grid], post="yes")
    assert not Grid.objects.filter(pk=grid.pk).exists()
    assert LogEntry.objects.get(object_id=str(grid.pk)).action_flag == DELETION


@pytest.mark.parametrize(
    "pasted",
    [
        "{id}",
        "http://testserver/{id}",
        "https://blocks.school.example/{id}?utm=x#top",
        "  http://testserver/{id}/  ",
        "http://testserver/{id}/report",
    ],
)
def test_search_finds_a_grid_by_id_or_pasted_url(teacher_client, make_grid, pasted):
    wanted, other = make_grid(), make_grid()

    html = teacher_client.get(
        CHANGELIST, {"q": pasted.format(id=wanted.public_id)}
    ).content.decode()

    assert f">{wanted.public_id}</a>" in html
    assert f">{other.public_id}</a>" not in html


def test_search_finds_a_secret_grid_by_its_secret_url(teacher_client, make_grid):
    grid = make_grid(secret=True)

    html = teacher_client.get(CHANGELIST, {"q": f"http://testserver/secret/{grid.public_id}"})

    assert f">{grid.public_id}</a>" in html.content.decode()


@pytest.mark.parametrize("changelist", [CHANGELIST, "/admin/grids/report/"])
def test_search_is_one_look_up_in_the_id_index(teacher_client, make_grid, changelist):
    # Ids are case-sensitive, so the search is exact: UPPER(public_id) = UPPER(...) could use
    # no index, and at a million grids a teacher's search read the whole table.
    needs_postgres("this pins PostgreSQL's query plan")
    wanted = make_grid()

    plans = plans_of(teacher_client, changelist, {"q": f"http://testserver/{wanted.public_id}"})

    searches = [plan for sql, plan in plans if "public_id" in sql]
    assert searches, plans
    for plan in searches:
        assert "Seq Scan on grids_grid" not in plan, plan
        assert "grid_unique_id_per_kind" in plan, plan


def test_search_tells_ids_apart_by_case(teacher_client, make_grid):
    wanted = make_grid()
    while wanted.public_id.swapcase() == wanted.public_id:  # all digits: try another id
        wanted = make_grid()

    html = teacher_client.get(CHANGELIST, {"q": wanted.public_id.swapcase()}).content.decode()

    assert f">{wanted.public_id}</a>" not in html


def test_list_puts_reported_grids_first_then_the_newest(teacher_client, make_grid):
    reported, older, newest = make_grid(), make_grid(), make_grid()
    reported.record_report(reason=Report.Reason.HURTFUL, details="", reporter="a")

    html = teacher_client.get(CHANGELIST).content.decode()

    positions = [html.index(f">{grid.public_id}</a>") for grid in (reported, newest, older)]
    assert positions == sorted(positions)


def test_list_shows_a_preview_size_class_state_and_reports(teacher_client, make_grid):
    grid = make_grid(width=3, height=2, ipb_class="ImageGrid", state=GridState.AWAITING_APPROVAL)
    grid.record_report(reason=Report.Reason.SPAM, details="", reporter="a")

    html = teacher_client.get(CHANGELIST).content.decode()

    assert 'class="grid-thumbnail" src="data:image/png;base64,' in html
    for shown in (
        "3 × 2",
        "ImageGrid",
        "Waiting for approval",
        '<td class="field-open_reports">1</td>',
    ):
        assert shown in html


def test_list_filters_by_state_secret_reports_and_class(teacher_client, make_grid):
    hidden = make_grid(state=GridState.HIDDEN)
    secret = make_grid(secret=True)
    reported = make_grid(ipb_class="ImageGrid")
    reported.record_report(reason=Report.Reason.OTHER, details="", reporter="a")

    def listed(**query):
        html = teacher_client.get(CHANGELIST, query).content.decode()
        return {grid for grid in (hidden, secret, reported) if f">{grid.public_id}</a>" in html}

    assert listed(state__exact="hidden") == {hidden}
    assert listed(secret__exact="1") == {secret}
    assert listed(reported="open") == {reported}
    assert listed(ipb_class__exact="ImageGrid") == {reported}


def test_change_page_shows_the_grid_and_code_read_only(teacher_client, make_grid):
    grid = make_grid(code_cells=["grid.show()"])

    html = teacher_client.get(f"{CHANGELIST}{grid.pk}/change/").content.decode()

    assert f'<table id="grid-{grid.public_id}" class="blockgrid' in html
    assert '<div class="highlight">' in html
    assert 'name="_save"' not in html
    assert "<textarea" not in html


def test_nobody_can_edit_or_add_a_grid_in_the_admin(admin_client, make_grid):
    grid = make_grid()

    response = admin_client.post(f"{CHANGELIST}{grid.pk}/change/", {"width": 99})

    assert response.status_code == 403
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403
    grid.refresh_from_db()
    assert grid.width == 3


def test_teachers_group_has_exactly_the_moderation_permissions():
    teachers = Group.objects.get(name="Teachers")

    codenames = set(teachers.permissions.values_list("content_type__app_label", "codename"))

    assert codenames == {
        ("grids", "view_grid"),
        ("grids", "moderate_grid"),
        ("grids", "delete_grid"),
        ("grids", "view_report"),
        ("classes", "view_schoolclass"),
        ("classes", "add_schoolclass"),
        ("classes", "change_schoolclass"),
        ("classes", "delete_schoolclass"),
    }


def test_teacher_sees_only_moderation_in_the_admin(teacher_client):
    html = teacher_client.get("/admin/").content.decode()

    assert "/admin/grids/grid/" in html
    assert "/admin/grids/report/" in html
    assert "/admin/auth/user/" not in html
    assert "/admin/auth/group/" not in html
    assert teacher_client.get("/admin/auth/user/").status_code == 403


def test_staff_without_moderation_permission_cannot_hide(client, make_grid, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.add(
        *__import__(
            "django.contrib.auth.models", fromlist=["Permission"]
        ).Permission.objects.filter(codename="view_grid")
    )
    client.force_login(viewer)
    grid = make_grid()

    run_action(client, "hide_grids", [grid], apply="1", reason="Rude")

    grid.refresh_from_db()
    assert grid.state == GridState.PUBLISHED


def test_teachers_actions_are_logged_with_their_name(teacher_client, make_grid, caplog):
    grid = make_grid()
    caplog.set_level(logging.INFO, logger="grids.models")

    run_action(teacher_client, "hide_grids", [grid], apply="1", reason="Spam or advertising")
    run_action(teacher_client, "unhide_grids", [grid])
    run_action(teacher_client, "delete_selected", [grid], post="yes")

    lines = [record for record in caplog.records if record.name == "grids.models"]
    assert [(line.action, line.by) for line in lines] == [
        ("hide", "ms.frizzle"),
        ("unhide", "ms.frizzle"),
        ("delete", "ms.frizzle"),
    ]


def test_the_hide_form_chooses_no_reason_for_the_teacher(teacher_client, make_grid):
    asked = run_action(teacher_client, "hide_grids", [make_grid()]).content.decode()

    assert "Why are you hiding it?" in asked
    assert "checked" not in asked


def test_the_admin_is_branded_for_moderation(teacher_client):
    html = teacher_client.get("/admin/").content.decode()

    assert "ipythonblocks moderation" in html
    assert "Django administration" not in html


@pytest.mark.parametrize(
    ("sent", "written"),
    [
        ([3, 11, 7, "final", 0], "3.11.7"),
        ([3, 13, 0, "candidate", 1], "3.13.0rc1"),
        ([2, 7, 18, "beta", 2], "2.7.18b2"),
    ],
)
def test_a_grids_python_version_shows_as_people_write_it(teacher_client, make_grid, sent, written):
    grid = make_grid(python_version=sent)

    html = teacher_client.get(f"{CHANGELIST}{grid.pk}/change/").content.decode()

    assert f'<div class="readonly">{written}</div>' in html


def test_each_thumbnail_link_in_the_list_is_named_after_its_grid(teacher_client, make_grid):
    grid = make_grid()

    html = teacher_client.get(CHANGELIST).content.decode()

    assert f'alt="Grid {grid.public_id}"' in html
    assert 'alt=""' not in html


def test_reports_are_filtered_as_open_or_resolved(teacher_client, teacher, make_grid):
    open_grid, decided_grid = make_grid(), make_grid()
    open_grid.record_report(reason="spam", details="open one", reporter="a")
    decided_grid.record_report(reason="spam", details="decided one", reporter="b")
    Grid.objects.filter(pk=decided_grid.pk).hide(by=teacher, reason="Spam or advertising")

    listing = teacher_client.get("/admin/grids/report/").content.decode()
    open_only = teacher_client.get("/admin/grids/report/?status=open").content.decode()
    resolved = teacher_client.get("/admin/grids/report/?status=resolved").content.decode()

    assert "By status" in listing
    assert ">Open</a>" in listing
    assert ">Resolved</a>" in listing
    assert "Not empty" not in listing
    assert "open one" in open_only
    assert "decided one" not in open_only
    assert "decided one" in resolved
    assert "open one" not in resolved


def test_teachers_feature_and_unfeature_grids_recorded_in_the_history(teacher_client, make_grid):
    grid, secret = make_grid(), make_grid(secret=True)

    run_action(teacher_client, "feature_grids", [grid, secret])
    grid.refresh_from_db()
    secret.refresh_from_db()
    assert grid.featured_at is not None
    assert secret.featured_at is None  # never listed, so never featured
    assert LogEntry.objects.filter(object_id=str(grid.pk), change_message="Featured").exists()

    run_action(teacher_client, "unfeature_grids", [grid])
    grid.refresh_from_db()
    assert grid.featured_at is None
    assert LogEntry.objects.filter(object_id=str(grid.pk), change_message="Unfeatured").exists()
