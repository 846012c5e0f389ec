"""The production front as shipped: Debian's nginx running deploy/nginx.conf in front of gunicorn.

The file is run as an operator installs it, with only its ports, certificate paths and upstream
address changed, and a certificate made for the test. The client's routes answer plain HTTP,
pages move to HTTPS, and connections that stall mid-body wait in nginx while everyone else is
answered; the same connections sent to gunicorn on its own leave it answering nobody.
"""

import json
import os
import pwd
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import ipythonblocks.ipythonblocks as ipb
import pytest
import requests
from django.conf import settings
from ipythonblocks import BlockGrid

from grids.models import Grid
from tests.factories import make_class, post_payload
from tests.needs import missing_service
from tests.processes.gunicorn import SiteProcess, site_environment, start_gunicorn
from tests.processes.services import free_port, stop_process

SHIPPED_FILE = Path(settings.BASE_DIR) / "deploy" / "nginx.conf"
SLOW_CLIENTS = 20
SLOW_BODY_BYTES = 100_000
SLOW_FIRST_BYTES = 10
# Another visitor is answered in milliseconds; this much allows for a loaded machine.
ANSWER_MARGIN_SECONDS = 10
# Long enough that an idle gunicorn answers, short enough to keep the stalled case quick.
STALL_PROBE_SECONDS = 3
API_POSTS = ("/post", "/api/grids")
PAGES = ("/", "/about", "/admin/", "/random", "/static/")


