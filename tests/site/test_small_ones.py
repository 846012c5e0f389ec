"""Small things an operator or a teacher meets on the first day (issue 22)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings


@pytest.mark.django_db
def test_admin_without_its_slash_redirects_to_the_admin(client):
    response = client.get("/admin")

    assert response.status_code == 301
    assert response["Location"] == "/admin/"


def run_in_production(command: list[str], static_root) -> subprocess.CompletedProcess:
    """A Python command in the checkout, as production runs it: DEBUG off, its own secrets,
    static files collected (or not) in static_root."""
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "test-only-secret",
        "HASHIDS_SALT": "test-only-salt",
        "IPB_SITE_URL": "https://blocks.school.example",
        "DJANGO_STATIC_ROOT": str(static_root),
    }
    return subprocess.run(
        [sys.executable, *command],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def load_the_wsgi_application(static_root) -> subprocess.CompletedProcess:
    return run_in_production(["-c", "import ipbsite.wsgi"], static_root)


def test_the_site_refuses_to_start_without_collected_static_files(tmp_path):
    loaded = load_the_wsgi_application(tmp_path)

    assert loaded.returncode != 0
    assert "run `python manage.py collectstatic --no-input`" in loaded.stderr


def test_the_site_starts_with_collected_static_files():
    loaded = load_the_wsgi_application(settings.STATIC_ROOT)

    assert loaded.returncode == 0, loaded.stderr[-2000:]


def test_management_commands_run_without_collected_static_files(tmp_path):
    checked = run_in_production(["manage.py", "check"], tmp_path)

    assert checked.returncode == 0, checked.stderr[-2000:]
