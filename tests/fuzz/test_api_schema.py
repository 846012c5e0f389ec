"""The API's OpenAPI schema (/api/schema) and its Swagger UI (/api/docs): the schema is valid,
lists every API route, and describes what the real client sends and reads; the UI loads from
our own static files under our Content-Security-Policy."""

import base64
import hashlib
import json
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from jsonschema import Draft202012Validator

from tests.factories import load_starry_night, post_payload

API_OPERATIONS = {
    ("/post", "post"),
    ("/get/{public_id}", "get"),
    ("/get/secret/{public_id}", "get"),
    ("/api/grids", "post"),
    ("/api/grids/{public_id}", "get"),
    ("/api/secret-grids/{public_id}", "get"),
    ("/c/{code}/post", "post"),
}


def fetch_schema(client) -> dict:
    response = client.get("/api/schema?format=json")
    assert response.status_code == 200
    return response.json()


def component_validator(schema: dict, name: str) -> Draft202012Validator:
    """A JSON Schema validator for one of the schema's components, its $refs resolved."""
    return Draft202012Validator(
        {"$ref": f"#/components/schemas/{name}", "components": schema["components"]}
    )


def test_schema_is_valid_openapi_with_no_generation_warnings(tmp_path):
    # Raises if drf-spectacular warns (a field it cannot type) or the result is not OpenAPI.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "api.yaml")

    assert (tmp_path / "api.yaml").read_text().startswith("openapi: 3.1.0")


def test_schema_lists_every_api_route_with_its_own_operation_id(client):
    schema = fetch_schema(client)

    operations = {
        (path, method): operation
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }
    assert set(operations) == API_OPERATIONS
    operation_ids = [operation["operationId"] for operation in operations.values()]
    assert len(set(operation_ids)) == len(API_OPERATIONS)


def test_schema_documents_every_answer_a_post_or_fetch_can_give(client):
    schema = fetch_schema(client)

    for path, method in API_OPERATIONS:
        operation = schema["paths"][path][method]
        # 503: ipbsite/http/database_unavailable.py, while the database cannot be reached.
        expected = (
            {"200", "400", "413", "429", "503"} if method == "post" else {"200", "404", "503"}
        )
        if path == "/c/{code}/post":
            expected |= {"404", "410"}  # no such class, a closed class
        assert set(operation["responses"]) == expected, path
        if method == "post":
            # The client sends no Content-Type, but the body is JSON and is documented so.
            assert list(operation["requestBody"]["content"]) == ["application/json"]


def test_schema_accepts_what_the_client_posts(client):
    schema = fetch_schema(client)
    posts = component_validator(schema, "GridPost")

    assert list(posts.iter_errors(post_payload())) == []
    assert list(posts.iter_errors(post_payload(code_cells=["grid.show()"], secret=True))) == []
    starry_night = post_payload(ipb_class="ImageGrid", grid_data=load_starry_night())
    assert list(posts.iter_errors(starry_night)) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("python_version", [3, 11, 7, 0, "final"]),
        ("python_version", [3, 11, 7, "final"]),
        ("ipb_version", "1.9.1; rm -rf /"),
        ("ipb_class", "Grid"),
        ("code_cells", []),
        ("code_cells", [1]),
        ("secret", "false"),
    ],
)
def test_schema_refuses_what_the_site_refuses(client, field, value):
    posts = component_validator(fetch_schema(client), "GridPost")

    assert not posts.is_valid(post_payload(**{field: value}))


@pytest.mark.parametrize(
    "grid_data",
    [
        {"width": 0},
        {"lines_on": 1},
        {"blocks": [[[0, 0, 0, 20]] * 3, [[0, 0, 256, 20]] * 3]},
        {"blocks": [[[0, 0, 0, 0]] * 3] * 2},
        {"blocks": [[[0, 0, 0]] * 3] * 2},
    ],
)
def test_schema_refuses_the_grid_data_the_site_refuses(client, grid_data):
    posts = component_validator(fetch_schema(client), "GridPost")

    assert not posts.is_valid(post_payload(grid_data=grid_data))


def test_schema_limits_come_from_the_settings_in_force(client, settings):
    settings.IPB_MAX_CODE_CELLS = 7
    settings.IPB_MAX_CODE_CELL_CHARS = 99
    settings.IPB_MAX_BLOCK_SIZE = 42

    grid_post = fetch_schema(client)["components"]["schemas"]["GridPost"]["properties"]
    grid_data = fetch_schema(client)["components"]["schemas"]["GridDataInput"]["properties"]

    assert grid_post["code_cells"]["maxItems"] == 7
    assert grid_post["code_cells"]["items"]["maxLength"] == 99
    block = grid_data["blocks"]["items"]["items"]
    assert block["prefixItems"][3] == {"type": "integer", "minimum": 1, "maximum": 42}


@pytest.mark.django_db
def test_schema_describes_what_a_fetch_answers(client):
    schema = fetch_schema(client)
    posted = client.generic(
        "POST", "/post", json.dumps(post_payload(grid_data=load_starry_night()))
    )
    public_id = posted.json()["url"].rsplit("/", 1)[-1]

    fetched = client.get(f"/get/{public_id}")

    assert list(component_validator(schema, "GridData").iter_errors(fetched.json())) == []
    assert list(component_validator(schema, "GridPosted").iter_errors(posted.json())) == []


class PageResources(HTMLParser):
    """The <script> and <style> elements of a page, and what it links."""

    def __init__(self):
        super().__init__()
        self.scripts: list[tuple[str | None, str]] = []  # (src, inline text)
        self.styles: list[str] = []
        self.links: list[str] = []
        self._open: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append((attrs.get("src"), ""))
        elif tag == "style":
            self.styles.append("")
        elif tag == "link":
            self.links.append(attrs["href"])
        self._open = tag

    def handle_data(self, data):
        if self._open == "script":
            src, text = self.scripts[-1]
            self.scripts[-1] = (src, text + data)
        elif self._open == "style":
            self.styles[-1] += data

    def handle_endtag(self, tag):
        self._open = None


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    directives = (part.split() for part in policy.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_docs_page_runs_no_inline_script_and_loads_only_our_own_files(client):
    response = client.get("/api/docs")

    assert response.status_code == 200
    page = PageResources()
    page.feed(response.content.decode())
    assert page.scripts, "the Swagger UI page has scripts"
    for src, text in page.scripts:
        assert src, "every <script> has a src"
        assert text.strip() == "", f"<script src={src}> has an inline body"
        assert src.startswith(("/static/", "/api/docs?")), src  # ours, never a CDN
    for href in page.links:
        assert href.startswith("/static/"), href
    directives = csp_directives(response)
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    # The template's one <style> is allowed by its hash (ipbsite/urls.py), nothing else inline.
    assert [sha256_source(css) in directives["style-src"] for css in page.styles] == [True]


def test_docs_page_files_are_served(client):
    page = PageResources()
    page.feed(client.get("/api/docs").content.decode())

    for url in [src for src, _ in page.scripts] + page.links:
        response = client.get(url)
        assert response.status_code == 200, url
        content = b"".join(response) if response.streaming else response.content
        assert content, url
    init_script = client.get("/api/docs?script=")
    assert init_script["Content-Type"].startswith("application/javascript")
    assert b'"/api/schema"' in init_script.content
