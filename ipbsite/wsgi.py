"""WSGI entry point for gunicorn: `gunicorn ipbsite.wsgi` (see README, Production)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipbsite.settings")

django_application = get_wsgi_application()

from grids.answer_replay import ReplayCachedAnswers  # noqa: E402 (needs Django set up)

# Warm grid pages and /get answers are sent again in front of Django (grids/answer_replay.py).
application = ReplayCachedAnswers(django_application)


def load_what_first_requests_would_wait_for() -> None:
    """Compile the public pages' templates and Pygments' lexer now, as a worker starts.

    Otherwise a worker's first grid page waits about 170 ms for the template engine and its
    first code cell about 35 ms for the lexer's regular expressions: after every deploy and
    restart, the first students to open a grid would wait for them (bench/README.md).
    """
    from django.template.loader import get_template

    from grids.rendering.code import highlight_code_cells

    for name in ("grids/grid_detail.html", "grids/home.html", "404.html"):
        get_template(name)
    highlight_code_cells(["for block in grid:\n    block.red = 255  # warm-up"])


load_what_first_requests_would_wait_for()

# Everything loaded so far (Django, the apps, the URLconf, the templates) lives as long as the
# process: freezing keeps it out of the garbage collector's full passes, which otherwise scan it
# all whenever enough new objects pile up, as decoding a big grid's 12,500 blocks does. Measured
# inside the site's process: that decode took 76 ms at worst, 3 ms frozen.
#
# The collector's thresholds stay Python's own. Collecting every 50,000 new containers instead
# of 700 saved a cold 125x100 page 1.2 ms, but responses left in reference cycles then waited
# for it with their bodies: worker RSS rose from 90 MB to 122 under the bench, and p99 to 5.8x
# p50 (bench/RESULTS.md).
gc.freeze()
