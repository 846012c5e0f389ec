"""gunicorn's side of the site: where it listens, what it trusts, and how it logs.

gunicorn reads this file from the directory it starts in, the repository root, so the
production command is just `gunicorn ipbsite.wsgi` (docs/operating.md). Variables are in
docs/operating.md's Settings table with the site's.
"""

import logging
import os
import sys

from gunicorn import glogging

from ipbsite.http.request_log import JsonLogFormatter

# Behind nginx (deploy/nginx.conf), which buffers slow clients: gunicorn's few threads must
# never be held by a client sending slowly, so it listens only where nginx reaches it.
bind = os.environ.get("IPB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = 2
timeout = 30

# gunicorn believes X-Forwarded-Proto and a SCRIPT_NAME header from the addresses listed here,
# 127.0.0.1 by default, whatever IPB_TRUSTED_PROXY_COUNT says: a student on the server itself,
# or any client of a proxy that passes such headers on, could then change the scheme of the
# URLs the site answers with, or the prefix of every link in a cached page. The site's setting
# decides alone (ipbsite/settings.py), so gunicorn trusts no one.
forwarded_allow_ips = ""
forwarder_headers = ""
secure_scheme_headers = {}


class JsonLines(glogging.Logger):
    """gunicorn's own lines ("Booting worker", "Invalid request from ...") as the site's JSON
    lines on stdout, masked like the rest (ipbsite/http/request_log.py).

    gunicorn's own format needs each record's process id, which the site tells logging not to
    look up (SiteConfig.ready()): every line from a worker failed with a 67-line traceback.
    The access log stays off: the site writes one line per request itself.
    """

    def setup(self, cfg):
        super().setup(cfg)
        for handler in self.error_log.handlers:
            if isinstance(handler, logging.StreamHandler):
                handler.setStream(sys.stdout)
            handler.setFormatter(JsonLogFormatter())


logger_class = JsonLines
