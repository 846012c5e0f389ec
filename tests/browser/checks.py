"""What every browser test asks of a page a person sees: nothing scrolls sideways, and
axe-core (bundled by axe-playwright-python, injected by Playwright) finds nothing serious."""

from axe_playwright_python.sync_playwright import Axe

SERIOUS = {"serious", "critical"}


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now, one line each."""
    results = Axe().run(page)
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} elements)"
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
    ]


def scrolls_sideways(page) -> bool:
    return page.evaluate(
        "document.scrollingElement.scrollWidth > document.documentElement.clientWidth"
    )
