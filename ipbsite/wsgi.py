"""WSGI entry point for gunicorn: `gunicorn ipbsite.wsgi` (see README, Production)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipbsite.settings")

application = get_wsgi_application()
