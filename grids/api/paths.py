"""Which requests are the API's: the paths the ipythonblocks client and scripts call.

They read JSON, so their 404s and 503s are JSON too (grids/api/views.py, grids/unavailable.py),
even for a path that matches no route at all (an id with a slash in it, say). Nobody signs in to
call them, so they skip the middleware of signed-in people (grids/browser_middleware.py); the
API's schema and its Swagger UI page, /api/schema and /api/docs, are as anonymous.
"""

# /post, /get/<id>, /get/secret/<id> (CONTRACT.md) and /api/... (grids/api/urls.py).
API_PATHS_UNDER = ("/post/", "/get/", "/api/")


def is_api_path(path_info: str) -> bool:
    """/post itself, or any path under the API's. Not every path that begins with "/post": a
    grid's page is /<id>, and a hashid may begin with those letters.

    path_info, not path: a site served under a prefix (SCRIPT_NAME) has the same routes.
    """
    return path_info == "/post" or path_info.startswith(API_PATHS_UNDER)
