"""Hypothesis against every header the site reads, on the client's routes and the pages: any
value a WSGI server can hand over (ISO-8859-1 text, PEP 3333) gets an answer below 500, behind
one trusted proxy, so X-Forwarded-For is read too (issue 22)."""

import json

import hypothesis
import pytest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from tests.factories import post_payload
from tests.headers import HEADERS_THE_SITE_READS

HEADER_EXAMPLES = 600

# What an HTTP header can carry once a server has parsed it: any byte but CR, LF and NUL,
# decoded as ISO-8859-1. Some values are built like the addresses proxies send.
header_values = st.one_of(
    st.text(st.characters(codec="latin-1", exclude_characters="\r\n\x00"), max_size=400),
    st.builds(
        "{}:{}".format,
        st.ip_addresses().map(str),
        st.integers(0, 70000),
    ),
    st.builds("[{}]:{}".format, st.ip_addresses(v=6).map(str), st.integers(0, 70000)),
    st.lists(st.ip_addresses().map(str), max_size=5).map(", ".join),
)


@pytest.fixture
def behind_one_proxy(settings, post_throttle_lifted):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.USE_X_FORWARDED_HOST = True


@pytest.mark.django_db
@hypothesis.settings(
    max_examples=HEADER_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    header=st.sampled_from(HEADERS_THE_SITE_READS),
    value=header_values,
    route=st.sampled_from(["post", "get", "page", "home", "report"]),
)
def test_no_header_value_gets_a_server_error(
    client, make_grid, behind_one_proxy, fuzz_tally, header, value, route
):
    grid = make_grid()
    extra = {header: value}
    if route == "post":
        body = json.dumps(post_payload())
        response = client.post("/post", body, content_type="application/json", **extra)
    elif route == "report":
        response = client.post(f"/{grid.public_id}/report", {"reason": "hurtful"}, **extra)
    else:
        path = {"get": f"/get/{grid.public_id}", "page": f"/{grid.public_id}", "home": "/"}
        response = client.get(path[route], **extra)

    fuzz_tally["hostile headers"] += 1
    assert response.status_code < 500, (header, value, route)
