"""A grid to keep: /<id>.json and /<id>.ipynb (and under /secret/ for secret grids)."""

import json

import nbformat
import pytest

from grids.models import GridState

pytestmark = pytest.mark.django_db

CODE = ["from ipythonblocks import BlockGrid\ngrid = BlockGrid(3, 2)", "grid[0, 0] = (255, 0, 0)"]


@pytest.mark.parametrize("prefix", ["", "/secret"])
def test_the_json_download_is_what_get_answers_as_a_file(client, make_grid, prefix):
    grid = make_grid(secret=bool(prefix))

    download = client.get(f"{prefix}/{grid.public_id}.json")
    fetched = client.get(f"/get{prefix}/{grid.public_id}")

    assert download.status_code == 200
    assert download["Content-Type"] == "application/json"
    assert download["Content-Disposition"] == f'attachment; filename="{grid.public_id}.json"'
    assert json.loads(download.content) == json.loads(fetched.content)


def test_the_notebook_is_a_valid_notebook_that_warns_then_pulls_then_holds_the_code(
    client, make_grid, settings
):
    settings.IPB_SITE_URL = "https://blocks.school.example"
    grid = make_grid(code_cells=CODE)

    response = client.get(f"/{grid.public_id}.ipynb")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ipynb+json"
    assert response["Content-Disposition"] == f'attachment; filename="{grid.public_id}.ipynb"'
    notebook = nbformat.reads(response.content.decode(), as_version=4)
    nbformat.validate(notebook)
    note, pull, *posted = notebook.cells
    assert note.cell_type == "markdown"
    assert "another student's code" in note.source
    assert "Read each cell before you run it" in note.source
    assert f"https://blocks.school.example/{grid.public_id}" in note.source
    assert pull.cell_type == "code"
    assert "ipb._POST_URL = 'https://blocks.school.example/post'" in pull.source
    assert pull.source.endswith(f"grid = BlockGrid.from_web('{grid.public_id}')\ngrid")
    assert [cell.source for cell in posted] == CODE
    assert all(cell.cell_type == "code" and cell.outputs == [] for cell in posted)


def test_a_secret_grids_notebook_pulls_it_as_secret(client, make_grid):
    grid = make_grid(secret=True)

    response = client.get(f"/secret/{grid.public_id}.ipynb")

    notebook = nbformat.reads(response.content.decode(), as_version=4)
    assert f"from_web('{grid.public_id}', secret=True)" in notebook.cells[1].source
    assert response["X-Robots-Tag"] == "noindex"
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("kind", ["json", "ipynb"])
def test_a_secret_grid_has_no_download_at_a_public_address(client, make_grid, kind):
    grid = make_grid(secret=True)

    assert client.get(f"/{grid.public_id}.{kind}").status_code == 404


@pytest.mark.parametrize("kind", ["json", "ipynb"])
@pytest.mark.parametrize("state", [GridState.HIDDEN, GridState.AWAITING_APPROVAL])
def test_a_withheld_grid_has_no_download(client, make_grid, kind, state):
    grid = make_grid()
    assert client.get(f"/{grid.public_id}.{kind}").status_code == 200

    type(grid).objects.filter(pk=grid.pk).update(state=state)

    assert client.get(f"/{grid.public_id}.{kind}").status_code == 404


def test_the_grid_page_offers_its_downloads(client, make_grid):
    grid = make_grid()

    html = client.get(f"/{grid.public_id}").content.decode()

    assert f'href="/{grid.public_id}.ipynb"' in html
    assert f'href="/{grid.public_id}.json"' in html
    assert f'href="/{grid.public_id}.png"' in html
