"""Cached responses (grid pages, /get, pictures, listings) sent again in front of Django, with
Django's headers.

CachedResponseMiddleware (grids/caching/middleware.py) sends a warm response below the request log,
the security headers, the Content-Security-Policy and the frame policy. What those layers and
Django's handler cost was still more than half of a warm response's time (bench/RESULTS.md), and
for a request that is the same as the last one they give the same headers. So the WSGI
application (ipbsite/wsgi.py) keeps, for each kind of request, the status and headers Django
sent with a cached response, and sends them again with the response's bodies when the same kind of
request comes back, without running Django at all.

What stays true:
- Hidden means gone at once: every replay reads the response's stamp from the cache, as
  CachedResponseMiddleware does, and a stamp the moderation verbs deleted, or one with another
  ETag, sends the request to Django.
- Nothing is decided here. The host check, the HTTPS redirect, HSTS, the policies and the
  response's own headers are what Django's middleware answered for a request with the same
  method, path, query, host, scheme, proxy headers and gzip choice. Those are the only inputs
  the middleware above CachedResponseMiddleware reads for these routes, and a test holds that
  middleware list to the one reviewed here (tests/caching/test_replay.py). Settings changing
  (tests do that) forgets every replay.
- Requests that may be answered differently go to Django every time: HEAD, conditional requests
  (If-None-Match and the like: Django answers the 304s), and responses that set a cookie.
- Each replay gets its own X-Request-ID and its request log line, as Django's would.
"""

import time
from dataclasses import dataclass

from django.core.handlers.wsgi import get_script_name

from grids.caching.keys import response_part
from grids.caching.memory import NewestKept
from grids.caching.middleware import cached_response_route
from grids.caching.responses import load_cached_response
from ipbsite.http.request_log import current_request_id, log_request, request_id_for

# Django answers these itself, every time: they depend on the client's copy, or (a body sent in
# chunks) are refused (ipbsite/http/length_required.py).
CONDITIONAL_HEADERS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_RANGE",
    "HTTP_TRANSFER_ENCODING",
)
# Everything in the WSGI environ that Django's handler and the middleware above
# CachedResponseMiddleware read to answer a cached grid route, besides the method.
REQUEST_KIND_KEYS = (
    "SCRIPT_NAME",
    "PATH_INFO",
    "QUERY_STRING",
    "HTTP_HOST",
    "SERVER_NAME",
    "SERVER_PORT",
    "wsgi.url_scheme",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
)
# A few kinds per grid (plain or gzip, page or /get) for the grids being opened right now.
MAX_REPLAYS = 2048


@dataclass(frozen=True)
class Replay:
    grid_name: str | None  # grid_cache_name()'s; None for a listing, which `part` names
    part: str
    etag: str
    gzipped: bool
    status: str
    headers: tuple[tuple[str, str], ...]  # without X-Request-ID, which is each request's own
    route_name: str
    path: str  # as the request log writes it


class ResponseReplays(NewestKept[tuple, Replay]):
    """The replays of this process, by kind of request, the newest kept."""

    def __init__(self, max_entries: int = MAX_REPLAYS):
        super().__init__(budget=max_entries)


response_replays = ResponseReplays()


def forget_replays(**kwargs):
    """Connected to setting_changed (GridsConfig.ready()): the replays hold what the settings
    made Django answer."""
    response_replays.clear()


class ReplayCachedResponses:
    """WSGI middleware around Django's application (ipbsite/wsgi.py)."""

    def __init__(self, django_application, replays: ResponseReplays = response_replays):
        self.django_application = django_application
        self.replays = replays

    def __call__(self, environ, start_response):
        route = cached_response_route(
            environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", "")
        )
        if route is None or environ["REQUEST_METHOD"] != "GET" or _conditional(environ):
            return self.django_application(environ, start_response)
        kind = _request_kind(environ)
        replay = self.replays.get(kind)
        if replay is not None:
            sent = self.send_again(replay, environ, start_response)
            if sent is not None:
                return sent
            self.replays.forget(kind)
        return self.send_through_django(route, kind, environ, start_response)

    def send_again(self, replay: Replay, environ, start_response):
        started = time.perf_counter()
        # The stamp and the moderation mark: hidden grids have no response. A stale listing goes
        # to Django, where one request claims it to build again (grids/caching/middleware.py).
        cached = load_cached_response(replay.grid_name, replay.part)
        if cached is None or cached.etag != replay.etag or cached.stale:
            return None
        request_id = request_id_for(environ)
        start_response(replay.status, [*replay.headers, ("X-Request-ID", request_id)])
        token = current_request_id.set(request_id)
        try:
            log_request("GET", replay.path, replay.route_name, 200, started)
        finally:
            current_request_id.reset(token)
        return [cached.gzipped if replay.gzipped else cached.body]

    def send_through_django(self, route, kind, environ, start_response):
        sent = {}

        def keep_status_and_headers(status, headers, exc_info=None):
            sent["status"], sent["headers"] = status, headers
            return start_response(status, headers, exc_info)

        response = self.django_application(environ, keep_status_and_headers)
        etag = getattr(response, "cached_response_etag", None)
        headers = sent.get("headers", [])
        if (
            etag is not None
            and sent.get("status", "").startswith("200 ")
            and not any(name.lower() == "set-cookie" for name, _ in headers)
        ):
            route_name, part, secret, _ = route
            self.replays.put(
                kind,
                Replay(
                    grid_name=route.grid_name,
                    part=response_part(part, secret=secret),
                    etag=etag,
                    gzipped=any(
                        name.lower() == "content-encoding" and value == "gzip"
                        for name, value in headers
                    ),
                    status=sent["status"],
                    headers=tuple(
                        (name, value) for name, value in headers if name.lower() != "x-request-id"
                    ),
                    route_name=route_name,
                    # request.path as Django makes it (FORCE_SCRIPT_NAME, ipbsite/settings.py)
                    path=get_script_name(environ) + environ.get("PATH_INFO", ""),
                ),
            )
        return response


def _conditional(environ) -> bool:
    return any(name in environ for name in CONDITIONAL_HEADERS)


def _request_kind(environ) -> tuple:
    accepts_gzip = "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "")
    return (accepts_gzip, *(environ.get(name) for name in REQUEST_KIND_KEYS))
