"""Logs as JSON lines, one line per request, each tagged with its request id.

A secret grid's id is the only key to it, so it must never reach a log, nor any grid id that
is not a public grid's: a student who calls from_web(id) without secret=True requests
/get/<secret id>, and one who pastes it requests /<secret id>. So, whoever logged it (Django's
"Not Found: ..." warnings, a traceback, gunicorn, our own request line):
- /secret/<id> and /secret-grids/<id> are masked in every line, in any case and with any
  number of slashes;
- while a request is served, its path is written as sent only in its own request line and only
  if it was answered (below 400) by a route of the site; every other line of the request, and
  that line otherwise, has each part of the path that is not a word of the site's routes
  masked;
- a line outside any request (gunicorn's own: "Invalid request from ...") has whatever follows
  any grid route masked.
Query strings and Referer headers are never logged.
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
# Its path as sent, and as other lines of the request write it.
current_path_masking: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar(
    "current_path_masking", default=None
)


def _masking(prefixes) -> re.Pattern:
    """What follows any of the prefixes, in paths and in full URLs, whatever the id looks like
    (a wrong id may be a real one mistyped), in any case and with doubled slashes."""
    spelled = ("/+".join(map(re.escape, prefix.split("/"))) for prefix in prefixes)
    return re.compile("(" + "|".join(spelled) + r")[^/\s?#\"'\\]+", re.IGNORECASE)


# /secret/<id>, /get/secret/<id>, /secret/<id>/report and /api/secret-grids/<id>.
_SECRET_ID = _masking(routes.SECRET_ID_FOLLOWS)
# Every route a grid id follows: for lines that belong to no request.
_ANY_GRID_ID = _masking(routes.GRID_ID_FOLLOWS)
# An incoming X-Request-ID is kept only if it is a short token: anything else (long, or with
# spaces, quotes or newlines) could forge or bloat log lines, so we make our own instead.
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}\Z")


def redact_secret_ids(text: str) -> str:
    return _SECRET_ID.sub(r"\1<secret>", text)


def redact_grid_ids(text: str) -> str:
    return _ANY_GRID_ID.sub(r"\1<id>", text)


def path_with_unknown_parts_masked(path: str) -> str:
    """The path with every part that is not a word of the site's routes written <id>."""
    from django.conf import settings

    if path.startswith("/" + settings.STATIC_URL.strip("/") + "/"):
        return path  # our own files' names, which a 404 there should show
    words = routes.words_of_routes()
    return "/".join(
        part if not part or part.lower() in words else "<id>" for part in path.split("/")
    )


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
        kwargs.setdefault(
            "reserved_attrs", [*RESERVED_ATTRS, "request", "server_time", "path_checked"]
        )
        super().__init__(*args, **kwargs)

    def add_fields(self, log_data, record, message_dict) -> None:
        super().add_fields(log_data, record, message_dict)
        request_id = current_request_id.get()
        if request_id is not None:
            log_data.setdefault("request_id", request_id)

    def format(self, record) -> str:
        masking = current_path_masking.get()
        if masking is not None and not getattr(record, "path_checked", False):
            sent, masked = masking
            message = record.getMessage()
            if sent in message:
                record.msg, record.args = message.replace(sent, masked), None
        # Secret ids first: /get/secret/<id> is also a /get/ route.
        line = redact_secret_ids(super().format(record))
        if current_request_id.get() is None:
            line = redact_grid_ids(line)
        return line


def forget_request_id(**kwargs) -> None:
    """Connected to request_finished (SiteConfig.ready()): a thread's next line belongs to no
    request until the next one starts."""
    current_request_id.set(None)
    current_path_masking.set(None)


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
        current_path_masking.set((request.path, path_with_unknown_parts_masked(request.path)))
        started = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        self.log(request, response, started)
        return response

    def log(self, request, response, started: float) -> None:
        match = getattr(request, "resolver_match", None)
        # CachedResponseMiddleware answers before any URL is resolved, and names its route.
        route = match.view_name if match else getattr(request, "route_name", None)
        path = request.path
        if route is None or response.status_code >= 400:
            path = path_with_unknown_parts_masked(path)
        log_request(request.method, path, route, response.status_code, started)


def log_request(method: str, path: str, route: str | None, status: int, started: float) -> None:
    """The request's line, under the request id in current_request_id. `path` is written as
    given: RequestLogMiddleware.log() says what of it may be."""
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
            "path_checked": True,
        },
    )
