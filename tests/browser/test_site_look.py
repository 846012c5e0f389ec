"""The site's look in Chromium, light and dark, on a phone and a desktop (issue 23, items 2 and
6): every page fits the screen, starts with a skip link, shows a ring on whatever has keyboard
focus, sets code in one size, passes axe-core, and changes with the colour scheme while grids
keep exactly their posted colours."""

import io
import re
from pathlib import Path

import pytest
from PIL import Image

from tests.browser.checks import scrolls_sideways, serious_violations
from tests.factories import checker_blocks, make_grid, solid_blocks

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
STATIC = Path(__file__).resolve().parents[2] / "static"
SCREENS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}
SCHEMES = ("light", "dark")
# Every piece of code a page shows: inline, the remix snippet, the highlighted cells.
CODE = "pre.snippet code, .code-cell .highlight pre, :not(pre) > code"
SUNNY = (255, 200, 0)


def contrast_ratio(first: tuple, second: tuple) -> float:
    """WCAG 2's contrast ratio of two sRGB colours given as 0..255 triples."""

    def luminance(rgb: tuple) -> float:
        linear = [
            c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
            for c in (value / 255 for value in rgb)
        ]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def rgb(css_colour: str) -> tuple:
    """(r, g, b) of a computed `rgb(...)` or `rgba(...)` value, or of a #rrggbb or #rgb hex."""
    if css_colour.startswith("#"):
        digits = css_colour[1:]
        if len(digits) == 3:
            digits = "".join(digit * 2 for digit in digits)
        return tuple(int(digits[i : i + 2], 16) for i in (0, 2, 4))
    return tuple(int(float(n)) for n in re.findall(r"[\d.]+", css_colour)[:3])


@pytest.fixture
def site(transactional_db, live_server) -> dict:
    """A few grids for the home page, and the paths of the pages every test visits."""
    make_grid(width=10, height=10, blocks=solid_blocks(10, 10, SUNNY))
    make_grid(width=30, height=3)
    make_grid(ipb_class="ImageGrid", width=12, height=9, blocks=checker_blocks(12, 9, size=8))
    grid = make_grid(
        width=6,
        height=4,
        code_cells=[
            "from ipythonblocks import BlockGrid\ngrid = BlockGrid(6, 4)",
            "for block in grid:\n    if block.row % 2 == 0:  # even rows\n        block.red = 255",
        ],
    )
    # A remix of the same shape, with a row changed: its page shows what it changed.
    remix_blocks = [list(row) for row in grid.blocks]
    remix_blocks[1] = [[255, 200, 0, 20]] * 6
    remix = make_grid(
        width=6,
        height=4,
        blocks=remix_blocks,
        code_cells=[f"grid = BlockGrid.from_web('{grid.public_id}')\ngrid[1, :] = (255, 200, 0)"],
    )
    remix.remixed_from.add(grid)
    return {
        "url": live_server.url,
        "grid": grid,
        "pages": {
            "home": "/",
            "gallery": "/gallery",
            "remix": remix.get_absolute_url(),
            "no-such-grid": "/open?grid=nosuch",
            "about": "/about",
            "grid": grid.get_absolute_url(),
            "report": grid.get_report_url(),
            "not-found": "/no/such/page",
        },
    }


def open_page(chromium, screen: str, scheme: str):
    context = chromium.new_context(device_scale_factor=1, color_scheme=scheme, **SCREENS[screen])
    return context, context.new_page()


def focused(page) -> dict | None:
    """What has keyboard focus, its ring, and the colour the ring is drawn on; None past the
    last tab stop, or on coming back to one already seen."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            window.seenStops = window.seenStops || new WeakSet();
            if (!el || el === document.body || window.seenStops.has(el)) return null;
            window.seenStops.add(el);
            const clear = (node) =>
                /, 0\\)$|transparent/.test(getComputedStyle(node).backgroundColor);
            // The grid's ring is drawn round its frame, which would cut it off round the
            // grid itself (static/grids/css/grid.css).
            const ringed = el.matches(".grid-scaler") ? el.closest(".grid-frame") : el;
            let behind = ringed.parentElement;
            while (behind && clear(behind)) behind = behind.parentElement;
            const style = getComputedStyle(ringed);
            return {
                element: el.tagName.toLowerCase() + (el.className ? "." + el.className : ""),
                text: (el.getAttribute("aria-label") || el.textContent).trim().slice(0, 40),
                outlineStyle: style.outlineStyle,
                outlineWidth: parseFloat(style.outlineWidth),
                outlineColor: style.outlineColor,
                behind: getComputedStyle(behind || document.body).backgroundColor,
            };
        }"""
    )


