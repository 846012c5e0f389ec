"""No header value makes any route answer 500 (issue 22).

Every header the site reads, with values a careless proxy or a determined student sends, on
every kind of route: the client's API, the pages, the report form and the admin's login. The
site sits behind one trusted proxy here, so X-Forwarded-For is believed and must be parsed.
"""

import json

import pytest
from django.contrib.auth.models import User

from grids.throttling import client_address
from tests.factories import post_payload
from tests.headers import HEADERS_THE_SITE_READS

pytestmark = pytest.mark.django_db


HOSTILE_VALUES = [
    "203.0.113.9:50123",
    "[2001:db8::1]:443",
    "2001:db8::1",
    "198.51.100.7, 203.0.113.9:50123",
    "not an address",
    "x" * 300,
    "a b\tc",
    "",
    " , , ",
    "%00\\'\"<script>",
    # UTF-8 bytes as a WSGI server hands them over (PEP 3333: decoded as ISO-8859-1).
    "é∂ unicode".encode().decode("iso-8859-1"),
    "999.999.999.999",
    "unix:/run/socket",
]


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.USE_X_FORWARDED_HOST = True


def requests_of_every_kind(grid_id: str):
    """(method, path, data) for each kind of route the site answers."""
    return [
        ("post", "/post", json.dumps(post_payload())),
        ("post", "/api/grids", json.dumps(post_payload())),
        ("get", f"/get/{grid_id}", None),
        ("get", f"/api/grids/{grid_id}", None),
        ("get", f"/{grid_id}", None),
        ("get", f"/secret/{grid_id}", None),
        ("get", "/", None),
        ("get", "/about", None),
        ("post", f"/{grid_id}/report", {"reason": "hurtful", "details": "x"}),
        ("post", "/admin/login/", {"username": "teacher", "password": "wrong"}),
        ("get", "/healthz", None),
    ]


@pytest.mark.parametrize("header", HEADERS_THE_SITE_READS)
def test_no_header_value_makes_any_route_answer_500(client, make_grid, behind_one_proxy, header):
    User.objects.create_user("teacher", password="a long enough password")
    grid = make_grid()
    for value in HOSTILE_VALUES:
        for method, path, data in requests_of_every_kind(grid.public_id):
            extra = {header: value}
            if method == "post" and isinstance(data, str):
                response = client.post(path, data, content_type="application/json", **extra)
            else:
                response = getattr(client, method)(path, data, **extra)
            assert response.status_code < 500, (header, value, method, path)


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("203.0.113.9:50123", "203.0.113.9"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("[2001:db8::1]", "2001:db8::1"),
        ("2001:DB8::1", "2001:db8::1"),
        ("198.51.100.7, 203.0.113.9:50123", "203.0.113.9"),
        ("not an address", "10.0.0.1"),
        ("x" * 300, "10.0.0.1"),
        ("203.0.113.9, a b c", "10.0.0.1"),
        ("", "10.0.0.1"),
    ],
)
def test_a_forwarded_entry_is_read_as_an_address_or_falls_back_to_the_peer(
    rf, behind_one_proxy, forwarded, expected
):
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.1")

    assert client_address(request) == expected


def test_forwarded_entries_are_ignored_without_a_trusted_proxy(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="10.0.0.1")

    assert client_address(request) == "10.0.0.1"
