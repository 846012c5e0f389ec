"""Hide, Unhide and Approve on a grid's own admin page, and its open reports near the top."""

import re

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.test import Client

from grids.caching import invalidation
from grids.models import Grid, GridState, Report
from tests.cache_faults import CacheRefusingWrites, wait_until

pytestmark = pytest.mark.django_db

VERBS = ["hide", "unhide", "approve"]


def grid_page(grid) -> str:
    return f"/admin/grids/grid/{grid.pk}/change/"


def button_url(grid, verb: str) -> str:
    return f"/admin/grids/grid/{grid.pk}/{verb}/"


def buttons_on(html: str) -> list[tuple[str, str]]:
    """(label, address) of each moderation button on a grid's admin page, in order."""
    return re.findall(r'<input type="submit" value="([^"]+)" formaction="([^"]+)"', html)


def state_of(grid) -> str:
    grid.refresh_from_db()
    return grid.state


@pytest.fixture
def viewer_client(client, django_user_model):
    """Staff who may look at grids but not moderate them."""
    viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.add(*Permission.objects.filter(codename="view_grid"))
    client.force_login(viewer)
    return client


@pytest.mark.parametrize(
    ("state", "hidden_by_a_teacher", "labels"),
    [
        (GridState.PUBLISHED, False, ["Hide…"]),
        (GridState.AWAITING_APPROVAL, False, ["Approve", "Hide…"]),
        (GridState.HIDDEN, True, ["Unhide"]),
        (GridState.HIDDEN, False, ["Keep hidden…", "Unhide"]),  # hidden by the site
    ],
)
def test_a_grids_page_shows_only_the_buttons_that_apply_to_its_state(
    teacher_client, teacher, make_grid, state, hidden_by_a_teacher, labels
):
    grid = make_grid(state=state, hidden_by=teacher if hidden_by_a_teacher else None)

    buttons = buttons_on(teacher_client.get(grid_page(grid)).content.decode())

    verb_of = {"Hide…": "hide", "Keep hidden…": "hide", "Unhide": "unhide", "Approve": "approve"}
    assert buttons == [(label, button_url(grid, verb_of[label])) for label in labels]


def test_staff_without_moderation_permission_see_no_buttons(viewer_client, make_grid):
    grid = make_grid(state=GridState.AWAITING_APPROVAL)

    response = viewer_client.get(grid_page(grid))

    assert response.status_code == 200
    assert buttons_on(response.content.decode()) == []


@pytest.mark.parametrize("verb", VERBS)
def test_staff_without_moderation_permission_are_refused(viewer_client, make_grid, verb):
    grids = {
        "hide": make_grid(),
        "unhide": make_grid(state=GridState.HIDDEN),
        "approve": make_grid(state=GridState.AWAITING_APPROVAL),
    }
    grid = grids[verb]
    before = grid.state

    response = viewer_client.post(button_url(grid, verb), {"apply": "1", "reason": "Rude"})

    assert response.status_code == 403
    assert state_of(grid) == before


@pytest.mark.parametrize("verb", VERBS)
def test_a_button_refuses_get(teacher_client, make_grid, verb):
    grid = make_grid(state=GridState.HIDDEN if verb == "unhide" else GridState.AWAITING_APPROVAL)
    before = grid.state

    response = teacher_client.get(button_url(grid, verb), {"apply": "1", "reason": "Rude"})

    assert response.status_code == 405
    assert state_of(grid) == before
    assert not LogEntry.objects.exists()


def test_a_button_refuses_a_post_without_the_csrf_token(teacher, make_grid):
    grid = make_grid(state=GridState.HIDDEN)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(teacher)

    response = browser.post(button_url(grid, "unhide"))

    assert response.status_code == 403
    assert state_of(grid) == GridState.HIDDEN


def test_a_button_for_a_missing_grid_is_404(teacher_client):
    assert teacher_client.post("/admin/grids/grid/999999/unhide/").status_code == 404


