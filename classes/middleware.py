"""An open public wall's poll that finds nothing new, answered 304 before most of the middleware.

Every projector showing a wall asks for news every few seconds (static/classes/js/wall.js), all
lesson long. When nothing changed, the answer is a 304 decided by one cache read (the wall's
record, classes/walls.py), and going through sessions, CSRF, authentication, messages and URL
resolving for it cost a quarter of the request (bench/RESULTS.md, issue 25). So, like
grids/caching/middleware.py for a grid's cached page, this sits high in settings.MIDDLEWARE and
answers such a poll at once; everything above it (health checks, the request log, the HTTPS
redirect, security headers) still applies.

Only the plainest case is taken: a GET of /c/<code>/cards with If-None-Match, no ?at=, from a
visitor with no session (a projector nobody signed in on) of a public class whose record is in
the cache. Anything else (a teacher, a class-only wall, a miss, a change) goes on to
WallCardsView, which answers the same way with all the checks.
"""

from django.conf import settings

from classes.codes import CLASS_CODE_ALPHABET, CLASS_CODE_LENGTH
from classes.views import not_modified, public_viewer, wall_etag
from classes.walls import cached_wall_record
from grids import routes

POLL_PREFIX = "/" + routes.CLASS
POLL_SUFFIX = "/cards"
CODE_CHARACTERS = frozenset(CLASS_CODE_ALPHABET)


class WallPollMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # From META, not request.headers, which would first copy every header of the request.
        sent_etag = request.META.get("HTTP_IF_NONE_MATCH")
        path = request.path_info
        if (
            sent_etag
            and request.method == "GET"
            and path.startswith(POLL_PREFIX)
            and path.endswith(POLL_SUFFIX)
            and not request.META.get("QUERY_STRING")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        ):
            code = path.removeprefix(POLL_PREFIX).removesuffix(POLL_SUFFIX).lower()
            if len(code) == CLASS_CODE_LENGTH and CODE_CHARACTERS.issuperset(code):
                request.get_host()  # ALLOWED_HOSTS, as CommonMiddleware would check it
                record = cached_wall_record(code)
                if record is not None and record.public:
                    etag = wall_etag(record, public_viewer, "")
                    if etag in sent_etag:
                        request.route_name = "classes:wall-cards"  # for the request log
                        return not_modified(etag)
        return self.get_response(request)
