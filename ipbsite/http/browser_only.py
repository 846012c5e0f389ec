"""Django's middleware for signed-in people, kept off the API's requests.

Sessions, the signed-in user and messages serve the admin and the report form. The API is
anonymous (settings.REST_FRAMEWORK: no authentication), yet every post and fetch went through
all three, a measurable share of a small post (bench/RESULTS.md), for work nothing in the API
reads. settings.MIDDLEWARE
lists the forms below, which let a request to an API path (grids/routes.py) through
untouched and are Django's own for every other request.

Two more serve only browsers but stay as shipped: each costs a request next to nothing, and a
system check looks for each by its own name. They are CsrfViewMiddleware (Django's deployment
check; DRF's views are exempt from it) and AxesMiddleware (the login lockout, django-axes).
"""

from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.contrib.sessions import middleware as sessions

from grids.routes import is_api_path


def skipped_by_the_api(middleware_class: type) -> type:
    """A subclass of `middleware_class` that passes the API's requests straight on. A
    subclass, so Django's checks that look for its middleware (the admin's) still find it."""

    class BrowserOnly(middleware_class):
        def __call__(self, request):
            if is_api_path(request.path_info):
                return self.get_response(request)
            return super().__call__(request)

    BrowserOnly.__name__ = BrowserOnly.__qualname__ = middleware_class.__name__
    BrowserOnly.__doc__ = f"{middleware_class.__qualname__}, for every path but the API's."
    return BrowserOnly


SessionMiddleware = skipped_by_the_api(sessions.SessionMiddleware)
AuthenticationMiddleware = skipped_by_the_api(auth.AuthenticationMiddleware)
MessageMiddleware = skipped_by_the_api(messages.MessageMiddleware)
