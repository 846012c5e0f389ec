"""The headers a browser acts on, on pages and on API answers, and a Content-Security-Policy
that every page we serve (the Django admin included) can live with: no inline script at all,
and an inline <style> only when the policy lists its hash."""

import base64
import hashlib
import json
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model

from ipbsite.http.inline_styles import allow_inline_style
from tests.factories import post_payload

pytestmark = pytest.mark.django_db


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    directives = (part.split() for part in policy.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


def assert_browser_protections(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_a_grid_page_carries_the_browser_protections(client, make_grid):
    grid = make_grid()

    response = client.get(f"/{grid.public_id}")

    assert response.status_code == 200
    assert_browser_protections(response)


def test_an_api_answer_carries_the_browser_protections(client, make_grid):
    grid = make_grid()

    fetched = client.get(f"/get/{grid.public_id}")
    posted = client.generic("POST", "/post", json.dumps(post_payload()))

    assert fetched.status_code == 200
    assert posted.status_code == 200
    assert_browser_protections(fetched)
    assert_browser_protections(posted)


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_grid_page_style_is_allowed_by_its_hash_and_nothing_else_inline(client, make_grid):
    public, secret = make_grid(), make_grid(secret=True, width=5)

    for path in (f"/{public.public_id}", f"/secret/{secret.public_id}"):
        response = client.get(path)

        (css,) = re.findall(r"<style>(.*?)</style>", response.content.decode(), re.S)
        assert css  # the grid's sizes
        assert csp_directives(response)["style-src"] == ["'self'", sha256_source(css)]


def test_grid_page_style_is_allowed_by_its_hash_through_django_csps_own_path(
    client, make_grid, settings
):
    # With DEBUG on (or a nonce, a per-view or report-only policy) the header is django-csp's
    # own, through PolicyParts and get_policy_parts(): private parts of django-csp we extend.
    settings.DEBUG = True
    grid = make_grid()

    response = client.get(f"/{grid.public_id}")

    (css,) = re.findall(r"<style>(.*?)</style>", response.content.decode(), re.S)
    assert csp_directives(response)["style-src"] == ["'self'", sha256_source(css)]


def test_grid_page_is_the_same_bytes_and_policy_on_every_request(client, make_grid):
    """No per-request nonce: ETags hold, and a 304's policy still fits the cached page."""
    grid = make_grid()

    first, again = client.get(f"/{grid.public_id}"), client.get(f"/{grid.public_id}")

    assert first.content == again.content
    assert csp_directives(first) == csp_directives(again)


def test_inline_style_refuses_css_that_would_close_the_element(rf):
    with pytest.raises(ValueError, match="must not contain"):
        allow_inline_style(rf.get("/"), "td{}</style><script>alert(1)</script>")


class InlineCode(HTMLParser):
    """What the page's policy blocks: script without src, handler and style attributes, and
    <style> elements whose text's hash the policy does not list."""

    def __init__(self, allowed_styles: list[str]):
        super().__init__()
        self.allowed_styles = allowed_styles
        self.blocked = []
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs:
            self.blocked.append("<script> without src")
        self.in_style = tag == "style"
        for name in attrs:
            if name == "style" or name.startswith("on"):
                self.blocked.append(f"{tag} {name}=")

    def handle_data(self, data):
        if self.in_style and sha256_source(data) not in self.allowed_styles:
            self.blocked.append(f"<style> not in the policy: {data[:40]}")

    def handle_endtag(self, tag):
        self.in_style = False


def blocked_inline_code(response) -> list[str]:
    parser = InlineCode(csp_directives(response)["style-src"])
    parser.feed(response.content.decode())
    return parser.blocked


@pytest.fixture
def superuser_client(client):
    user = get_user_model().objects.create_superuser("head", "head@example.org", "pw-12345678")
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "path",
    ["/", "/about", "/{public}", "/secret/{secret}", "/{public}/report", "/nothing-here"],
)
def test_site_pages_need_no_inline_code_the_policy_blocks(client, make_grid, path):
    public, secret = make_grid(code_cells=["print('hi')"]), make_grid(secret=True)

    response = client.get(path.format(public=public.public_id, secret=secret.public_id))

    assert blocked_inline_code(response) == []


@pytest.mark.parametrize(
    "path",
    ["/admin/login/", "/admin/", "/admin/grids/grid/", "/admin/grids/report/", "/admin/auth/user/"],
)
def test_admin_pages_need_no_inline_code(superuser_client, make_grid, path):
    make_grid()
    if path == "/admin/login/":
        superuser_client.logout()

    response = superuser_client.get(path)

    assert response.status_code == 200
    assert blocked_inline_code(response) == []


def test_the_once_built_policy_is_what_django_csp_builds():
    from csp.utils import build_policy

    from ipbsite.http.inline_styles import policy_allowing

    hashes = ("'sha256-abc='", "'sha256-def='")

    assert policy_allowing(()) == build_policy()
    assert policy_allowing(hashes) == build_policy(update={"style-src": list(hashes)})
