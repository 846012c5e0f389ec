"""One JSON line per request on stdout, under a request id, and never a secret grid's id."""

import io
import json
import logging
import os
import re

import pytest

from grids.models import Grid
from ipbsite.http.request_log import request_id_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_output():
    """What the configured stdout handler (settings.LOGGING) writes, formatter and all."""
    (handler,) = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    captured = io.StringIO()
    original = handler.setStream(captured)
    yield captured
    handler.setStream(original)


def log_lines(log_output) -> list[dict]:
    return [json.loads(line) for line in log_output.getvalue().splitlines()]


def request_lines(log_output) -> list[dict]:
    return [line for line in log_lines(log_output) if line["name"] == "ipbsite.http.request_log"]


def test_secret_page_request_is_logged_as_json_without_its_id(client, make_grid, log_output):
    grid = make_grid(secret=True)

    response = client.get(f"/secret/{grid.public_id}")

    assert response.status_code == 200
    assert grid.public_id not in log_output.getvalue()
    (line,) = request_lines(log_output)
    assert line["method"] == "GET"
    assert line["path"] == "/secret/<secret>"
    assert line["route"] == "grids:secret-page"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float)
    assert line["request_id"] == response["X-Request-ID"]
    assert line["level"] == "INFO"
    assert "time" in line


@pytest.mark.parametrize(
    ("path", "hidden"),
    [
        ("/secret/{id}", True),  # 410 Gone, which Django also logs: "Gone: /secret/..."
        ("/get/secret/{id}", False),
        ("/api/secret-grids/{id}", False),
        ("/secret/{id}/report", False),
        ("/secret/{id}x/nothing/here", False),  # a mistyped id is as secret as the real one
        # A student calling from_web(id) without secret=True, or pasting the id.
        ("/get/{id}", False),
        ("/{id}", False),
        ("/api/grids/{id}", False),
        ("/{id}/report", False),
        # Case variants and doubled slashes, which no route answers.
        ("/SECRET/{id}", False),
        ("/Get/Secret/{id}", False),
        ("//secret//{id}", False),
        ("/get//secret/{id}", False),
        ("/secret/{id}/", False),
    ],
)
def test_no_line_about_a_secret_grid_holds_its_id(client, make_grid, log_output, path, hidden):
    grid = make_grid(secret=True)
    if hidden:
        Grid.objects.filter(pk=grid.pk).hide(reason="Rude words")

    client.get(path.format(id=grid.public_id))

    assert request_lines(log_output)  # the request was logged...
    assert grid.public_id.lower() not in log_output.getvalue().lower()  # ...without the id


@pytest.mark.parametrize("path", ["/get/{id}", "/{id}", "/get/{id}/", "/GET/{id}"])
def test_an_id_that_names_no_public_grid_is_never_logged_as_sent(client, log_output, path):
    client.get(path.format(id="Nope42x"))

    (line,) = request_lines(log_output)
    assert line["status"] == 404
    assert "nope42x" not in log_output.getvalue().lower()
    assert line["path"] == path.format(id="<id>")


def test_a_public_grid_answered_is_logged_with_its_path(client, make_grid, log_output):
    grid = make_grid()

    client.get(f"/{grid.public_id}")
    client.get(f"/get/{grid.public_id}")

    assert [line["path"] for line in request_lines(log_output)] == [
        f"/{grid.public_id}",
        f"/get/{grid.public_id}",
    ]


def test_a_missing_static_file_is_logged_with_its_name(client, log_output):
    client.get("/static/css/no-such-file.css")

    (line,) = request_lines(log_output)
    assert line["path"] == "/static/css/no-such-file.css"


