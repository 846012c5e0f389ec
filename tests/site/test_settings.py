"""Settings come from the environment (docs/operating.md, Settings); these read them in a fresh
process each, the way gunicorn starts the site."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import post_payload

REPO = Path(__file__).resolve().parents[2]
SHOW_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
print("SETTINGS=" + json.dumps({
    "proxy_ssl": settings.SECURE_PROXY_SSL_HEADER,
    "forwarded_host": settings.USE_X_FORWARDED_HOST,
    "cache": settings.CACHES["default"],
    "database": settings.DATABASES["default"]["ENGINE"],
    "health_checks": settings.DATABASES["default"]["CONN_HEALTH_CHECKS"],
}, default=str))
"""


def start_site(**env) -> subprocess.CompletedProcess:
    keep = {name: os.environ[name] for name in ("PATH", "HOME") if name in os.environ}
    return subprocess.run(
        [sys.executable, "-c", SHOW_SETTINGS],
        cwd=REPO,
        env={**keep, "DJANGO_SETTINGS_MODULE": "ipbsite.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


SECRETS = {"DJANGO_SECRET_KEY": "k", "HASHIDS_SALT": "s"}


def settings_of(**env) -> dict:
    started = start_site(**env)
    assert started.returncode == 0, started.stderr
    line = next(line for line in started.stdout.splitlines() if line.startswith("SETTINGS="))
    return json.loads(line.removeprefix("SETTINGS="))


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "HASHIDS_SALT"])
def test_site_refuses_to_start_on_development_secrets_with_debug_off(missing):
    env = {name: value for name, value in SECRETS.items() if name != missing}

    started = start_site(**env)

    assert started.returncode != 0
    assert f"{missing} is not set" in started.stderr


def test_debug_allows_the_development_secrets():
    assert start_site(DJANGO_DEBUG="true").returncode == 0


def test_proxy_headers_are_ignored_unless_a_proxy_is_trusted():
    plain = settings_of(**SECRETS)
    proxied = settings_of(IPB_TRUSTED_PROXY_COUNT="1", **SECRETS)

    assert (plain["proxy_ssl"], plain["forwarded_host"]) == (None, False)
    assert proxied["proxy_ssl"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert proxied["forwarded_host"] is True


def test_memcached_servers_build_a_pymemcache_cache_with_lowercase_options():
    shown = settings_of(MEMCACHED_SERVERS="10.0.0.5:11211, 10.0.0.6:11211", **SECRETS)

    cache = shown["cache"]
    assert cache["BACKEND"] == "ipbsite.memcached.PersistentPyMemcacheCache"
    assert cache["LOCATION"] == ["10.0.0.5:11211", "10.0.0.6:11211"]
    assert cache["OPTIONS"]["ignore_exc"] is True
    assert all(option == option.lower() for option in cache["OPTIONS"])


def test_defaults_are_sqlite_and_local_memory():
    shown = settings_of(**SECRETS)

    assert shown["database"] == "django.db.backends.sqlite3"
    assert shown["cache"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


@pytest.mark.django_db
def test_post_behind_a_trusted_proxy_answers_the_url_the_student_reached(client, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.USE_X_FORWARDED_HOST = True
    settings.ALLOWED_HOSTS = ["blocks.school.example"]

    response = client.generic(
        "POST",
        "/post",
        json.dumps(post_payload()),
        content_type="",
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_X_FORWARDED_HOST="blocks.school.example",
    )

    assert response.json()["url"].startswith("https://blocks.school.example/")


def test_database_health_checks_are_off_unless_asked_for():
    assert settings_of(**SECRETS)["health_checks"] is False
    assert settings_of(**SECRETS, DJANGO_CONN_HEALTH_CHECKS="true")["health_checks"] is True
