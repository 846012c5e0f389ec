"""A clean 503 while the database is unreachable (restarting, failing over), never a 500.

The site cannot answer without its database, but it can say so: the client and scripts get
JSON they can read, people get a page asking them to try again, and both get Retry-After.
Connections fail fast (settings.py: connect_timeout), so a request never hangs on a dead
database. Once it is back, a worker whose kept connection died answers one more request with
this 503 and reconnects for the next (DJANGO_CONN_HEALTH_CHECKS=true spares that request, for a
round trip on every request that uses the database).
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.shortcuts import render

from grids.routes import is_api_path

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error("Database unavailable: %s", exception)
        if is_api_path(request.path_info):
            response = JsonResponse(
                {"detail": "The site cannot reach its database right now. Try again shortly."},
                status=503,
            )
        else:
            response = render(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