def test_hide_asks_why_on_a_page_that_shows_the_grid(teacher_client, make_grid):
    grid = make_grid()

    response = teacher_client.post(button_url(grid, "hide"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Why are you hiding it?" in html
    assert f'<table id="grid-{grid.public_id}" class="blockgrid' in html
    assert f"#grid-{grid.public_id} td{{" in html  # its block sizes, as on its page
    assert "checked" not in html
    assert f'<a href="{grid_page(grid)}" class="closelink">Cancel</a>' in html
    assert 'name="_selected_action"' not in html  # not the list's action: back to the grid
    assert state_of(grid) == GridState.PUBLISHED


def test_hide_with_a_reason_hides_records_and_returns_to_the_grids_page(
    teacher_client, teacher, make_grid
):
    grid = make_grid()
    grid.record_report(reason=Report.Reason.PERSONAL, details="Has my address", reporter="a")

    done = teacher_client.post(
        button_url(grid, "hide"), {"apply": "1", "reason": "Shows someone's personal information"}
    )

    assert (done.status_code, done["Location"]) == (302, grid_page(grid))
    grid.refresh_from_db()
    assert (grid.state, grid.hidden_by, grid.hidden_reason) == (
        GridState.HIDDEN,
        teacher,
        "Shows someone's personal information",
    )
    entry = LogEntry.objects.get(object_id=str(grid.pk))
    assert (entry.user, entry.action_flag) == (teacher, CHANGE)
    assert entry.get_change_message() == "Hidden: Shows someone's personal information"
    assert not grid.reports.filter(resolved_at=None).exists()
    assert teacher_client.get(grid.get_absolute_url()).status_code == 410
    page = teacher_client.get(done["Location"]).content.decode()
    assert "Hid 1 grid(s): Shows someone&#x27;s personal information" in page
    assert buttons_on(page) == [("Unhide", button_url(grid, "unhide"))]


def test_hide_without_a_reason_asks_again(teacher_client, make_grid):
    grid = make_grid()

    response = teacher_client.post(button_url(grid, "hide"), {"apply": "1", "reason": ""})

    assert response.status_code == 200
    assert "Pick a reason or type one." in response.content.decode()
    assert state_of(grid) == GridState.PUBLISHED


def test_hide_says_so_when_the_cache_did_not_confirm(teacher_client, make_grid, monkeypatch):
    grid = make_grid()
    stalled = CacheRefusingWrites(invalidation.cache, refusals=1_000_000)
    monkeypatch.setattr(invalidation, "cache", stalled)

    done = teacher_client.post(
        button_url(grid, "hide"), {"apply": "1", "reason": "Spam or advertising"}
    )

    page = teacher_client.get(done["Location"]).content.decode()
    assert "The cache is not answering, so 1 of these grid(s) may still show" in page
    stalled.refusals = 0  # the cache answers again: the retries stop
    assert wait_until(lambda: invalidation.unconfirmed([grid.cache_name]) == [])


def test_unhide_brings_the_grid_back_and_records_it(teacher_client, teacher, make_grid):
    grid = make_grid()
    Grid.objects.filter(pk=grid.pk).hide(by=teacher, reason="Oops")

    done = teacher_client.post(button_url(grid, "unhide"))

    assert (done.status_code, done["Location"]) == (302, grid_page(grid))
    grid.refresh_from_db()
    assert (grid.state, grid.hidden_by, grid.hidden_reason) == (GridState.PUBLISHED, None, "")
    assert LogEntry.objects.get(object_id=str(grid.pk)).get_change_message() == "Unhidden"
    assert teacher_client.get(f"/get/{grid.public_id}").status_code == 200
    assert "Unhidden 1 grid(s)." in teacher_client.get(done["Location"]).content.decode()


def test_approve_publishes_a_waiting_grid_and_records_it(teacher_client, teacher, make_grid):
    grid = make_grid(state=GridState.AWAITING_APPROVAL)

    done = teacher_client.post(button_url(grid, "approve"))

    assert (done.status_code, done["Location"]) == (302, grid_page(grid))
    assert state_of(grid) == GridState.PUBLISHED
    entry = LogEntry.objects.get(object_id=str(grid.pk))
    assert (entry.user, entry.get_change_message()) == (teacher, "Approved")
    assert "Approved 1 grid(s)." in teacher_client.get(done["Location"]).content.decode()


@pytest.mark.parametrize(
    ("state", "verb", "said"),
    [
        (GridState.PUBLISHED, "unhide", "is published"),
        (GridState.HIDDEN, "approve", "is hidden by a moderator"),
        (GridState.HIDDEN, "hide", "is hidden by a moderator"),
    ],
)
def test_a_button_from_an_out_of_date_page_changes_nothing_and_says_so(
    teacher_client, teacher, make_grid, state, verb, said
):
    # Another teacher, or another tab, changed the grid after this page was drawn.
    hidden_by = teacher if state == GridState.HIDDEN else None
    grid = make_grid(state=state, hidden_by=hidden_by)

    done = teacher_client.post(button_url(grid, verb), {"apply": "1", "reason": "Rude"})

    assert (done.status_code, done["Location"]) == (302, grid_page(grid))
    assert state_of(grid) == state
    assert not LogEntry.objects.exists()
    page = teacher_client.get(done["Location"]).content.decode()
    assert f"Nothing changed: grid {grid.public_id} {said}." in page


def test_keeping_a_grid_the_site_hid_answers_its_reports_with_the_teachers_reason(
    teacher_client, teacher, make_grid, settings
):
    settings.IPB_AUTO_HIDE_AFTER_REPORTS = 2
    grid = make_grid()
    for reporter in ("a", "b"):
        grid.record_report(reason=Report.Reason.HURTFUL, details="", reporter=reporter)
    grid.refresh_from_db()
    assert grid.hidden_by_the_site
    asked = teacher_client.post(button_url(grid, "hide")).content.decode()
    assert "This grid stays hidden, with your reason" in asked

    teacher_client.post(
        button_url(grid, "hide"), {"apply": "1", "reason": "Not appropriate for school"}
    )

    grid.refresh_from_db()
    assert (grid.state, grid.hidden_by, grid.hidden_reason) == (
        GridState.HIDDEN,
        teacher,
        "Not appropriate for school",
    )
    assert not grid.reports.filter(resolved_at=None).exists()
    assert LogEntry.objects.get(object_id=str(grid.pk)).get_change_message() == (
        "Hidden: Not appropriate for school"
    )


def test_the_buttons_keep_the_list_the_teacher_came_from(teacher_client, teacher, make_grid):
    grid = make_grid(state=GridState.HIDDEN, hidden_by=teacher)
    filters = "_changelist_filters=reported%3Dopen"

    page = teacher_client.get(f"{grid_page(grid)}?{filters}").content.decode()
    [(_, unhide)] = buttons_on(page)
    done = teacher_client.post(unhide.replace("&amp;", "&"))

    assert unhide == f"{button_url(grid, 'unhide')}?{filters}"
    assert done["Location"] == f"{grid_page(grid)}?{filters}"


def test_open_reports_come_right_under_the_grid_before_its_details(
    teacher_client, teacher, make_grid
):
    grid = make_grid()
    grid.record_report(reason=Report.Reason.HURTFUL, details="Mean about Sam", reporter="a")
    grid.record_report(reason=Report.Reason.SPAM, details="", reporter="b")
    Report.objects.filter(reason=Report.Reason.SPAM).update(resolved_at=grid.created_at)

    html = teacher_client.get(grid_page(grid)).content.decode()

    order = [
        f'<table id="grid-{grid.public_id}"',
        "Open reports (1)",
        "Hurtful, mean or bullying",
        "ago)",
        "Mean about Sam",
        'value="Hide…"',
        ">Details</h2>",
        "Answered reports (1)",
        "Spam or advertising",
    ]
    positions = [html.index(text) for text in order]
    assert positions == sorted(positions)
    assert html.count("Spam or advertising") == 1


def test_a_grid_without_reports_lists_none(teacher_client, make_grid):
    html = teacher_client.get(grid_page(make_grid())).content.decode()

    assert "Open reports" not in html
    assert "Answered reports" not in html
