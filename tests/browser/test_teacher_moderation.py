"""A teacher moderates as a person would, in Chromium: on a phone, a reported grid disappears
in a few taps, from the list or from the grid's own page; and the admin pages a teacher uses
(the grid list, a grid's page, the hide page, the report list) fit a phone and a desktop, show
every column of the list beside its filters, and give axe-core nothing serious."""

from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from grids.models import Grid, GridState, Report
from tests.browser.checks import scrolls_sideways, serious_violations
from tests.factories import make_grid

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 1, "is_mobile": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}, "device_scale_factor": 1}
SCREENS = {"phone": PHONE, "desktop": DESKTOP}
PASSWORD = "a-long-class-password-42"
# The list's columns a teacher needs on a phone without scrolling the table: the tick box, the
# picture (the row's link), the id, the state and the open reports.
COLUMNS_A_PHONE_SHOWS = {
    "action-checkbox-column",
    "column-preview",
    "column-grid_link",
    "column-state",
    "column-open_reports",
}


@pytest.fixture
def teacher(transactional_db, monkeypatch):
    monkeypatch.setenv("DJANGO_TEACHER_PASSWORD", PASSWORD)
    call_command("createteacher", "ms.frizzle", "--noinput")
    return "ms.frizzle"


def log_in(page, live_server, teacher: str) -> None:
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill(teacher)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Grids and reports")).to_be_visible()


def list_columns_in_sight(page) -> dict[str, bool]:
    """Each header cell of the list (by its column class): wholly inside the viewport and the
    table's own scrolling box, clear of the filter sidebar, and itself what shows at its centre."""
    return page.evaluate(
        """() => {
        const overlaps = (a, b) =>
          a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        const filters = document.querySelector("#changelist-filter");
        const sidebar = filters && filters.getBoundingClientRect();
        const seen = {};
        for (const cell of document.querySelectorAll("#result_list thead th")) {
          const box = cell.getBoundingClientRect();
          const table = cell.closest(".results").getBoundingClientRect();
          const shown = document.elementFromPoint(
            (box.left + box.right) / 2, (box.top + box.bottom) / 2);
          const column = [...cell.classList].find((name) => name.includes("column"));
          seen[column] = box.left >= 0
            && box.right <= document.documentElement.clientWidth
            && box.left >= table.left - 0.5 && box.right <= table.right + 0.5
            && !(sidebar && overlaps(box, sidebar))
            && cell.contains(shown);
        }
        return seen;
      }"""
    )


def blocked_by_the_csp(page) -> list[str]:
    """What the Content-Security-Policy blocks of the pages' own code from now on (a grid's
    size rules, say, if their hash were missing). Chromium reports each at the page's address;
    axe-core's injected script reports its own at none, and is none of the page's doing."""
    blocked = []

    def note(message):
        if "Content Security Policy" in message.text and message.location["url"]:
            blocked.append(f"{message.location['url']}: {message.text}")

    page.on("console", note)
    return blocked


def fits_and_passes_axe(page, screenshot: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{screenshot}.png"), full_page=True)
    assert not scrolls_sideways(page), screenshot
    assert serious_violations(page) == [], screenshot


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
    log_in(admin, live_server, teacher)
    admin.locator('a[href="/admin/grids/grid/"]').first.click()
    admin.locator("#searchbar").fill(grid_url)
    admin.locator("#searchbar").press("Enter")
    rows = admin.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("link", name=grid.public_id, exact=True)).to_be_visible()
    expect(rows.first.locator("td.field-open_reports")).to_have_text("1")
    ARTIFACTS.mkdir(exist_ok=True)
    admin.screenshot(path=str(ARTIFACTS / "admin-grid-search-phone.png"), full_page=True)

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


