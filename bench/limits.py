"""The two limits the site's throughput is held against (issue 6), as WSGI apps for gunicorn.

Both answer /const/<n> (add ?json for application/json) with n bytes of "x", after reading
any request body, under the same gunicorn configuration as the site:

- server_app: bare WSGI, no framework at all: the most gunicorn can do with that many bytes.
  `gunicorn bench.limits:server_app`
- framework_app(): Django through the site's own settings and MIDDLEWARE, one constant view
  (bench/urls.py): the most any Django view could do. `gunicorn 'bench.limits:framework_app()'`
  It also serves /store/<n>, the store limit for posts: the same answer after inserting the
  posted grid's row (bench/urls.py).
"""

import os

from grids import routes

# Where the framework's limits also answer, for the API's endpoints (bench/urls.py).
API_LIMITS_PREFIX = routes.API + "limits/"


def server_app(environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length:
        environ["wsgi.input"].read(length)
    size = int(environ["PATH_INFO"].rsplit("/", 1)[-1])
    json = "json" in environ.get("QUERY_STRING", "")
    content_type = "application/json" if json else "text/html; charset=utf-8"
    start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(size))])
    return [b"x" * size]


def framework_app():
    # A factory, so the bare server's workers never import Django.
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()
