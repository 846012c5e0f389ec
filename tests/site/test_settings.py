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
    "site_url": settings.IPB_SITE_URL,
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


# What the site needs to start with DEBUG off.
REQUIRED = {
    "DJANGO_SECRET_KEY": "k",
    "HASHIDS_SALT": "s",
    "IPB_SITE_URL": "https://blocks.school.example",
}


def settings_of(**env) -> dict:
    started = start_site(**env)
    assert started.returncode == 0, started.stderr
    line = next(line for line in started.stdout.splitlines() if line.startswith("SETTINGS="))
    return json.loads(line.removeprefix("SETTINGS="))


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "HASHIDS_SALT", "IPB_SITE_URL"])
def test_site_refuses_to_start_on_development_defaults_with_debug_off(missing):
    env = {name: value for name, value in REQUIRED.items() if name != missing}

    started = start_site(**env)

    assert started.returncode != 0
    assert f"{missing} is not set" in started.stderr


def test_debug_allows_the_development_secrets():
    assert start_site(DJANGO_DEBUG="true").returncode == 0


def test_debug_gives_the_development_servers_address():
    assert settings_of(DJANGO_DEBUG="true")["site_url"] == "http://127.0.0.1:8000"


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("https://blocks.school.example", "https://blocks.school.example"),
        ("https://blocks.school.example/", "https://blocks.school.example"),
        (" http://10.0.0.5:8080 ", "http://10.0.0.5:8080"),
        ("http://[2001:db8::1]:8000", "http://[2001:db8::1]:8000"),
    ],
)
def test_the_sites_address_is_kept_without_a_trailing_slash(given, kept):
    assert settings_of(**{**REQUIRED, "IPB_SITE_URL": given})["site_url"] == kept


@pytest.mark.parametrize(
    "given",
    [
        "blocks.school.example",
        "ftp://blocks.school.example",
        "https://",
        "https://blocks.school.example/blocks",
        "https://blocks.school.example/?a=1",
        "https://user@blocks.school.example",
        "https://blocks.school.example:port",
    ],
)
def test_a_site_address_that_is_not_a_host_stops_the_site_at_startup(given):
    started = start_site(**{**REQUIRED, "IPB_SITE_URL": given})

    assert started.returncode != 0
    assert "IPB_SITE_URL must be an http:// or https:// address" in started.stderr


def test_proxy_headers_are_ignored_unless_a_proxy_is_trusted():
    plain = settings_of(**REQUIRED)
    proxied = settings_of(IPB_TRUSTED_PROXY_COUNT="1", **REQUIRED)

    assert (plain["proxy_ssl"], plain["forwarded_host"]) == (None, False)
    assert proxied["proxy_ssl"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert proxied["forwarded_host"] is True


def test_memcached_servers_build_a_pymemcache_cache_with_lowercase_options():
    shown = settings_of(MEMCACHED_SERVERS="10.0.0.5:11211, 10.0.0.6:11211", **REQUIRED)

    cache = shown["cache"]
    assert cache["BACKEND"] == "ipbsite.memcached.PersistentPyMemcacheCache"
    assert cache["LOCATION"] == ["10.0.0.5:11211", "10.0.0.6:11211"]
    assert cache["OPTIONS"]["ignore_exc"] is True
    assert all(option == option.lower() for option in cache["OPTIONS"])


def test_defaults_are_sqlite_and_local_memory():
    shown = settings_of(**REQUIRED)

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
    assert settings_of(**REQUIRED)["health_checks"] is False
    assert settings_of(**REQUIRED, DJANGO_CONN_HEALTH_CHECKS="true")["health_checks"] is True
