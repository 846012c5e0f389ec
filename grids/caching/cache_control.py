"""How browsers and shared caches (a school's proxy, a CDN) may keep a grid's page or JSON.

A grid never changes, but a teacher may hide it at any moment, and a cache outside the site
cannot be told. So browsers revalidate every time (cheap: ConditionalGetMiddleware answers 304
with no body while nothing changed, and 404 or 410 once the grid is hidden), and shared caches
may keep a public grid's copy for IPB_SHARED_CACHE_MAX_AGE seconds at most. Secret grids are
kept out of shared caches altogether.
"""

from django.conf import settings
from django.utils.cache import patch_cache_control


def allow_revalidated_caching(response, *, secret: bool):
    if secret:
        patch_cache_control(response, private=True, max_age=0, must_revalidate=True)
    else:
        patch_cache_control(
            response,
            public=True,
            max_age=0,
            must_revalidate=True,
            s_maxage=settings.IPB_SHARED_CACHE_MAX_AGE,
        )
    return response
