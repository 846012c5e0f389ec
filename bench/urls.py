"""/const/<n>: n bytes of "x", through the site's middleware (bench/settings.py).

Add ?json for application/json (the API's type); otherwise text/html, as the pages.
"""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt


# The API is csrf-exempt too (DRF's views are), so POST /post and its limit pay the same.
@csrf_exempt
def constant_body(request, size):
    request.body  # noqa: B018 (read the posted body, as the API's parser does)
    json = "json" in request.GET
    content_type = "application/json" if json else "text/html; charset=utf-8"
    return HttpResponse(b"x" * size, content_type=content_type)


urlpatterns = [path("const/<int:size>", constant_body)]