def tab_stops(page) -> list[dict]:
    stops = []
    for _ in range(60):
        page.keyboard.press("Tab")
        stop = focused(page)
        if stop is None:
            break
        stops.append(stop)
    return stops


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("screen", SCREENS)
def test_every_page_fits_the_screen_and_axe_finds_nothing_serious(site, chromium, screen, scheme):
    context, page = open_page(chromium, screen, scheme)
    ARTIFACTS.mkdir(exist_ok=True)
    fetched, refused = [], []
    page.on("request", lambda request: fetched.append(request.url))
    page.on("console", lambda message: refused.append(message.text))
    code_sizes = {}
    for name, path in site["pages"].items():
        page.goto(site["url"] + path)

        assert not scrolls_sideways(page), name
        assert serious_violations(page) == [], name
        code_sizes[name] = page.eval_on_selector_all(
            CODE, "found => found.map(code => getComputedStyle(code).fontSize)"
        )
        page.screenshot(path=str(ARTIFACTS / f"site-{name}-{screen}-{scheme}.png"), full_page=True)
    context.close()

    # Fonts, images and scripts all come from the site itself, and the Content-Security-Policy
    # refused nothing (an inline script or a style="" attribute would be reported here).
    assert [url for url in fetched if not url.startswith((site["url"], "data:"))] == []
    assert [text for text in refused if "Content Security Policy" in text] == []
    # The grid page has the snippet, two cells and inline code; the about page snippets too.
    assert len(code_sizes["grid"]) >= 3
    assert len(code_sizes["about"]) > 5
    assert len({size for sizes in code_sizes.values() for size in sizes}) == 1, code_sizes


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("screen", SCREENS)
def test_skip_link_is_the_first_tab_stop_and_takes_focus_to_the_page(
    site, chromium, screen, scheme
):
    context, page = open_page(chromium, screen, scheme)
    for name, path in site["pages"].items():
        page.goto(site["url"] + path)
        skip_link = page.get_by_role("link", name="Skip to content")

        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip to content", name
        box = skip_link.bounding_box()
        assert box["y"] >= 0, name  # on screen while it has focus
        assert box["height"] > 0, name
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "content", name
        page.keyboard.press("Tab")
        assert page.evaluate("document.querySelector('main').contains(document.activeElement)")
    context.close()


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("screen", SCREENS)
def test_every_tab_stop_shows_a_ring_that_stands_out(site, chromium, screen, scheme):
    context, page = open_page(chromium, screen, scheme)
    kinds = set()
    for name, path in site["pages"].items():
        page.goto(site["url"] + path)

        for stop in tab_stops(page):
            kinds.add(stop["element"].split(".")[0])
            assert stop["outlineStyle"] not in ("none", "hidden"), (name, stop)
            assert stop["outlineWidth"] >= 2, (name, stop)
            ring = contrast_ratio(rgb(stop["outlineColor"]), rgb(stop["behind"]))
            assert ring >= 3, (name, stop, ring)
    context.close()

    assert {"a", "button", "input", "textarea"} <= kinds


def test_links_buttons_and_rings_share_one_accent_with_aa_contrast(site, chromium):
    for scheme in SCHEMES:
        context, page = open_page(chromium, "desktop", scheme)
        page.goto(site["url"] + site["pages"]["report"])
        accent = rgb(
            page.evaluate(
                "getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()"
            )
        )
        paper = rgb(page.evaluate("getComputedStyle(document.body).backgroundColor"))
        link = page.get_by_role("link", name=site["grid"].public_id, exact=True)
        send = page.get_by_role("button", name="Send report")
        while not link.evaluate("e => e === document.activeElement"):
            page.keyboard.press("Tab")

        assert rgb(link.evaluate("e => getComputedStyle(e).color")) == accent
        assert rgb(link.evaluate("e => getComputedStyle(e).outlineColor")) == accent
        assert rgb(send.evaluate("e => getComputedStyle(e).backgroundColor")) == accent
        assert contrast_ratio(accent, paper) >= 4.5, scheme
        context.close()


