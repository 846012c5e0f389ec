"""WSGI entry point for gunicorn: `gunicorn ipbsite.wsgi` (see README, Production)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipbsite.settings")

application = get_wsgi_application()


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

# The garbage collector, tuned for a web worker:
# - Everything loaded so far (Django, the apps, the URLconf, the templates) lives as long as the
#   process: freezing keeps it out of the full passes, which otherwise scan it all whenever
#   enough new objects pile up. Measured inside the site's process: decoding the starry night's
#   blocks took 76 ms at worst, 3 ms frozen.
# - A pass every 50,000 new containers rather than every 700: a big grid decodes into 12,500
#   lists, which at 700 set off pass after pass, each rescanning the lists made before it, for
#   cycles decoded JSON cannot have. A cold 125x100 page: 16.8 ms median in process at 700,
#   15.6 at 50,000. Cyclic garbage, rare in a request, waits a little longer to be freed.
gc.freeze()
gc.set_threshold(50_000, 20, 10)