@dataclass
class Front:
    http_url: str
    https_url: str
    http_port: int
    certificate: Path
    site: SiteProcess

    def https(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", ANSWER_MARGIN_SECONDS)
        return requests.request(
            method, f"{self.https_url}{path}", verify=self.certificate, **kwargs
        )


def installed(program: str) -> str:
    # Debian puts nginx in /usr/sbin, which is not on every user's PATH.
    found = shutil.which(program, path=f"{os.environ.get('PATH', '')}:/usr/sbin")
    if not found:
        missing_service(f"{program} is not installed (Debian's {program})")
    return found


def make_certificate(directory: Path) -> tuple[Path, Path]:
    certificate, key = directory / "localhost.pem", directory / "localhost.key"
    subprocess.run(
        [installed("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes"]
        + ["-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-days", "1"]
        + ["-keyout", str(key), "-out", str(certificate)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return certificate, key


def substituted(text: str, replacements: dict[str, str]) -> str:
    """The shipped text with each of these lines changed; a line the file no longer holds fails
    the test, so the file cannot drift from what is tested here."""
    for shipped, ours in replacements.items():
        assert text.count(shipped) == 1, f"deploy/nginx.conf no longer holds {shipped!r} once"
        text = text.replace(shipped, ours)
    return text


def nginx_main_config(directory: Path, site_file: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf provides around a site file, in the test's directory.
    Started as root, nginx's workers would otherwise run as nobody, who cannot write the request
    bodies they buffer there."""
    user = pwd.getpwuid(os.geteuid()).pw_name
    temp_paths = "\n".join(
        f"    {kind}_temp_path {directory / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""
daemon off;
user {user};
worker_processes 1;
pid {directory / "nginx.pid"};
error_log {directory / "error.log"};
events {{ worker_connections 256; }}
http {{
    access_log off;
{temp_paths}
    include {site_file};
}}
"""


class Nginx:
    def __init__(self, directory: Path, http_port: int, https_port: int):
        self.error_log = directory / "error.log"
        config = directory / "nginx.conf"
        command = [installed("nginx"), "-p", str(directory), "-c", str(config)]
        command += ["-e", str(self.error_log)]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        while not all(self.listening(port) for port in (http_port, https_port)):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"nginx did not start: {self.error_log.read_text()[-2000:]}")
            time.sleep(0.1)

    @staticmethod
    def listening(port: int) -> bool:
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0

    def stop(self) -> None:
        stop_process(self.process)


@pytest.fixture
def start_front(shared_database, tmp_path) -> Iterator[Callable[..., Front]]:
    """Starts gunicorn (one worker, two threads: few, as in production) behind nginx; keyword
    arguments become more of the site's environment variables."""
    installed("nginx")
    certificate, key = make_certificate(tmp_path)
    running: list[SiteProcess | Nginx] = []

    def start(**site_settings: str) -> Front:
        env = {**site_environment(), "IPB_TRUSTED_PROXY_COUNT": "1", **site_settings}
        site = start_gunicorn(extra_args=("--threads", "2"), env=env)
        running.append(site)
        http_port, https_port = free_port(), free_port()
        site_file = tmp_path / "ipythonblocks.conf"
        # The shipped file listens on IPv6 as well; a container may have no IPv6 loopback.
        replacements = {
            "listen 80;": f"listen 127.0.0.1:{http_port};",
            "listen [::]:80;": "",
            "listen 443 ssl;": f"listen 127.0.0.1:{https_port} ssl;",
            "listen [::]:443 ssl;": "",
            "/etc/ssl/certs/ipythonblocks.pem": str(certificate),
            "/etc/ssl/private/ipythonblocks.key": str(key),
            "server 127.0.0.1:8000;": f"server {site.url.removeprefix('http://')};",
        }
        site_file.write_text(substituted(SHIPPED_FILE.read_text(), replacements))
        (tmp_path / "nginx.conf").write_text(nginx_main_config(tmp_path, site_file))
        running.append(Nginx(tmp_path, http_port, https_port))
        return Front(
            http_url=f"http://localhost:{http_port}",
            https_url=f"https://localhost:{https_port}",
            http_port=http_port,
            certificate=certificate,
            site=site,
        )

    yield start
    for process in reversed(running):
        process.stop()


@pytest.fixture
def front(start_front) -> Front:
    return start_front()


class SlowPosts:
    """Connections that send a post's headers and the first bytes of its body, then a byte a
    second, as a student on a failing link does, or someone stalling the site on purpose. The
    trickle keeps them inside any read timeout for as long as the test needs."""

    def __init__(self, port: int, count: int = SLOW_CLIENTS):
        self.port, self.count = port, count
        payload = json.dumps(post_payload()).encode()
        self.body = payload.ljust(SLOW_BODY_BYTES)  # JSON allows trailing whitespace
        self.sockets: list[socket.socket] = []
        self.sent = SLOW_FIRST_BYTES
        self._stop = threading.Event()
        self._trickle = threading.Thread(target=self._send_a_byte_a_second, daemon=True)

    def __enter__(self) -> "SlowPosts":
        head = (
            f"POST /post HTTP/1.1\r\nHost: localhost\r\n"
            f"Content-Length: {len(self.body)}\r\nConnection: close\r\n\r\n"
        ).encode()
        for _ in range(self.count):
            connection = socket.create_connection(("127.0.0.1", self.port), timeout=30)
            connection.sendall(head + self.body[: self.sent])
            self.sockets.append(connection)
        self._trickle.start()
        time.sleep(1)  # for nginx, or gunicorn's threads, to take them all up
        return self

    def _send_a_byte_a_second(self) -> None:
        while not self._stop.wait(1):
            for connection in self.sockets:
                connection.sendall(self.body[self.sent : self.sent + 1])
            self.sent += 1

    def finish(self) -> list[int]:
        """Send the rest of every body; the status each post is answered with."""
        self._stop.set()
        self._trickle.join()
        statuses = []
        for connection in self.sockets:
            connection.sendall(self.body[self.sent :])
            status_line = connection.makefile("rb").readline()
            statuses.append(int(status_line.split()[1]))
        return statuses

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._trickle.join()
        for connection in self.sockets:
            connection.close()


def timed(send: Callable[[], requests.Response]) -> tuple[requests.Response, float]:
    started = time.monotonic()
    response = send()
    return response, time.monotonic() - started


def test_the_client_posts_and_fetches_over_plain_http(front, monkeypatch):
    monkeypatch.setattr(ipb, "_POST_URL", f"{front.http_url}/post")
    monkeypatch.setattr(ipb, "_GET_URL_PUBLIC", f"{front.http_url}/get/{{0}}")
    grid = BlockGrid(4, 3, fill=(123, 234, 123))

    url = grid.post_to_web()
    again = BlockGrid.from_web(url.rsplit("/", 1)[-1])

    # No port: the shipped file passes $host, which holds none (production uses 80 and 443).
    assert url.startswith("http://localhost/")
    assert again == grid


def test_the_api_answers_plain_http_and_pages_move_to_https(front):
    def plain(method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(
            method, f"{front.http_url}{path}", allow_redirects=False, timeout=10, **kwargs
        )

    school_class = make_class(public=True)
    api_posts = (*API_POSTS, f"/c/{school_class.code}/post")
    pages_too = (*PAGES, f"/c/{school_class.code}/")

    posted = {path: plain("POST", path, data=json.dumps(post_payload())) for path in api_posts}
    health = plain("GET", "/healthz")
    pages = {path: plain("GET", path) for path in pages_too}

    assert {path: answer.status_code for path, answer in posted.items()} == {
        path: 200 for path in api_posts
    }
    grid_ids = [answer.json()["url"].rsplit("/", 1)[-1] for answer in posted.values()]
    assert Grid.objects.filter(public_id__in=grid_ids).count() == len(api_posts)
    assert Grid.objects.filter(school_class=school_class).count() == 1
    assert health.json() == {"status": "ok"}
    assert {path: (page.status_code, page.headers["Location"]) for path, page in pages.items()} == {
        path: (301, f"https://localhost{path}") for path in pages_too
    }


def test_over_https_pages_answer_and_posts_answer_https_urls(front):
    about = front.https("GET", "/about")
    url = front.https("POST", "/post", data=json.dumps(post_payload())).json()["url"]
    page = front.https("GET", url.removeprefix("https://localhost"))

    assert "About this site" in about.text
    assert url.startswith("https://localhost/")
    assert page.status_code == 200


def test_a_chunked_post_reaches_the_site_whole(front):
    """nginx reads a chunked body and passes it on with a Content-Length. Sent to gunicorn as
    it is, Django finds no Content-Length and reads no body."""
    payload = post_payload()
    encoded = json.dumps(payload).encode()

    response = front.https("POST", "/post", data=iter([encoded[:50], encoded[50:]]))
    fetched = front.https("GET", f"/get/{response.json()['url'].rsplit('/', 1)[-1]}")

    assert response.request.headers["Transfer-Encoding"] == "chunked"
    assert fetched.json()["blocks"] == payload["grid_data"]["blocks"]


def test_nginx_takes_a_body_as_large_as_the_site_does_and_no_larger(front):
    at_limit = json.dumps(post_payload()).encode().ljust(settings.IPB_MAX_BODY_BYTES)

    accepted = front.https("POST", "/post", data=at_limit)
    refused = front.https("POST", "/post", data=at_limit + b" ")

    assert accepted.status_code == 200
    assert refused.status_code == 413


def test_a_forged_forwarded_for_does_not_escape_the_post_limit(start_front):
    """The site counts the address that connected to nginx, whatever X-Forwarded-For the
    client sent: were the client's header passed through, each post would be a new visitor."""
    front = start_front(IPB_THROTTLE_POSTS="2/day")  # a day: no window ends mid-test

    statuses = [
        front.https(
            "POST",
            "/post",
            data=json.dumps(post_payload()),
            headers={"X-Forwarded-For": f"203.0.113.{number}"},
        ).status_code
        for number in range(3)
    ]

    assert statuses == [200, 200, 429]


def test_slow_clients_do_not_keep_others_waiting_behind_nginx(front):
    with SlowPosts(front.http_port) as slow_posts:
        answers = [timed(lambda: front.https("GET", "/about")) for _ in range(5)]
        answers.append(timed(lambda: front.https("POST", "/post", data=json.dumps(post_payload()))))
        slow_statuses = slow_posts.finish()

    seconds = [round(elapsed, 3) for _, elapsed in answers]
    print(f"{SLOW_CLIENTS} slow posts waiting in nginx; others answered in {seconds} s")
    assert [response.status_code for response, _ in answers] == [200] * 6
    assert max(seconds) < ANSWER_MARGIN_SECONDS
    # Every slow post was still open while the others were answered, and is stored once done.
    assert slow_statuses == [200] * SLOW_CLIENTS


def test_slow_clients_keep_gunicorn_on_its_own_from_answering(front):
    """Without nginx, the same connections hold every gunicorn thread: what the front is for."""
    about = f"{front.site.url}/about"
    with SlowPosts(int(front.site.url.rsplit(":", 1)[1])), pytest.raises(requests.Timeout):
        requests.get(about, timeout=STALL_PROBE_SECONDS)

    response, seconds = timed(lambda: requests.get(about, timeout=ANSWER_MARGIN_SECONDS))
    print(f"gunicorn alone: no answer in {STALL_PROBE_SECONDS} s; {seconds:.3f} s once freed")
    assert response.status_code == 200