@pytest.mark.parametrize("screen", SCREENS)
def test_dark_scheme_changes_the_page_but_never_a_grid(site, chromium, screen):
    grid = site["grid"]
    row, col = 2, 3
    posted = tuple(grid.blocks[row][col][:3])
    seen = {}
    for scheme in SCHEMES:
        context, page = open_page(chromium, screen, scheme)
        page.goto(site["url"] + site["pages"]["grid"])
        cell = page.locator(f"table.blockgrid tr:nth-child({row + 1}) td:nth-child({col + 1})")

        page_background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        cell_background = rgb(cell.evaluate("e => getComputedStyle(e).backgroundColor"))
        drawn = Image.open(io.BytesIO(cell.screenshot())).convert("RGB")
        # Nothing between the cell and the page may filter, fade or blend what it draws.
        altered = cell.evaluate(
            """e => { const changes = [];
                for (let el = e; el; el = el.parentElement) {
                    const s = getComputedStyle(el);
                    if (s.filter !== "none" || s.mixBlendMode !== "normal" || s.opacity !== "1")
                        changes.push(el.tagName + " " + s.filter + " " + s.mixBlendMode);
                }
                return changes; }"""
        )
        page.goto(site["url"] + "/")
        thumbnail = page.get_by_role("img", name=re.compile("10 by 10 blocks"))
        thumbnail_drawn = Image.open(io.BytesIO(thumbnail.screenshot())).convert("RGB")
        context.close()

        assert cell_background == posted, scheme
        assert drawn.getpixel((drawn.width // 2, drawn.height // 2)) == posted, scheme
        assert altered == [], scheme
        middle = (thumbnail_drawn.width // 2, thumbnail_drawn.height // 2)
        assert thumbnail_drawn.getpixel(middle) == SUNNY, scheme
        seen[scheme] = page_background

    assert rgb(seen["light"]) != rgb(seen["dark"])
    assert contrast_ratio(rgb(seen["light"]), rgb(seen["dark"])) > 10


def test_home_page_cards_are_all_one_height(site, chromium):
    for screen in SCREENS:
        context, page = open_page(chromium, screen, "light")
        page.goto(site["url"] + "/")

        heights = page.eval_on_selector_all(
            ".grid-cards a", "cards => cards.map(card => card.getBoundingClientRect().height)"
        )
        context.close()

        assert len(heights) == 5  # the site fixture's five public grids
        assert max(heights) - min(heights) < 1, (screen, heights)


def css_rules(path: Path) -> dict[str, str]:
    """selector -> declarations, one entry per selector of a comma-separated list."""
    text = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
    text = re.sub(r"@media[^{]*\{(.*)\}\s*$", r"\1", text.strip(), flags=re.S)
    rules = {}
    for selectors, declarations in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
        for selector in selectors.split(","):
            rules[" ".join(selector.split())] = declarations
    return rules


def test_every_colour_of_highlighted_code_has_a_dark_counterpart_with_aa_contrast():
    light = css_rules(STATIC / "grids" / "css" / "pygments.css")
    dark = css_rules(STATIC / "css" / "pygments-dark.css")
    background = rgb(re.search(r"background: (#\w+)", dark[".highlight"])[1])
    text_colour = re.compile(r"(?:^|[;\s])color: (#\w+)")
    coloured = [selector for selector in light if text_colour.search(light[selector])]

    assert len(coloured) > 50
    assert "background-color" in dark[".highlight .hll"]
    assert [selector for selector in coloured if selector not in dark] == []
    ratios = {
        selector: contrast_ratio(rgb(text_colour.search(dark[selector])[1]), background)
        for selector in coloured
    }
    assert {selector: ratio for selector, ratio in ratios.items() if ratio < 4.5} == {}