def test_lines_outside_any_request_have_what_follows_a_grid_route_masked(log_output):
    # gunicorn's own lines, as "Invalid request from ..." quoting the request line.
    logging.getLogger("gunicorn.error").warning(
        "Invalid request: 'GET /get/Abc123 HTTP/1.1' '/GET//SECRET/Xyz789' /api/grids/Qrs456"
    )

    message = log_lines(log_output)[-1]["message"]
    assert not {"Abc123", "Xyz789", "Qrs456"} & set(re.findall(r"\w+", message))


def test_every_line_of_a_request_carries_its_request_id(client, log_output):
    response = client.get("/no-such-page/at/all")

    assert response.status_code == 404
    lines = log_lines(log_output)
    assert {line["name"] for line in lines} >= {"django.request", "ipbsite.http.request_log"}
    assert {line["request_id"] for line in lines} == {response["X-Request-ID"]}


def test_a_safe_incoming_request_id_is_kept(client, log_output):
    response = client.get("/about", HTTP_X_REQUEST_ID="lb-7f3a.91_c")

    assert response["X-Request-ID"] == "lb-7f3a.91_c"
    assert request_lines(log_output)[0]["request_id"] == "lb-7f3a.91_c"


@pytest.mark.parametrize(
    "incoming", ["x" * 65, 'a" "forged": "field', "two words", "line\nbreak", ""]
)
def test_an_unsafe_incoming_request_id_is_replaced(client, log_output, incoming):
    response = client.get("/about", HTTP_X_REQUEST_ID=incoming)

    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32
    assert request_lines(log_output)[0]["request_id"] == response["X-Request-ID"]


def test_requests_get_different_ids(client):
    assert client.get("/about")["X-Request-ID"] != client.get("/about")["X-Request-ID"]


def test_forked_workers_make_different_request_ids():
    # gunicorn forks its workers from one process; ids come from the random module.
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:
        os.write(write_end, request_id_for({}).encode())
        os._exit(0)
    os.waitpid(child, 0)
    childs_id = os.read(read_end, 64).decode()
    os.close(read_end)
    os.close(write_end)

    assert len(childs_id) == 32
    assert childs_id != request_id_for({})


@pytest.mark.django_db
def test_each_moderation_action_logs_one_line_naming_no_secret_id(make_grid, caplog):
    secret = make_grid(secret=True)
    caplog.set_level(logging.INFO, logger="grids.models")

    Grid.objects.filter(pk=secret.pk).hide(by=None, reason="Rude words")
    Grid.objects.filter(pk=secret.pk).unhide()
    Grid.objects.filter(pk=secret.pk).delete()

    lines = [record for record in caplog.records if record.name == "grids.models"]
    assert [line.action for line in lines] == ["hide", "unhide", "delete"]
    assert all(line.grid_pks == [secret.pk] for line in lines)
    assert lines[0].by == "the site"
    assert lines[0].reason == "Rude words"
    assert all(secret.public_id not in line.getMessage() for line in lines)


def test_log_records_skip_looking_up_their_caller(caplog):
    # SiteConfig.ready() turns off what no line shows, through logging's private _srcfile: a
    # Python that renamed it would make every log line slower without failing anything else.
    with caplog.at_level(logging.INFO, logger="grids"):
        logging.getLogger("grids").info("a line")

    (record,) = caplog.records
    assert (record.funcName, record.lineno) == ("(unknown function)", 0)
    assert record.thread is None
    assert record.process is None


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/c/{code}/post"),
        ("get", "/c/{code}/"),
        ("get", "/c/{code}/cards"),
        ("get", "/C/{code}/nothing/here"),
        ("post", "/c/{code}x/post"),  # a mistyped code is as secret as the real one
    ],
)
def test_no_line_about_a_class_holds_its_code(client, log_output, method, path):
    from tests.factories import make_class, post_payload

    school_class = make_class(public=True)

    path = path.format(code=school_class.code)
    if method == "post":
        client.post(path, post_payload(), "application/json")
    else:
        client.get(path)

    assert request_lines(log_output)
    assert school_class.code not in log_output.getvalue().lower()