def test_teacher_on_a_phone_hides_a_reported_grid_from_its_own_page(live_server, chromium, teacher):
    grid = make_grid(width=6, height=4)
    grid.record_report(reason=Report.Reason.HURTFUL, details="Mean about Sam", reporter="a")
    make_grid()
    phone = chromium.new_context(**PHONE)
    admin = phone.new_page()
    log_in(admin, live_server, teacher)
    admin.goto(f"{live_server.url}/admin/grids/grid/")

    # Reported grids come first; the teacher taps its picture, the row's link.
    admin.get_by_role("link", name=f"Grid {grid.public_id}").click()
    open_reports = admin.locator(".open-reports")
    expect(open_reports).to_contain_text("Hurtful, mean or bullying")
    expect(open_reports).to_contain_text("Mean about Sam")
    ARTIFACTS.mkdir(exist_ok=True)
    admin.screenshot(path=str(ARTIFACTS / "admin-grid-page-reported-phone.png"), full_page=True)

    admin.get_by_role("button", name="Hide…").click()
    expect(
        admin.get_by_role("img", name=f"BlockGrid, {grid.width} by {grid.height} blocks")
    ).to_be_visible()
    admin.get_by_role("button", name="Hide 1 grid").click()  # no reason yet: asked again
    expect(admin.get_by_text("Pick a reason or type one.")).to_be_visible()
    admin.get_by_label("Hurtful, mean or bullying").check()
    admin.get_by_role("button", name="Hide 1 grid").click()

    expect(admin.locator(".messagelist .success")).to_have_text(
        "Hid 1 grid(s): Hurtful, mean or bullying"
    )
    assert admin.url == f"{live_server.url}/admin/grids/grid/{grid.pk}/change/"
    expect(admin.get_by_role("button", name="Unhide")).to_be_visible()
    expect(admin.locator(".open-reports")).to_have_count(0)
    admin.screenshot(path=str(ARTIFACTS / "admin-grid-page-hidden-phone.png"), full_page=True)
    phone.close()
    grid.refresh_from_db()
    assert (grid.state, grid.hidden_reason) == (GridState.HIDDEN, "Hurtful, mean or bullying")


@pytest.mark.parametrize("screen", SCREENS)
def test_the_admin_pages_a_teacher_uses_fit_the_screen_and_pass_axe(
    live_server, chromium, teacher, starry_night, screen
):
    blocks = starry_night["blocks"]
    reported = make_grid(
        ipb_class="ImageGrid", width=len(blocks[0]), height=len(blocks), blocks=blocks
    )
    reported.record_report(reason=Report.Reason.SPAM, details="A link to a game", reporter="a")
    make_grid(secret=True)  # the longest ids
    make_grid(state=GridState.AWAITING_APPROVAL)
    make_grid(state=GridState.HIDDEN)
    context = chromium.new_context(**SCREENS[screen])
    page = context.new_page()
    refused = blocked_by_the_csp(page)
    log_in(page, live_server, teacher)

    page.goto(f"{live_server.url}/admin/grids/grid/")
    fits_and_passes_axe(page, f"admin-grid-list-{screen}")
    columns = list_columns_in_sight(page)
    assert len(columns) == 9
    if screen == "desktop":
        assert [column for column, seen in columns.items() if not seen] == []
    else:
        assert {column for column, seen in columns.items() if seen} >= COLUMNS_A_PHONE_SHOWS

    page.goto(f"{live_server.url}/admin/grids/grid/{reported.pk}/change/")
    expect(page.locator(".open-reports")).to_contain_text("A link to a game")
    fits_and_passes_axe(page, f"admin-grid-page-{screen}")

    page.get_by_role("button", name="Hide…").click()
    expect(page.get_by_role("heading", name="Why are you hiding it?")).to_be_visible()
    expect(
        page.get_by_role(
            "img", name=f"ImageGrid, {reported.width} by {reported.height} blocks, mostly"
        )
    ).to_be_visible()
    fits_and_passes_axe(page, f"admin-hide-page-{screen}")

    page.goto(f"{live_server.url}/admin/grids/report/")
    fits_and_passes_axe(page, f"admin-report-list-{screen}")
    context.close()
    assert refused == []
