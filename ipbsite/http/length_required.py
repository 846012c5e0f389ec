"""A request body sent in chunks is refused with 411 Length Required, saying what to do.

Django reads a body by its Content-Length, and a body sent with `Transfer-Encoding: chunked`
has none: gunicorn hands it over, and Django read it as empty, so a posted grid was answered
"field missing". No client of the site sends one (the ipythonblocks client and browsers send a
length); nginx in front (deploy/nginx.conf) buffers such a body and passes it on with a length.
"""

from django.http import HttpResponse, JsonResponse

from grids.routes import is_api_path

ADVICE = (
    "Send the request body with a Content-Length header: "
    "bodies sent in chunks (Transfer-Encoding: chunked) are not read."
)


class LengthRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            if is_api_path(request.path_info):
                return JsonResponse({"detail": ADVICE}, status=411)
            return HttpResponse(ADVICE, status=411, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
