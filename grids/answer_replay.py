"""Cached grid pages and /get answers sent again, in front of Django, with the headers Django gave.

CachedAnswerMiddleware (grids/answer_middleware.py) sends a warm answer below the request log,
the security headers, the Content-Security-Policy and the frame policy. What those layers and
Django's handler cost was still more than half of a warm answer's time (bench/RESULTS.md), and
for a request that is the same as the last one they give the same headers. So the WSGI
application (ipbsite/wsgi.py) keeps, for each kind of request, the status and headers Django
sent with a cached answer, and sends them again with the answer's bodies when the same kind of
request comes back, without running Django at all.

What stays true:
- Hidden means gone at once: every replay reads the answer's stamp from the cache, as
  CachedAnswerMiddleware does, and a stamp the moderation verbs deleted, or one with another
  ETag, sends the request to Django.
- Nothing is decided here. The host check, the HTTPS redirect, HSTS, the policies and the
  answer's own headers are what Django's middleware answered for a request with the same
  method, path, query, host, scheme, proxy headers and gzip choice. Those are the only inputs
  the middleware above CachedAnswerMiddleware reads for these routes, and a test holds that
  middleware list to the one reviewed here (tests/test_answer_replay.py). Settings changing
  (tests do that) forgets every replay.
- Requests that may answer differently go to Django every time: HEAD, conditional requests
  (If-None-Match and the like: Django answers the 304s), and answers that set a cookie.
- Each replay gets its own X-Request-ID and its request log line, as Django's would.
"""

import time
from dataclasses import dataclass

from django.core.signals import setting_changed

from grids.answer_middleware import cached_answer_route
from grids.newest_kept import NewestKept
from grids.render_cache import answer_part, load_answer, rendered_key
from grids.request_log import current_request_id, log_request, request_id_for

# Django answers these itself, every time (they depend on the client's copy).
CONDITIONAL_HEADERS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_RANGE",
)
# Everything in the WSGI environ that Django's handler and the middleware above
# CachedAnswerMiddleware read to answer a cached grid route, besides the method.
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
    answer_key: str
    etag: str
    gzipped: bool
    status: str
    headers: tuple[tuple[str, str], ...]  # without X-Request-ID, which is each request's own
    route_name: str
    path: str  # as the request log writes it


class AnswerReplays(NewestKept[tuple, Replay]):
    """The replays of this process, by kind of request, the newest kept."""

    def __init__(self, max_entries: int = MAX_REPLAYS):
        super().__init__(budget=max_entries)


answer_replays = AnswerReplays()


def _forget_replays(**kwargs):
    answer_replays.clear()


setting_changed.connect(_forget_replays, dispatch_uid="grids.answer_replay.forget_replays")


class ReplayCachedAnswers:
    """WSGI middleware around Django's application (ipbsite/wsgi.py)."""

    def __init__(self, django_application, replays: AnswerReplays = answer_replays):
        self.django_application = django_application
        self.replays = replays

    def __call__(self, environ, start_response):
        route = cached_answer_route(environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""))
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
        answer = load_answer(replay.answer_key)  # the stamp: hidden grids have none
        if answer is None or answer.etag != replay.etag:
            return None
        request_id = request_id_for(environ)
        start_response(replay.status, [*replay.headers, ("X-Request-ID", request_id)])
        token = current_request_id.set(request_id)
        try:
            log_request("GET", replay.path, replay.route_name, 200, started)
        finally:
            current_request_id.reset(token)
        return [answer.gzipped if replay.gzipped else answer.body]

    def send_through_django(self, route, kind, environ, start_response):
        sent = {}

        def keep_status_and_headers(status, headers, exc_info=None):
            sent["status"], sent["headers"] = status, headers
            return start_response(status, headers, exc_info)

        response = self.django_application(environ, keep_status_and_headers)
        etag = getattr(response, "cached_answer_etag", None)
        headers = sent.get("headers", [])
        if (
            etag is not None
            and sent.get("status", "").startswith("200 ")
            and not any(name.lower() == "set-cookie" for name, _ in headers)
        ):
            route_name, part, secret, public_id = route
            self.replays.put(
                kind,
                Replay(
                    answer_key=rendered_key(public_id, answer_part(part, secret=secret)),
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
                    path=environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""),
                ),
            )
        return response


def _conditional(environ) -> bool:
    return any(name in environ for name in CONDITIONAL_HEADERS)


def _request_kind(environ) -> tuple:
    accepts_gzip = "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "")
    return (accepts_gzip, *(environ.get(name) for name in REQUEST_KIND_KEYS))
