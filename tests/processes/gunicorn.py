"""The site as gunicorn runs it in production, started as a separate process for a test."""

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from django.conf import settings

from tests.factories import post_payload
from tests.processes.services import free_port, stop_process


@dataclass
class SiteProcess:
    url: str
    process: subprocess.Popen
    log: Path  # what gunicorn and the site wrote, stdout and stderr, until it stops
    final_output: str | None = None  # the log's text once it stopped, the file gone

    def output(self) -> str:
        if self.final_output is not None:
            return self.final_output
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        stop_process(self.process)
        self.final_output = self.output()
        self.log.unlink(missing_ok=True)


def site_environment() -> dict:
    """This test process's settings, as environment variables for another process."""
    database = settings.DATABASES["default"]
    url = (
        f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    return {
        **os.environ,
        "DATABASE_URL": url,
        "MEMCACHED_SERVERS": ",".join(settings.MEMCACHED_SERVERS),
        "DJANGO_STATIC_ROOT": str(settings.STATIC_ROOT),
        "DJANGO_DEBUG": "false",
        # Drills and load tests post far faster than any classroom, all from one address;
        # the post limit has tests of its own (tests/api/test_throttles.py).
        "IPB_THROTTLE_POSTS": "1000000/minute",
    }


def start_gunicorn(extra_args: tuple[str, ...] = (), env: dict | None = None) -> SiteProcess:
    port = free_port()
    log = Path(tempfile.mkstemp(prefix="ipb-gunicorn-", suffix=".log")[1])
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "ipbsite.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "4",
            "--timeout",
            "30",
            "--graceful-timeout",
            "5",
            *extra_args,
        ],
        cwd=settings.BASE_DIR,
        env=env or site_environment(),
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    site = SiteProcess(url=f"http://127.0.0.1:{port}", process=process, log=log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {site.output()[-2000:]}")
        try:
            # Plain HTTP whatever the settings say of HTTPS (grids/routes.py), and no page.
            requests.get(f"{site.url}/healthz", timeout=5)
            return site
        except requests.RequestException:
            time.sleep(0.2)
    site.stop()
    raise RuntimeError("gunicorn did not answer within 30 s")


def unique_grid_payload(number: int) -> dict:
    """A small grid whose blocks say which post it was, so a mix-up cannot go unnoticed."""
    blocks = [
        [
            [number % 256, (number // 256) % 256, (row * 4 + col) * 16, 1 + number % 7]
            for col in range(4)
        ]
        for row in range(3)
    ]
    return post_payload(grid_data={"width": 4, "height": 3, "blocks": blocks})
