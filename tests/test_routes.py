"""Every route prefix is spelled once, in grids/routes.py: renaming a route is one edit."""

import ast
import re
from pathlib import Path

from django.urls import reverse

from grids import routes

REPOSITORY = Path(__file__).resolve().parent.parent
# A string that begins like one of the site's route prefixes, with or without its slash.
ROUTE_PREFIX = re.compile(r"^\^?(/post$|/post/|/?get/|/?api/|/?secret/|/?secret-grids/)")


def string_constants_outside_docstrings(source: str):
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            yield node


def test_no_module_but_routes_spells_a_route_prefix():
    spelled_elsewhere = []
    for folder in ("grids", "ipbsite", "bench"):
        for path in sorted((REPOSITORY / folder).rglob("*.py")):
            # Tests call routes as a client would, by their paths; they are not the code's.
            skipped = {"migrations", "tests"} & set(path.parts)
            if path == REPOSITORY / "grids" / "routes.py" or skipped:
                continue
            for node in string_constants_outside_docstrings(path.read_text()):
                if ROUTE_PREFIX.match(node.value):
                    where = f"{path.relative_to(REPOSITORY)}:{node.lineno}"
                    spelled_elsewhere.append(f"{where}: {node.value!r}")
    assert spelled_elsewhere == [], "use grids.routes instead"


def test_the_check_above_finds_a_prefix_spelled_in_code():
    # The test above would pass on a walk that found nothing: hold it to one that must find.
    source = 'URL = "/get/" + grid_id\ndef f():\n    """/get/ in a docstring is prose."""\n'

    found = [node.value for node in string_constants_outside_docstrings(source)]

    assert [value for value in found if ROUTE_PREFIX.match(value)] == ["/get/"]


def test_the_urlconf_answers_at_the_prefixes_routes_names():
    assert reverse("api:post") == "/" + routes.POST
    assert reverse("api:get", args=["abc"]) == f"/{routes.GET}abc"
    assert reverse("api:get-secret", args=["abc"]) == f"/{routes.GET_SECRET}abc"
    assert reverse("api:grid-create") == "/" + routes.API_GRIDS
    assert reverse("api:secret-grid-detail", args=["abc"]) == f"/{routes.API_SECRET_GRIDS}abc"
    assert reverse("grids:secret-page", args=["abc"]) == f"/{routes.SECRET_PAGE}abc"


def test_the_client_routes_are_the_contracts():
    # CONTRACT.md: what ipythonblocks calls, byte for byte; changing these breaks every notebook.
    assert (routes.POST, routes.GET, routes.GET_SECRET) == ("post", "get/", "get/secret/")
