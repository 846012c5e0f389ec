"""Classes as people use them, in Chromium: the real client posts to a class's link and the wall
open on the projector shows the grid without a reload; a teacher approves a waiting grid and it
appears; a teacher of another class sees nothing of it anywhere in the admin. The wall and the
class page fit a phone and a projector, light and dark, and give axe-core nothing serious."""

from pathlib import Path

import ipythonblocks.ipythonblocks as ipb
import pytest
from playwright.sync_api import expect

from classes.models import Moderation
from classes.views import class_snippet
from grids.management.commands.createteacher import create_teacher
from grids.models import Grid
from tests.browser.checks import scrolls_sideways, serious_violations
from tests.browser.test_teacher_moderation import PASSWORD, log_in
from tests.factories import checker_blocks, make_class, make_grid, solid_blocks

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 1, "is_mobile": True}
PROJECTOR = {"viewport": {"width": 1920, "height": 1080}, "device_scale_factor": 1}
LAPTOP = {"viewport": {"width": 1280, "height": 800}, "device_scale_factor": 1}
SCREENS = {"phone": PHONE, "laptop": LAPTOP, "projector": PROJECTOR}
# The wall polls every 3 s; a loaded CI machine gets a generous margin over the 5 s promised.
WALL_UPDATES_WITHIN_MS = 20_000


@pytest.fixture(autouse=True)
def site_url_is_the_live_servers(live_server, settings, monkeypatch):
    settings.IPB_SITE_URL = live_server.url
    for name in ("_POST_URL", "_GET_URL_PUBLIC", "_GET_URL_SECRET"):
        monkeypatch.setattr(ipb, name, getattr(ipb, name))


@pytest.fixture
def teachers(transactional_db):
    return (
        create_teacher("ms.frizzle", PASSWORD, own_classes=True),
        create_teacher("mr.ratburn", PASSWORD, own_classes=True),
    )


def post_from_a_notebook(school_class, width=5, height=4) -> str:
    """What a student does: paste the class's snippet, then post. The grid's id."""
    exec(class_snippet(school_class), {})  # noqa: S102 (our own snippet, the thing under test)
    grid = ipb.BlockGrid(width, height, fill=(250, 180, 20))
    return grid.post_to_web().rsplit("/", 1)[-1]


def test_the_open_wall_shows_a_grid_the_client_posts_without_a_reload(
    chromium, live_server, teachers
):
    school_class = make_class(name="7B Computing", teachers=[teachers[0]], public=True)
    context = chromium.new_context(**PROJECTOR)
    page = context.new_page()
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    page.goto(f"{live_server.url}/c/{school_class.code}/")
    expect(page.get_by_text("No grids yet")).to_be_visible()

    grid_id = post_from_a_notebook(school_class)

    picture = page.get_by_role("img", name=f"Grid {grid_id}, 5 by 4 blocks")
    expect(picture).to_be_visible(timeout=WALL_UPDATES_WITHIN_MS)
    assert len(navigations) == 1  # the first load only: no reload
    context.close()


def test_a_grid_approved_by_its_teacher_appears_and_another_teacher_sees_nothing_of_it(
    chromium, live_server, teachers
):
    frizzle, ratburn = teachers
    school_class = make_class(
        name="7B Computing", teachers=[frizzle], public=True, moderation=Moderation.WALL
    )
    make_class(name="8C Art", teachers=[ratburn])
    grid_id = post_from_a_notebook(school_class)
    grid = Grid.objects.get(public_id=grid_id)

    wall = chromium.new_context(**PROJECTOR).new_page()
    wall.goto(f"{live_server.url}/c/{school_class.code}/")
    expect(wall.get_by_text("No grids yet")).to_be_visible()

    teacher = chromium.new_context(**PHONE).new_page()
    log_in(teacher, live_server, "ms.frizzle")
    teacher.goto(f"{live_server.url}/admin/grids/grid/{grid.pk}/change/")
    teacher.get_by_role("button", name="Approve for the wall").click()
    expect(teacher.get_by_text("Approved 1 grid(s).")).to_be_visible()

    expect(wall.get_by_role("img", name=f"Grid {grid_id}, 5 by 4 blocks")).to_be_visible(
        timeout=WALL_UPDATES_WITHIN_MS
    )

    other = chromium.new_context(**PHONE).new_page()
    log_in(other, live_server, "mr.ratburn")
    for path in (
        "/admin/grids/grid/",
        f"/admin/grids/grid/?q={grid_id}",
        "/admin/grids/report/",
        "/admin/classes/schoolclass/",
        f"/admin/grids/grid/{grid.pk}/change/",
        f"/c/{school_class.code}/teach",
    ):
        other.goto(live_server.url + path)
        shown = other.locator("#content, main").first.inner_text()
        assert grid_id not in shown.replace(f"q={grid_id}", ""), path
        assert "7B Computing" not in shown, path
    wall.context.close()
    teacher.context.close()
    other.context.close()


@pytest.fixture
def a_class_with_grids(teachers):
    target = make_grid(width=8, height=8, blocks=solid_blocks(8, 8, (230, 60, 60)))
    school_class = make_class(
        name="7B Computing", teachers=[teachers[0]], public=True, target=target
    )
    for number in range(7):
        blocks = solid_blocks(8, 8, (230, 60, 60))
        for row in range(number):
            blocks[row] = [[40, 90, 220, 20]] * 8
        make_grid(width=8, height=8, blocks=blocks, school_class=school_class)
    make_grid(width=12, height=6, blocks=checker_blocks(12, 6), school_class=school_class)
    make_grid(width=8, height=8, secret=True, school_class=school_class)
    return school_class


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", SCREENS)
def test_the_wall_and_class_page_fit_and_axe_finds_nothing_serious(
    chromium, live_server, a_class_with_grids, screen, scheme
):
    ARTIFACTS.mkdir(exist_ok=True)
    context = chromium.new_context(color_scheme=scheme, **SCREENS[screen])
    page = context.new_page()
    code = a_class_with_grids.code
    log_in(page, live_server, "ms.frizzle")
    pages = (
        ("wall", f"/c/{code}/"),
        ("class-page", f"/c/{code}/teach"),
        # Her grid list, with the class and target-match columns.
        ("admin-grids", "/admin/grids/grid/"),
    )
    for name, path in pages:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")

        assert not scrolls_sideways(page), name
        assert serious_violations(page) == [], name
        page.screenshot(path=str(ARTIFACTS / f"class-{name}-{screen}-{scheme}.png"), full_page=True)
    # The teacher's wall shows the secret grid too, and every grid of the target's shape its
    # match with it.
    page.goto(f"{live_server.url}/c/{code}/")
    assert page.locator(".wall-card").count() == 9
    assert page.get_by_text("100% of blocks match").count() == 1
    assert page.get_by_text("Not the target's shape").count() == 1
    context.close()
