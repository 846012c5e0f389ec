"""Cached grid pages, /get responses, pictures and listings, sent before most of the
middleware runs.

A link to one grid can be opened by a whole school at once (issue 6). Once a grid's page or
JSON is cached whole (grids/caching/responses.py), sending it needs none of what the rest of the
stack does for other pages: no session, CSRF token, user, messages, static files, compression
(it is stored gzipped) or URL resolving. Going through all of that anyway cost more than the
response itself, so this middleware sits high in settings.MIDDLEWARE and sends a cached response
at once. Everything above it still applies: the health checks, the request log and its id,
the HTTPS redirect and security headers, the Content-Security-Policy and the frame policy.

On a miss it steps aside, and the view builds the response from Grid.objects.reachable() and
caches it. It serves only what a view stored, under the same key, which the moderation verbs
delete: hiding a grid takes its response away from this path as from the view's.

In front of Django, grids/caching/replay.py sends the same responses again, with the headers this
stack gave, to requests like one it has already answered.
"""

from typing import NamedTuple
from urllib.parse import parse_qsl

from grids import routes
from grids.caching.keys import grid_cache_name, response_part
from grids.caching.responses import claim_listing_rebuild, load_cached_response
from grids.ids import is_well_formed_id


class CachedRoute(NamedTuple):
    route_name: str  # for the request log
    part: str  # the response kept for it; a listing's name
    secret: bool  # a secret grid's route
    public_id: str | None  # None for a listing

    @property
    def grid_name(self) -> str | None:
        """The grid's name in the cache (grid_cache_name()); None for a listing."""
        if self.public_id is None:
            return None
        return grid_cache_name(self.public_id, secret=self.secret)


# The routes whose response is cached whole, by the path before the grid's id: the route's name
# (for the request log), the response kept for it, and whether it is a secret grid's route.
# tests/caching/test_cached_responses.py checks each against the URLconf.
CACHED_RESPONSE_ROUTES = {
    "/": ("grids:page", "page", False),
    "/" + routes.SECRET_PAGE: ("grids:secret-page", "page", True),
    "/" + routes.GET: ("api:get", "get", False),
    "/" + routes.GET_SECRET: ("api:get-secret", "get", True),
    "/" + routes.API_GRIDS + "/": ("api:grid-detail", "get", False),
    "/" + routes.API_SECRET_GRIDS: ("api:secret-grid-detail", "get", True),
}
# A grid's pictures, by the path before its id and the path after it (/<id>.png,
# /secret/<id>/card.png); longer endings first, since /<id>/card.png also ends in ".png".
CACHED_PICTURE_ROUTES = {
    (prefix, ending): (f"grids:{secret_name}{name}", part, secret)
    for prefix, secret_name, secret in (
        ("/", "", False),
        ("/" + routes.SECRET_PAGE, "secret-", True),
    )
    for ending, name, part in (
        ("/thumbnail.png", "thumbnail", "thumbnail-png"),
        ("/card.png", "card", "card-png"),
        (".png", "png", "png"),
        (".svg", "svg", "svg"),
    )
}
# The pages that list grids (grids/caching/keys.py, LISTING_NAMES), by path. Only their first
# page: ?before= asks for a later one of the gallery, built for each request.
CACHED_LISTING_ROUTES = {
    "/": ("grids:home", "home"),
    "/gallery": ("grids:gallery", "gallery"),
    "/gallery/featured": ("grids:featured", "featured"),
}
PICTURE_ENDINGS = tuple(dict.fromkeys(ending for _, ending in CACHED_PICTURE_ROUTES))
# DRF's views say which methods their route takes; the API's cached responses say the same.
ALLOW_BY_PART = {"get": "GET, HEAD, OPTIONS"}


class CachedResponseMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        route = cached_response_route(
            request.method, request.path_info, request.META.get("QUERY_STRING", "")
        )
        if route is not None:
            route_name, part, secret, _ = route
            request.get_host()  # ALLOWED_HOSTS, as CommonMiddleware would check it
            cached = load_cached_response(route.grid_name, response_part(part, secret=secret))
            # A stale listing: the request that claims it builds it again, in its view.
            if cached is not None and not (cached.stale and claim_listing_rebuild(part)):
                request.route_name = route_name
                response = cached.response(request, secret=secret)
                if part in ALLOW_BY_PART:
                    response["Allow"] = ALLOW_BY_PART[part]
                return response
        return self.get_response(request)


def cached_response_route(method: str, path_info: str, query_string: str = ""):
    """The CachedRoute of a request that may have a cached response, else None."""
    if method not in ("GET", "HEAD"):
        return None
    listing = CACHED_LISTING_ROUTES.get(path_info)
    if listing is not None:
        if any(name == "before" for name, _ in parse_qsl(query_string, keep_blank_values=True)):
            return None
        return CachedRoute(*listing, secret=False, public_id=None)
    if path_info.endswith(PICTURE_ENDINGS):
        return _cached_picture_route(path_info)
    prefix, _, public_id = path_info.rpartition("/")
    route = CACHED_RESPONSE_ROUTES.get(prefix + "/")
    if route is None or not is_well_formed_id(public_id):
        return None
    return CachedRoute(*route, public_id)


def _cached_picture_route(path_info: str):
    for ending in PICTURE_ENDINGS:
        if path_info.endswith(ending):
            prefix, _, public_id = path_info.removesuffix(ending).rpartition("/")
            route = CACHED_PICTURE_ROUTES.get((prefix + "/", ending))
            if route is not None and is_well_formed_id(public_id):
                return CachedRoute(*route, public_id)
    return None
