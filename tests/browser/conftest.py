import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.needs import missing_service

# Playwright's sync API runs an event loop in the test thread, and Django refuses database
# calls from a thread with a running loop unless told otherwise (STYLE.md, Tests).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# Debian's package, the one browser docs/development.md names. Never `playwright install` one.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]


@pytest.fixture(scope="session")
def chromium() -> Iterator:
    if not CHROMIUM.exists():
        missing_service(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_context(chromium) -> Iterator:
    # Scale 1 and a viewport wider than the starry night, so one CSS pixel is one screen pixel.
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, device_scale_factor=1)
    yield context
    context.close()


# A host name for the site as a school's network serves it: plain http:// on a name that is not
# localhost, where browsers give pages no clipboard API (not a secure context).
SCHOOL_HOST = "blocks.school.test"


@pytest.fixture(scope="session")
def school_network_chromium(chromium) -> Iterator:
    """Chromium that resolves SCHOOL_HOST to this machine, as a school's DNS would."""
    browser = chromium.browser_type.launch(
        executable_path=str(CHROMIUM),
        args=[*CHROMIUM_ARGS, f"--host-resolver-rules=MAP {SCHOOL_HOST} 127.0.0.1"],
    )
    yield browser
    browser.close()
