"""/healthz and /readyz, for a load balancer or an orchestrator (docs/operating.md, Health checks).

/healthz says the process answers and touches nothing else, so a database outage never gets
every worker restarted. /readyz says whether this worker can serve: the database must answer.
It reports the cache too but stays ready without it, since the site serves from the database
when memcached is down.
"""

import logging
import uuid

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse

logger = logging.getLogger(__name__)


def healthz(request) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def readyz(request) -> JsonResponse:
    database = database_state()
    body = {
        "status": "ok" if database == "ok" else "unavailable",
        "database": database,
        "cache": cache_state(),
    }
    return JsonResponse(body, status=200 if database == "ok" else 503)


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("Readiness: the database does not answer.", exc_info=True)
        return "down"
    return "ok"


def cache_state() -> str:
    """Write a value and read it back: the memcached client ignores errors (settings.py), so a
    dead server shows only as a value that does not come back."""
    key = f"readyz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "here", timeout=10)
        answered = cache.get(key) == "here"
        cache.delete(key)
    except Exception:  # any backend's failure means the same thing here: no cache
        answered = False
    return "ok" if answered else "down"


HEALTH_VIEWS = {"/healthz": healthz, "/readyz": readyz}


class HealthCheckMiddleware:
    """Answers the two probes ahead of every other middleware.

    Load balancers probe by IP address (Host: 10.0.0.5), which ALLOWED_HOSTS refuses with 400,
    and over plain HTTP, which DJANGO_SECURE_SSL_REDIRECT would answer with 301. Probes come
    every few seconds, so they also stay out of the request log.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = HEALTH_VIEWS.get(request.path_info)
        if view is not None and request.method in ("GET", "HEAD"):
            return view(request)
        return self.get_response(request)
