"""The framework's limit (bench/limits.py): the site's own settings and middleware, with a
URLconf of one constant view instead of the site's routes."""

from ipbsite.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
