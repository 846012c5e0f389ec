"""Every route prefix the site answers, written once.

The URLconfs build their routes from these, and so does everything else that must know a route
before Django resolves it: the HTTPS redirect's exemptions (ipbsite/settings.py), the request
log's masking of secret ids (ipbsite/http/request_log.py), the routes whose responses are
cached whole (grids/caching/middleware.py), the API's 404s and 503s (is_api_path) and the
bench. Renaming a route is one edit here; tests/test_routes.py fails if another module still
spells a prefix.

Plain strings, and no Django at import: ipbsite/settings.py reads them before Django is set
up. words_of_routes() reads the URLconf when first called.
"""

import functools

# What the ipythonblocks client calls (CONTRACT.md): fixed forever.
POST = "post"
GET = "get/"
GET_SECRET = "get/secret/"
# The same two actions under names a new client or a script would pick.
API = "api/"
API_GRIDS = "api/grids"
API_SECRET_GRIDS = "api/secret-grids/"
# A grid's page is /<id>; a secret grid's is under this.
SECRET_PAGE = "secret/"
# A grid alone, for other sites to frame (/embed/<id>, /embed/secret/<id>), and what tells
# them how (oEmbed).
EMBED = "embed/"
OEMBED = "oembed"
# A class (classes/): its wall is /c/<code>/, its post link /c/<code>/post, which the client
# calls as it calls /post.
CLASS = "c/"
CLASS_POST = "/post"

# Never redirect the client's API to HTTPS: `requests` follows a 301/302 on a POST with a GET,
# so an old notebook posting to http:// would lose its grid (CONTRACT.md, The URLs). Matched
# against the path without its leading slash, as SECURE_REDIRECT_EXEMPT reads it.
HTTPS_REDIRECT_EXEMPT = [
    rf"^{POST}$",
    rf"^{GET}",
    rf"^{API_GRIDS}",
    rf"^{API_SECRET_GRIDS}",
    rf"^{CLASS}[^/]+{CLASS_POST}$",
]

# A secret grid's id follows one of these in any path or URL (/get/secret/<id> ends in the
# first), so the request log masks what follows them; so is a class's code, the key to its
# post link and its wall.
SECRET_ID_FOLLOWS = ("/" + SECRET_PAGE, "/" + API_SECRET_GRIDS.removeprefix(API), "/" + CLASS)

# A grid's id follows one of these (or the site's root) in any path: lines that belong to no
# request have what follows them masked.
GRID_ID_FOLLOWS = (
    "/" + GET,
    "/" + SECRET_PAGE,
    "/" + API_GRIDS + "/",
    "/" + API_SECRET_GRIDS.removeprefix(API),
    "/" + CLASS,
)

# The API's paths: /post itself, and everything under these.
API_PATHS_UNDER = ("/" + POST + "/", "/" + GET, "/" + API)


def is_api_path(path_info: str) -> bool:
    """Whether a request is the API's: the ipythonblocks client and scripts read JSON, so their
    404s and 503s are JSON too, even for a path no route matches (an id with a slash in it).
    Nobody signs in to call them, so they skip the middleware of signed-in people
    (ipbsite/http/browser_only.py). The API's schema and Swagger UI are as anonymous.

    Not every path that begins with "/post": a grid's page is /<id>, and a hashid may begin
    with those letters. path_info, not path: a site served under a prefix has the same routes.
    """
    return (
        path_info == "/" + POST
        or path_info.startswith(API_PATHS_UNDER)
        or is_class_post_path(path_info)
    )


def is_class_post_path(path_info: str) -> bool:
    """/c/<code>/post: a class's post link, the API's like /post."""
    code = path_info.removeprefix("/" + CLASS).removesuffix(CLASS_POST)
    return path_info == f"/{CLASS}{code}{CLASS_POST}" and code != "" and "/" not in code


@functools.cache
def words_of_routes() -> frozenset[str]:
    """Every fixed part of the site's URL patterns ("get", "secret", "about", "admin", ...),
    lower-cased: what a logged path may show of a request no route answered
    (ipbsite/http/request_log.py), and what no grid's id may be (grids/ids.py)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    words = set()

    def collect(patterns):
        for pattern in patterns:
            route = str(pattern.pattern).lstrip("^").rstrip("$")
            words.update(
                part.lower() for part in route.split("/") if part and not set("<(?[\\") & set(part)
            )
            if isinstance(pattern, URLResolver):
                collect(pattern.url_patterns)
            elif not isinstance(pattern, URLPattern):
                raise TypeError(f"unexpected URL pattern {pattern!r}")

    collect(get_resolver().url_patterns)
    return frozenset(words)
