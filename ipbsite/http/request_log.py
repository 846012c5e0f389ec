"""Logs as JSON lines, one line per request, each tagged with its request id.

A secret grid's id is the only key to it, so it must never reach a log: every line written
through JsonLogFormatter has /secret/<id> (and /secret-grids/<id>) masked, whoever logged it
(Django's "Not Found: /secret/..." warnings, a traceback, our own request line). Query strings
and Referer headers are never logged.
"""

import contextvars
import logging
import random
import re
import time

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.orjson import OrjsonFormatter

from grids import routes

logger = logging.getLogger(__name__)


def skip_what_no_line_shows() -> None:
    """Every line costs the request that writes it, and each request writes one. No line we
    write shows the thread, the process or the caller's file and line, so the logging module is
    told not to look them up for each record (the logging HOWTO, "Optimization"; the saving is
    in bench/RESULTS.md). Process-wide, so SiteConfig.ready() calls it, once."""
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    logging._srcfile = None


# The request being served in this thread; logging reads it for every line.
current_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "current_request_id", default=None
)

# Covers /secret/<id>, /get/secret/<id>, /secret/<id>/report and /api/secret-grids/<id>, in
# paths and in full URLs, whatever the id looks like (a wrong id may be a real one mistyped).
_SECRET_ID = re.compile(
    "(" + "|".join(map(re.escape, routes.SECRET_ID_FOLLOWS)) + r")[^/\s?#\"'\\]+"
)
# An incoming X-Request-ID is kept only if it is a short token: anything else (long, or with
# spaces, quotes or newlines) could forge or bloat log lines, so we make our own instead.
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}\Z")


def redact_secret_ids(text: str) -> str:
    return _SECRET_ID.sub(r"\1<secret>", text)


def request_id_for(meta) -> str:
    """The request's id, from its META (or WSGI environ): the caller's if safe, else a new one.

    A new id is 128 random bits in hex, like uuid4().hex, but from the random module rather
    than os.urandom: an id only has to differ from the others, not be unguessable, and the
    system call was a measurable share of a warm /get (bench/RESULTS.md). Python reseeds the
    random module in each forked gunicorn worker, so workers do not repeat each other's ids.
    """
    incoming = meta.get("HTTP_X_REQUEST_ID", "")
    if _SAFE_REQUEST_ID.match(incoming):
        return incoming
    return f"{random.getrandbits(128):032x}"


class JsonLogFormatter(OrjsonFormatter):
    """python-json-logger's formatter, writing with orjson: time, level, logger, message, any
    `extra` fields, and the request id; secret ids masked in the whole line."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", ["levelname", "name", "message"])
        kwargs.setdefault("rename_fields", {"levelname": "level"})
        kwargs.setdefault("timestamp", "time")  # ISO 8601, UTC
        # Django passes the request (and runserver its socket) as `extra`: their reprs say
        # nothing the request line does not, so leave them out.
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request", "server_time"])
        super().__init__(*args, **kwargs)

    def add_fields(self, log_data, record, message_dict) -> None:
        super().add_fields(log_data, record, message_dict)
        request_id = current_request_id.get()
        if request_id is not None:
            log_data.setdefault("request_id", request_id)

    def format(self, record) -> str:
        return redact_secret_ids(super().format(record))


def forget_request_id(**kwargs) -> None:
    """Connected to request_finished (SiteConfig.ready()): a thread's next line belongs to no
    request until the next one starts."""
    current_request_id.set(None)


class RequestLogMiddleware:
    """One log line per request (method, path, route, status, duration) under a request id,
    which the response echoes in X-Request-ID so a user's report can be matched to the log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_for(request.META)
        # Kept until the response is closed (forget_request_id), not just until this returns:
        # Django logs a 4xx or 5xx ("Not Found: ...") after the last middleware is done.
        current_request_id.set(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        self.log(request, response, started)
        return response

    def log(self, request, response, started: float) -> None:
        match = getattr(request, "resolver_match", None)
        # CachedResponseMiddleware answers before any URL is resolved, and names its route.
        route = match.view_name if match else getattr(request, "route_name", None)
        log_request(request.method, request.path, route, response.status_code, started)


def log_request(method: str, path: str, route: str | None, status: int, started: float) -> None:
    """The request's line, under the request id in current_request_id."""
    path = redact_secret_ids(path)
    logger.log(
        logging.ERROR if status >= 500 else logging.INFO,
        "%s %s %s",
        method,
        path,
        status,
        extra={
            "method": method,
            "path": path,
            "route": route,
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
