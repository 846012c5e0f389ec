"""The site's handler404: JSON under the API's paths, the site's 404 page elsewhere.

The ipythonblocks client and scripts read JSON, even from a path no route matches (an id with
a slash in it, say); people read the page.
"""

from django.http import JsonResponse
from django.views import defaults

from grids.api.views import NOT_FOUND_DETAIL
from grids.routes import is_api_path


def page_not_found(request, exception):
    if is_api_path(request.path_info):
        return JsonResponse({"detail": NOT_FOUND_DETAIL}, status=404)
    return defaults.page_not_found(request, exception)
