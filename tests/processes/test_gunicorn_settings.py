"""gunicorn as gunicorn.conf.py sets it up (issue 22): its own lines are the site's JSON lines,
masked like the rest; it believes no proxy header, so the site's setting decides alone; and a
body sent in chunks is refused with 411 rather than read as empty."""

import json
import socket

import requests

from grids.models import Grid
from tests.factories import make_grid, post_payload
from tests.processes.gunicorn import site_environment, start_gunicorn

REQUEST_TIMEOUT = 10


def send_raw(site, data: bytes) -> bytes:
    host, port = site.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=REQUEST_TIMEOUT) as connection:
        connection.sendall(data)
        return connection.recv(65536)


def test_gunicorn_writes_json_lines_that_name_no_secret_grid(shared_database):
    secret = make_grid(secret=True)
    site = start_gunicorn()
    try:
        for _ in range(40):  # bad request lines, which gunicorn itself answers and logs
            answer = send_raw(
                site, f"GET /get//SECRET/{secret.public_id} HTTP/1.1 x\r\n\r\n".encode()
            )
            assert answer.startswith(b"HTTP/1.1 400")
        for path in (
            f"/get/{secret.public_id}",
            f"/{secret.public_id}",
            f"/Secret/{secret.public_id}",
        ):
            assert requests.get(site.url + path, timeout=REQUEST_TIMEOUT).status_code == 404
    finally:
        site.stop()  # gunicorn logs the workers exiting, from inside them

    output = site.output()
    lines = output.splitlines()
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    messages = [record["message"] for record in records]
    assert sum("Invalid request from" in message for message in messages) == 40
    assert any("Worker exiting" in message for message in messages)
    assert secret.public_id.lower() not in output.lower()
    assert len(output) < 200 * len(lines)  # no tracebacks: a few hundred bytes a line


def test_gunicorn_believes_no_proxy_header_the_site_does_not(shared_database):
    env = {**site_environment(), "IPB_TRUSTED_PROXY_COUNT": "0"}
    site = start_gunicorn(env=env)
    try:
        posted = requests.post(
            f"{site.url}/post",
            data=json.dumps(post_payload()),
            headers={"X-Forwarded-Proto": "https", "X-Forwarded-Ssl": "on"},
            timeout=REQUEST_TIMEOUT,
        )
        grid = make_grid()
        page = requests.get(
            f"{site.url}/{grid.public_id}",
            headers={"SCRIPT_NAME": "/elsewhere", "X-Forwarded-Prefix": "/elsewhere"},
            timeout=REQUEST_TIMEOUT,
        )
        again = requests.get(f"{site.url}/{grid.public_id}", timeout=REQUEST_TIMEOUT)
    finally:
        site.stop()

    assert posted.status_code == 200
    assert posted.json()["url"].startswith(site.url + "/")
    assert page.status_code == again.status_code == 200
    assert "/elsewhere" not in page.text + again.text


def test_a_grid_posted_in_chunks_gets_411_and_nothing_is_stored(shared_database):
    site = start_gunicorn()
    body = json.dumps(post_payload()).encode()
    try:
        posted = requests.post(
            f"{site.url}/post",
            data=(body[at : at + 100] for at in range(0, len(body), 100)),  # sent in chunks
            timeout=REQUEST_TIMEOUT,
        )
    finally:
        site.stop()

    assert posted.request.headers["Transfer-Encoding"] == "chunked"
    assert posted.status_code == 411
    assert "Content-Length" in posted.json()["detail"]
    assert not Grid.objects.exists()
