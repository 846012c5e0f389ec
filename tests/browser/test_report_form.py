"""A visitor reports a grid from its page, on a phone and on a desktop, in Chromium: nothing is
chosen for them, the form says what is missing, the thanks survive a reload without sending the
report again, and axe-core finds nothing serious on either page."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from grids.models import Report
from tests.browser.checks import scrolls_sideways, serious_violations
from tests.factories import make_grid

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SCREENS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}


@pytest.mark.parametrize("screen", SCREENS)
def test_a_visitor_reports_a_grid_once_however_often_they_reload_the_thanks(
    transactional_db, live_server, chromium, screen
):
    grid = make_grid(width=6, height=4)
    context = chromium.new_context(device_scale_factor=1, **SCREENS[screen])
    page = context.new_page()
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(f"{live_server.url}{grid.get_absolute_url()}")
    page.get_by_role("link", name="Report this grid").click()
    expect(page.get_by_role("img", name=f"Grid {grid.public_id}")).to_be_visible()
    reasons = page.get_by_role("radio")
    expect(reasons).to_have_count(len(Report.Reason.choices))
    for number in range(len(Report.Reason.choices)):
        expect(reasons.nth(number)).not_to_be_checked()
    assert not scrolls_sideways(page)
    assert serious_violations(page) == []
    page.screenshot(path=str(ARTIFACTS / f"report-form-{screen}.png"), full_page=True)

    # The browser itself asks for a reason first (the server says so too: tests/reports/).
    page.get_by_role("button", name="Send report").click()
    assert page.evaluate("document.querySelector('input[name=reason]').validity.valueMissing")
    assert page.url.endswith(f"/{grid.public_id}/report")
    assert Report.objects.count() == 0

    page.get_by_label("Spam or advertising").check()
    page.get_by_label("Anything a teacher should know? (optional)").fill("Links to a game site")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    assert page.url.endswith(f"/{grid.public_id}/report/sent")
    assert not scrolls_sideways(page)
    assert serious_violations(page) == []
    page.screenshot(path=str(ARTIFACTS / f"report-thanks-{screen}.png"), full_page=True)

    page.reload()
    page.reload()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    context.close()

    report = Report.objects.get()
    assert (report.grid_id, report.reason, report.details) == (
        grid.pk,
        "spam",
        "Links to a game site",
    )
