"""The API's anonymous requests skip sessions, users and messages; pages keep them
(ipbsite/http/browser_only.py). Through the site's own MIDDLEWARE, with this module's routes."""

import pytest
from django.core import checks
from django.http import JsonResponse
from django.urls import path

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def what_the_middleware_left(request, **route_kwargs):
    return JsonResponse(
        {
            "session": hasattr(request, "session"),
            "user": hasattr(request, "user"),
            "messages": hasattr(request, "_messages"),
        }
    )


# An API path (grids/routes.py) and page paths, all answered by the same view.
urlpatterns = [
    path("post", what_the_middleware_left),
    path("get/<str:public_id>", what_the_middleware_left),
    path("api/grids", what_the_middleware_left),
    path("<str:public_id>", what_the_middleware_left),
    path("<str:public_id>/report", what_the_middleware_left),
]

NOTHING = {"session": False, "user": False, "messages": False}
EVERYTHING = {"session": True, "user": True, "messages": True}


@pytest.mark.parametrize("path", ["/post", "/get/abc123", "/api/grids"])
def test_api_requests_get_no_session_user_or_messages(client, path):
    assert client.get(path).json() == NOTHING


@pytest.mark.parametrize("path", ["/abc123", "/abc123/report", "/postAb3", "/postAb3/report"])
def test_pages_get_the_session_the_user_and_messages(client, path):
    # /postAb3 is a grid's page, and its report form needs the visitor's session and CSRF.
    assert client.get(path).json() == EVERYTHING


def test_admin_still_finds_its_middleware_in_the_system_checks():
    missing_middleware = {"admin.E408", "admin.E409", "admin.E410"}

    problems = [message for message in checks.run_checks() if message.id in missing_middleware]

    assert problems == []
