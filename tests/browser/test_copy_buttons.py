"""The grid page's copy buttons put the page's link and the remix snippet on the clipboard,
read back in the browser: on the site's own address, and on a school network's plain http://
host name, where the browser has no clipboard API and the page falls back to selecting."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.checks import scrolls_sideways
from tests.browser.conftest import SCHOOL_HOST
from tests.factories import make_grid

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
# A student on a phone on the school's network; a teacher at a desktop elsewhere.
VIEWPORTS = {"secure": (1280, 800), "school-http": (390, 844)}


def clipboard_text(context, origin: str) -> str:
    """What the browser's clipboard holds, read from a page of a secure origin."""
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    reader = context.new_page()
    reader.goto(f"{origin}/about")
    text = reader.evaluate("navigator.clipboard.readText()")
    reader.close()
    return text


@pytest.mark.parametrize("network", ["secure", "school-http"])
@pytest.mark.parametrize("secret", [False, True])
def test_copy_buttons_put_the_link_and_the_snippet_on_the_clipboard(
    transactional_db, live_server, chromium, school_network_chromium, settings, network, secret
):
    port = urlsplit(live_server.url).port
    if network == "secure":
        browser, site = chromium, live_server.url
    else:
        browser, site = school_network_chromium, f"http://{SCHOOL_HOST}:{port}"
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, SCHOOL_HOST]
    settings.IPB_SITE_URL = site
    grid = make_grid(secret=secret)
    width, height = VIEWPORTS[network]
    context = browser.new_context(viewport={"width": width, "height": height})
    context.grant_permissions(["clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.goto(f"{site}{grid.get_absolute_url()}")
    assert not scrolls_sideways(page)
    has_clipboard_api = page.evaluate("Boolean(navigator.clipboard) && window.isSecureContext")
    assert has_clipboard_api is (network == "secure")

    page.get_by_role("button", name="Copy link to this grid").click()
    expect(page.get_by_role("status").first).to_have_text("Copied")
    assert clipboard_text(context, live_server.url) == f"{site}{grid.get_absolute_url()}"

    page.get_by_role("button", name="Copy code").click()
    expect(page.get_by_role("status").nth(1)).to_have_text("Copied")
    snippet = clipboard_text(context, live_server.url)
    assert snippet.startswith("import ipythonblocks.ipythonblocks as ipb\n")
    assert f"ipb._POST_URL = '{site}/post'" in snippet
    secret_argument = ", secret=True" if secret else ""
    assert snippet.endswith(f"grid = BlockGrid.from_web('{grid.public_id}'{secret_argument})\ngrid")
    ARTIFACTS.mkdir(exist_ok=True)
    name = f"grid-page-copied-{network}-{'secret' if secret else 'public'}.png"
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)
    context.close()
