"""/healthz and /readyz, as a load balancer calls them: by IP address, over plain HTTP."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from ipbsite.settings import memcached_cache

REPO = Path(__file__).resolve().parents[2]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_healthz_answers_ok_without_touching_the_database(client):
    # No database fixture: pytest-django fails any query this request would make.
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_answers_ok_when_the_database_and_cache_answer(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


@pytest.mark.django_db
def test_readyz_stays_ready_and_reports_the_cache_down(client):
    dead_cache = {"default": memcached_cache([f"127.0.0.1:{closed_port()}"])}

    with override_settings(CACHES=dead_cache):
        response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "down"}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_by_ip_address_over_http_are_answered(client, path):
    """A load balancer sends Host: <the worker's IP>, not a name in DJANGO_ALLOWED_HOSTS, and
    probes over plain HTTP even when the site redirects browsers to HTTPS."""
    with override_settings(SECURE_SSL_REDIRECT=True):
        probe = client.get(path, HTTP_HOST="10.1.2.3:8000")
        page = client.get("/about", HTTP_HOST="10.1.2.3:8000")

    assert probe.status_code == 200
    assert page.status_code == 400


def test_readyz_answers_503_json_when_the_database_is_down():
    """In a fresh process whose DATABASE_URL points at a port where nothing listens."""
    script = (
        "import django, json; django.setup();"
        "from django.test import Client; client = Client();"
        "ready, healthy = client.get('/readyz'), client.get('/healthz');"
        "print(json.dumps([ready.status_code, ready.json(), healthy.status_code]))"
    )
    keep = {name: os.environ[name] for name in ("PATH", "HOME") if name in os.environ}
    env = {
        **keep,
        "DJANGO_SETTINGS_MODULE": "ipbsite.settings",
        "DJANGO_SECRET_KEY": "k",
        "HASHIDS_SALT": "s",
        "IPB_SITE_URL": "https://blocks.school.example",
        "DATABASE_URL": f"postgres://ipb@127.0.0.1:{closed_port()}/ipb",
        "DJANGO_LOG_LEVEL": "CRITICAL",
    }

    ran = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert ran.returncode == 0, ran.stderr
    status, body, healthz_status = json.loads(ran.stdout.splitlines()[-1])
    assert status == 503
    assert body["status"] == "unavailable"
    assert body["database"] == "down"
    assert healthz_status == 200
