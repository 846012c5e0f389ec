"""WSGI entry point for gunicorn: `gunicorn ipbsite.wsgi` (see docs/operating.md, Production)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

from ipbsite.memory import hand_freed_memory_back

# First, before anything large is allocated and freed (ipbsite/memory.py says why).
hand_freed_memory_back()

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipbsite.settings")

django_application = get_wsgi_application()


def refuse_to_serve_without_collected_static_files() -> None:
    """With DEBUG off, every page links its static files by the hashed names collectstatic
    writes in a manifest; without it each page answers 500. Say so once, at startup, instead.
    Here, not in settings: manage.py's commands (migrate, collectstatic itself) must run."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    manifest = settings.STATIC_ROOT / "staticfiles.json"
    if not settings.DEBUG and not manifest.exists():
        raise ImproperlyConfigured(
            f"Static files are not collected ({manifest} is missing): run "
            "`python manage.py collectstatic --no-input` before starting the site "
            "(docs/operating.md)."
        )


refuse_to_serve_without_collected_static_files()

from grids.caching.replay import ReplayCachedResponses  # noqa: E402 (needs Django set up)

# Warm grid pages and /get answers are sent again in front of Django (grids/caching/replay.py).
application = ReplayCachedResponses(django_application)


def load_what_first_requests_would_wait_for() -> None:
    """Compile the public pages' templates, Pygments' lexer and the colour names now, as a worker
    starts.

    Otherwise a worker's first grid page waits for the template engine and its first code cell
    for the lexer's regular expressions, a tenth of a second and more: after every deploy and
    restart, the first students to open a grid would wait for them (bench/RESULTS.md).
    """
    from django.template.loader import get_template

    from grids.rendering.code import highlight_code_cells
    from grids.rendering.description import colour_name

    for name in ("grids/grid_detail.html", "grids/home.html", "404.html"):
        get_template(name)
    highlight_code_cells(["for block in grid:\n    block.red = 255  # warm-up"])
    colour_name(0, 0, 0)  # its table of names, about 70 ms to build


load_what_first_requests_would_wait_for()

# Everything loaded so far (Django, the apps, the URLconf, the templates) lives as long as the
# process: freezing keeps it out of the garbage collector's full passes, which otherwise scan it
# all whenever enough new objects pile up, as decoding a big grid's 12,500 blocks does: that
# decode's worst case was many times its frozen time (bench/RESULTS.md).
#
# The collector's thresholds stay Python's own. Collecting far less often made a cold big page
# a little faster, but responses left in reference cycles then waited for it with their bodies:
# worker memory and the slowest requests grew by a third and more (bench/RESULTS.md).
gc.freeze()
