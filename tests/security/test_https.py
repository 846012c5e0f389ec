"""An HTTPS deployment passes Django's deployment checks, and its redirect to HTTPS never
breaks the ipythonblocks client: `requests` follows a 301/302 on a POST with a GET, so the
client's routes are served over plain HTTP as they are (CONTRACT.md, The URLs)."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from grids.models import Grid
from tests.factories import post_payload

REPO = Path(__file__).resolve().parents[2]

# What docs/operating.md's Settings table asks of an HTTPS production site.
HTTPS_PRODUCTION = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "HASHIDS_SALT": secrets.token_urlsafe(16),
    "DJANGO_ALLOWED_HOSTS": "blocks.example.org",
    "IPB_SITE_URL": "https://blocks.example.org",
    "DJANGO_SECURE_SSL_REDIRECT": "true",
}

SHOW_SETTINGS = """
import json
from ipbsite import settings
names = ["SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
         "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"]
print(json.dumps({name: getattr(settings, name) for name in names}))
"""


def run_with_env(args: list[str], env: dict) -> subprocess.CompletedProcess:
    keep = {
        name: os.environ[name] for name in ("PATH", "HOME", "DATABASE_URL") if name in os.environ
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        env={**keep, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_https_production_passes_djangos_deployment_checks():
    checked = run_with_env(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], HTTPS_PRODUCTION
    )

    assert checked.returncode == 0, checked.stderr
    assert "no issues" in checked.stdout


def test_without_https_redirect_the_deployment_checks_complain():
    plain_http = {**HTTPS_PRODUCTION, "DJANGO_SECURE_SSL_REDIRECT": "false"}

    checked = run_with_env(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], plain_http
    )

    assert checked.returncode != 0
    assert "security.W008" in checked.stderr


def settings_with(env: dict) -> dict:
    shown = run_with_env(["-c", SHOW_SETTINGS], env)
    assert shown.returncode == 0, shown.stderr
    return json.loads(shown.stdout.splitlines()[-1])


def test_https_redirect_turns_on_hsts_and_secure_cookies():
    assert settings_with(HTTPS_PRODUCTION) == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
    }


def test_plain_http_site_keeps_cookies_that_work_over_http():
    plain_http = {key: value for key, value in HTTPS_PRODUCTION.items() if "SSL" not in key}

    shown = settings_with(plain_http)

    assert shown["SECURE_SSL_REDIRECT"] is False
    assert shown["SECURE_HSTS_SECONDS"] == 0
    assert shown["SESSION_COOKIE_SECURE"] is False
    assert shown["CSRF_COOKIE_SECURE"] is False


https_redirect = override_settings(SECURE_SSL_REDIRECT=True)


@pytest.mark.django_db
@https_redirect
def test_client_post_over_http_is_stored_not_redirected(client):
    response = client.generic("POST", "/post", json.dumps(post_payload()))

    assert response.status_code == 200
    grid = Grid.objects.get()
    assert response.json() == {"url": f"http://testserver/{grid.public_id}"}


@pytest.mark.django_db
@https_redirect
@pytest.mark.parametrize("path", ["/get/{public}", "/get/secret/{secret}", "/api/grids/{public}"])
def test_client_fetch_over_http_is_answered_not_redirected(client, make_grid, path):
    public, secret = make_grid(), make_grid(secret=True)

    response = client.get(path.format(public=public.public_id, secret=secret.public_id))

    assert response.status_code == 200
    assert response.json()["width"] == 3


@pytest.mark.django_db
@https_redirect
@pytest.mark.parametrize("path", ["/", "/about", "/admin/login/", "/{public}"])
def test_pages_over_http_are_redirected_to_https(client, make_grid, path):
    path = path.format(public=make_grid().public_id)

    response = client.get(path)

    assert response.status_code == 301
    assert response["Location"] == f"https://testserver{path}"


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000)
def test_pages_over_https_carry_hsts(client):
    response = client.get("/about", secure=True)

    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
