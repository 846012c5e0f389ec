"""A teacher on a phone makes a reported grid disappear, as a person would, in Chromium."""

from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from grids.models import Grid, GridState, Report
from tests.factories import make_grid

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 1, "is_mobile": True}
PASSWORD = "a-long-class-password-42"


@pytest.fixture
def teacher(transactional_db, monkeypatch):
    monkeypatch.setenv("DJANGO_TEACHER_PASSWORD", PASSWORD)
    call_command("createteacher", "ms.frizzle", "--noinput")
    return "ms.frizzle"


def test_teacher_hides_a_reported_grid_found_by_its_pasted_url(live_server, chromium, teacher):
    grid = make_grid(width=6, height=4)
    other = make_grid()
    grid_url = f"{live_server.url}{grid.get_absolute_url()}"

    # A visitor reports the grid from its page.
    visitor = chromium.new_context()
    page = visitor.new_page()
    page.goto(grid_url)
    page.get_by_role("link", name="Report this grid").click()
    page.get_by_label("Hurtful, mean or bullying").check()
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    assert Report.objects.get().grid_id == grid.pk

    # The teacher, on a phone, logs in and pastes the grid's URL into the admin's search.
    phone = chromium.new_context(**PHONE)
    admin = phone.new_page()
    admin.goto(f"{live_server.url}/admin/")
    admin.get_by_label("Username").fill(teacher)
    admin.get_by_label("Password").fill(PASSWORD)
    admin.get_by_role("button", name="Log in").click()
    admin.locator('a[href="/admin/grids/grid/"]').first.click()
    admin.locator("#searchbar").fill(grid_url)
    admin.locator("#searchbar").press("Enter")
    rows = admin.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("link", name=grid.public_id)).to_be_visible()
    expect(rows.first.locator("td.field-open_reports")).to_have_text("1")
    ARTIFACTS.mkdir(exist_ok=True)
    admin.screenshot(path=str(ARTIFACTS / "admin-grid-list-phone.png"), full_page=True)

    rows.first.locator("input.action-select").check()
    admin.locator("select[name=action]").select_option("hide_grids")
    admin.get_by_role("button", name="Go").click()
    admin.get_by_label("Shows someone's personal information").check()
    admin.get_by_role("button", name="Hide 1 grid").click()
    expect(admin.locator(".messagelist .success")).to_contain_text("Hid 1 grid(s)")

    grid.refresh_from_db()
    assert grid.state == GridState.HIDDEN
    assert grid.hidden_reason == "Shows someone's personal information"

    # The public page is gone for the visitor, in their own browser context.
    response = page.goto(grid_url)
    assert response.status == 410
    expect(page.get_by_role("heading", name="Removed by a moderator")).to_be_visible()
    expect(page.locator("table.blockgrid")).to_have_count(0)
    fetched = page.request.get(f"{live_server.url}/get/{grid.public_id}")
    assert fetched.status == 404
    page.goto(f"{live_server.url}/")
    expect(page.locator(f'a[href="/{other.public_id}"]')).to_have_count(1)
    expect(page.locator(f'a[href="/{grid.public_id}"]')).to_have_count(0)

    visitor.close()
    phone.close()
    assert Grid.objects.filter(state=GridState.PUBLISHED).count() == 1
