"""A warm grid page or /get answer is sent again in front of Django, with the status and headers
Django sent for the same kind of request (grids/caching/replay.py)."""

import io
import logging
import time

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings

from grids.caching.replay import ReplayCachedResponses, ResponseReplays, response_replays
from grids.caching.responses import CachedResponse, store_response
from grids.models import Grid

pytestmark = pytest.mark.django_db

ROUTES = [
    pytest.param("/", False, id="page"),
    pytest.param("/secret/", True, id="secret-page"),
    pytest.param("/get/", False, id="get"),
    pytest.param("/get/secret/", True, id="secret-get"),
    pytest.param("/api/grids/", False, id="api"),
    pytest.param("/api/secret-grids/", True, id="secret-api"),
]


class CountingDjango:
    """Django's WSGI application, counting the requests that reach it."""

    def __init__(self):
        self.application = WSGIHandler()
        self.requests = 0

    def __call__(self, environ, start_response):
        self.requests += 1
        return self.application(environ, start_response)


@pytest.fixture
def django_app():
    return CountingDjango()


@pytest.fixture
def site(django_app):
    return ReplayCachedResponses(django_app, replays=ResponseReplays())


def wsgi_request(application, path, method="GET", **headers):
    """(status, headers, body) of one request, as a WSGI server would make it."""
    environ = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        **headers,
    }
    sent = []
    # As Django's test client does: the test's transaction must outlive the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = application(
            environ, lambda status, headers, exc_info=None: sent.append((status, headers))
        )
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()  # as the server does: Django's request_finished runs here
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    status, header_list = sent[-1]
    return status, header_list, body


def without_request_id(headers):
    return [(name, value) for name, value in headers if name != "X-Request-ID"]


@pytest.mark.parametrize("accept_encoding", ["", "gzip, deflate"])
@pytest.mark.parametrize(("prefix", "secret"), ROUTES)
def test_a_warm_answer_is_sent_again_without_django_exactly_as_django_sent_it(
    site, django_app, make_grid, prefix, secret, accept_encoding
):
    grid = make_grid(secret=secret, code_cells=["print('hi')"])
    path = f"{prefix}{grid.public_id}"
    built = wsgi_request(site, path, HTTP_ACCEPT_ENCODING=accept_encoding)
    assert django_app.requests == 1

    replayed = wsgi_request(site, path, HTTP_ACCEPT_ENCODING=accept_encoding)

    assert django_app.requests == 1
    assert built[0] == replayed[0] == "200 OK"
    assert replayed[2] == built[2]
    assert without_request_id(replayed[1]) == without_request_id(built[1])
    assert dict(replayed[1])["X-Request-ID"] != dict(built[1])["X-Request-ID"]


@pytest.mark.parametrize(("prefix", "secret"), ROUTES)
@pytest.mark.parametrize("verb", ["hide", "delete"])
def test_a_hidden_grid_is_never_sent_again(site, make_grid, prefix, secret, verb):
    grid = make_grid(secret=secret)
    path = f"{prefix}{grid.public_id}"
    for _ in range(3):
        assert wsgi_request(site, path)[0] == "200 OK"

    grids = Grid.objects.filter(pk=grid.pk)
    grids.hide(by=None, reason="test") if verb == "hide" else grids.delete()

    assert wsgi_request(site, path)[0].split()[0] in ("404", "410")


def test_an_answer_stored_anew_with_other_bytes_is_sent_by_django_not_replayed(
    site, django_app, make_grid
):
    grid = make_grid()
    path = f"/{grid.public_id}"
    for _ in range(2):
        wsgi_request(site, path)
    # Another process stored this grid's answer again, with other bytes (a new release).
    store_response(grid.cache_name, "page", CachedResponse.of(b"other", "text/html"), time.time())
    requests_before = django_app.requests

    status, headers, body = wsgi_request(site, path)

    assert django_app.requests == requests_before + 1
    assert (status, body, dict(headers)["Content-Length"]) == ("200 OK", b"other", "5")


def test_each_kind_of_request_gets_the_headers_django_gave_that_kind(site, django_app, make_grid):
    grid = make_grid()
    path = f"/{grid.public_id}"
    plain = [wsgi_request(site, path) for _ in range(2)][-1]
    gzipped = [wsgi_request(site, path, HTTP_ACCEPT_ENCODING="gzip") for _ in range(2)][-1]
    requests_before = django_app.requests

    assert wsgi_request(site, path)[2] == plain[2]
    assert wsgi_request(site, path, HTTP_ACCEPT_ENCODING="gzip")[2] == gzipped[2]
    assert dict(gzipped[1])["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in dict(plain[1])
    assert django_app.requests == requests_before


def test_a_host_the_site_does_not_serve_is_refused_after_answers_were_replayed(site, make_grid):
    grid = make_grid()
    for _ in range(3):
        wsgi_request(site, f"/{grid.public_id}")

    status, _, _ = wsgi_request(site, f"/{grid.public_id}", HTTP_HOST="evil.example")

    assert status.startswith("400 ")


def test_the_https_redirect_and_hsts_hold_for_replayed_answers(make_grid):
    grid = make_grid()
    path = f"/{grid.public_id}"
    with override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=3600):
        site = ReplayCachedResponses(WSGIHandler(), replays=ResponseReplays())
        for _ in range(3):
            secure = wsgi_request(site, path, **{"wsgi.url_scheme": "https", "SERVER_PORT": "443"})
        assert secure[0] == "200 OK"
        assert "Strict-Transport-Security" in dict(secure[1])

        plain_http = wsgi_request(site, path)

    assert plain_http[0].startswith("301 ")
    assert dict(plain_http[1])["Location"] == f"https://testserver{path}"


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"REQUEST_METHOD": "HEAD"}, id="HEAD"),
        pytest.param({"HTTP_IF_NONE_MATCH": "*"}, id="If-None-Match"),
        pytest.param(
            {"HTTP_IF_MODIFIED_SINCE": "Sat, 1 Jan 2000 00:00:00 GMT"}, id="If-Modified-Since"
        ),
    ],
)
def test_head_and_conditional_requests_are_always_answered_by_django(
    site, django_app, make_grid, headers
):
    grid = make_grid()
    for _ in range(3):
        wsgi_request(site, f"/{grid.public_id}")
    requests_before = django_app.requests

    status, _, _ = wsgi_request(site, f"/{grid.public_id}", **headers)

    assert django_app.requests == requests_before + 1
    assert status.split()[0] in ("200", "304")


def test_a_replayed_answer_writes_its_request_log_line_under_its_own_id(site, make_grid, caplog):
    grid = make_grid(secret=True)
    for _ in range(3):
        wsgi_request(site, f"/secret/{grid.public_id}")
    caplog.clear()

    with caplog.at_level(logging.INFO, logger="ipbsite.http.request_log"):
        _, headers, _ = wsgi_request(site, f"/secret/{grid.public_id}", HTTP_X_REQUEST_ID="abc-1")

    (line,) = [r for r in caplog.records if r.name == "ipbsite.http.request_log"]
    assert (line.method, line.path, line.route, line.status) == (
        "GET",
        "/secret/<secret>",
        "grids:secret-page",
        200,
    )
    assert dict(headers)["X-Request-ID"] == "abc-1"
    assert grid.public_id not in caplog.text


def test_an_answer_that_sets_a_cookie_is_never_replayed(make_grid):
    grid = make_grid()
    django_app = CountingDjango()

    def with_a_cookie(environ, start_response):
        def add_cookie(status, headers, exc_info=None):
            return start_response(status, [*headers, ("Set-Cookie", "a=b")], exc_info)

        return django_app(environ, add_cookie)

    site = ReplayCachedResponses(with_a_cookie, replays=ResponseReplays())
    for _ in range(3):
        wsgi_request(site, f"/{grid.public_id}")

    assert django_app.requests == 3


def test_the_newest_replays_are_kept_within_their_bound(site, make_grid):
    replays = ResponseReplays(max_entries=2)
    site = ReplayCachedResponses(WSGIHandler(), replays=replays)
    grids = [make_grid() for _ in range(3)]
    for grid in grids:
        wsgi_request(site, f"/{grid.public_id}")

    assert len(replays.entries) == 2
    assert [kind[2] for kind in replays.entries] == [f"/{g.public_id}" for g in grids[1:]]


def test_changing_a_setting_forgets_every_replay(make_grid):
    site = ReplayCachedResponses(WSGIHandler())  # the process's own replays
    grid = make_grid()
    wsgi_request(site, f"/{grid.public_id}")
    assert response_replays.entries

    with override_settings(X_FRAME_OPTIONS="SAMEORIGIN"):
        assert not response_replays.entries
        _, headers, _ = wsgi_request(site, f"/{grid.public_id}")
        assert dict(headers)["X-Frame-Options"] == "SAMEORIGIN"


def test_the_middleware_replayed_answers_stand_for_is_the_reviewed_list():
    # A replay repeats what these layers answered, for requests alike in the inputs
    # grids/caching/replay.py lists (REQUEST_KIND_KEYS). A middleware added above
    # CachedResponseMiddleware may read other inputs: review that list, then this one.
    above = settings.MIDDLEWARE[
        : settings.MIDDLEWARE.index("grids.caching.middleware.CachedResponseMiddleware")
    ]
    assert above == [
        "ipbsite.http.health.HealthCheckMiddleware",
        "ipbsite.http.request_log.RequestLogMiddleware",
        "ipbsite.http.length_required.LengthRequiredMiddleware",
        "django.middleware.security.SecurityMiddleware",
        "ipbsite.http.inline_styles.InlineStyleCSPMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ]


def test_the_production_entry_point_replays_in_front_of_django():
    import ipbsite.wsgi

    assert isinstance(ipbsite.wsgi.application, ReplayCachedResponses)
    assert ipbsite.wsgi.application.django_application is ipbsite.wsgi.django_application


def test_a_cached_page_keeps_no_prefix_from_the_request_that_built_it(site, make_grid):
    # A server or proxy that sets SCRIPT_NAME for one request must not move every visitor's
    # links elsewhere for as long as the page stays cached (FORCE_SCRIPT_NAME, settings.py).
    grid = make_grid()
    built = wsgi_request(site, f"/{grid.public_id}", SCRIPT_NAME="/elsewhere")
    sent_again = wsgi_request(site, f"/{grid.public_id}")

    for status, _, body in (built, sent_again):
        assert status == "200 OK"
        assert b"/elsewhere" not in body
        assert b'"/static/' in body  # the page's links, from the site's root
