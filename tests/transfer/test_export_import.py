"""export_grids and import_grids: every grid back as it was, in an empty site or a running
one, with nothing overwritten; and new posts never take an imported id (issue 26)."""

import io
import json

import orjson
import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from grids.ids import public_id_for
from grids.models import Grid, GridState, reserved_grid_keys
from grids.transfer.progress import progress
from tests.factories import post_payload
from tests.needs import needs_postgres
from tests.posting import post_json

pytestmark = pytest.mark.django_db


def export_to(tmp_path, **options):
    path = tmp_path / "grids.jsonl"
    call_command("export_grids", output=str(path), stderr=io.StringIO(), **options)
    return path


def import_from(path) -> str:
    out = io.StringIO()
    call_command("import_grids", str(path), stdout=out)
    return out.getvalue()


@pytest.fixture
def every_kind_of_grid(make_grid, django_user_model):
    teacher = django_user_model.objects.create_user("ms-rivera")
    parent = make_grid(code_cells=["grid = BlockGrid(3, 2)"])
    remix = make_grid(code_cells=[f"grid = BlockGrid.from_web('{parent.public_id}')"])
    remix.remixed_from.add(parent)
    grids = {
        "public": parent,
        "remix": remix,
        "secret": make_grid(secret=True),
        "hidden": make_grid(),
        "waiting": make_grid(state=GridState.AWAITING_APPROVAL),
        "featured": make_grid(),
    }
    Grid.objects.filter(pk=grids["hidden"].pk).hide(by=teacher, reason="unkind words")
    Grid.objects.filter(pk=grids["featured"].pk).feature(by=teacher)
    return grids


def answers(client, grids: dict) -> dict:
    """What the site says at each grid's page and /get."""
    seen = {}
    for name, grid in grids.items():
        grid = Grid.objects.get(public_id=grid.public_id, secret=grid.secret)
        prefix = "secret/" if grid.secret else ""
        seen[name] = (
            client.get(f"/{prefix}{grid.public_id}").status_code,
            client.get(f"/get/{prefix}{grid.public_id}").content,
            grid.state,
            grid.hidden_reason,
            grid.hidden_by.username if grid.hidden_by else None,
            grid.featured_at,
            grid.created_at,
            sorted(parent.public_id for parent in grid.remixed_from.all()),
        )
    return seen


def test_an_export_imported_into_an_empty_site_gives_every_grid_back(
    client, every_kind_of_grid, tmp_path
):
    before = answers(client, every_kind_of_grid)
    path = export_to(tmp_path)
    Grid.objects.all().delete()
    cache.clear()

    report = import_from(path)

    assert "Loaded 6 grid(s)" in report
    assert answers(client, every_kind_of_grid) == before


def test_the_export_is_one_grid_per_line_with_its_blocks_as_stored(every_kind_of_grid, tmp_path):
    lines = export_to(tmp_path).read_bytes().splitlines()

    records = [orjson.loads(line) for line in lines]
    assert len(records) == len(every_kind_of_grid)
    hidden = next(r for r in records if r["id"] == every_kind_of_grid["hidden"].public_id)
    assert (hidden["state"], hidden["hidden_by"]) == ("hidden", "ms-rivera")
    assert hidden["post"]["grid_data"]["blocks"] == every_kind_of_grid["hidden"].blocks


def test_since_exports_only_the_grids_created_from_then(make_grid, tmp_path):
    old = make_grid(created_at=timezone.now() - timezone.timedelta(days=400))
    new = make_grid()

    since = (timezone.now() - timezone.timedelta(days=200)).date().isoformat()
    lines = export_to(tmp_path, since=since).read_bytes().splitlines()
    ids = [orjson.loads(line)["id"] for line in lines]

    assert new.public_id in ids
    assert old.public_id not in ids


def test_importing_into_a_running_site_skips_what_it_holds_and_lists_conflicts(
    every_kind_of_grid, tmp_path, make_grid
):
    path = export_to(tmp_path)
    # Another grid at one of the exported ids: the site's own, to be kept as it is.
    stranger = every_kind_of_grid["featured"]
    Grid.objects.filter(pk=stranger.pk).delete()
    mine = make_grid(public_id=stranger.public_id, created_at=timezone.now())

    report = import_from(path)

    assert "Loaded 0 grid(s); skipped 5" in report
    assert f"the public id {stranger.public_id} is held by another grid" in report
    mine.refresh_from_db()
    assert mine.featured_at is None


def test_a_line_that_is_not_a_grid_is_refused_and_the_rest_load(tmp_path, make_grid):
    grid = make_grid()
    path = export_to(tmp_path)
    Grid.objects.all().delete()
    path.write_bytes(b"{not json\n" + path.read_bytes() + b'{"format": "other"}\n')

    report = import_from(path)

    assert "Loaded 1 grid(s)" in report
    assert "line 1: not a grid of an export" in report
    assert "line 3: not a grid of an export" in report
    assert Grid.objects.get().public_id == grid.public_id


def test_a_grid_with_broken_data_is_refused_with_its_reason(tmp_path, make_grid):
    make_grid()
    path = export_to(tmp_path)
    Grid.objects.all().delete()
    record = json.loads(path.read_text())
    record["post"]["grid_data"]["blocks"][0][0] = [0, 0, 999, 20]
    path.write_text(json.dumps(record) + "\n")

    report = import_from(path)

    assert "Loaded 0 grid(s)" in report
    assert "line 1: grid_data.blocks: Block [0][0] has a colour outside 0..255." in report
    assert Grid.objects.count() == 0


def test_new_posts_never_take_an_imported_id(client, make_grid, tmp_path):
    """The imported ids are the site's own hashids of the keys it would give next."""
    newest = make_grid()
    path = export_to(tmp_path)
    template = json.loads(path.read_text())
    Grid.objects.all().delete()
    lines = []
    for key in range(newest.pk + 1, newest.pk + 41):
        record = {**template, "id": public_id_for(key, settings.HASHIDS_SALT)}
        lines.append(json.dumps(record))
    path.write_text("\n".join(lines) + "\n")
    import_from(path)
    imported = set(Grid.objects.values_list("public_id", flat=True))

    posted = [post_json(client, post_payload()) for _ in range(40)]

    assert all(response.status_code == 200 for response in posted)
    new_ids = {response.json()["url"].rsplit("/", 1)[-1] for response in posted}
    assert len(new_ids) == 40
    assert not new_ids & imported


def test_a_key_reserved_before_an_import_whose_id_it_took_is_passed_over(
    client, make_grid, tmp_path
):
    """Another process reserved keys (ReservedGridKeys) before the import moved the sequence:
    the unique constraint refuses the clashing insert, and the post takes the next key."""
    needs_postgres("keys are reserved from PostgreSQL's sequence")
    newest = make_grid()
    template = json.loads(export_to(tmp_path).read_text())
    taken = [newest.pk + 1, newest.pk + 2]
    path = tmp_path / "taken.jsonl"
    path.write_text(
        "".join(
            json.dumps({**template, "id": public_id_for(key, settings.HASHIDS_SALT)}) + "\n"
            for key in taken
        )
    )
    import_from(path)
    reserved_grid_keys.keys.extend([*taken, newest.pk + 1000])  # as that process holds them

    response = post_json(client, post_payload())

    assert response.status_code == 200
    assert response.json()["url"].endswith(
        "/" + public_id_for(newest.pk + 1000, settings.HASHIDS_SALT)
    )


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize("on_a_terminal", [True, False])
def test_the_progress_bar_shows_only_on_a_terminal(monkeypatch, on_a_terminal):
    stderr = Terminal() if on_a_terminal else io.StringIO()
    monkeypatch.setattr("sys.stderr", stderr)

    assert list(progress(range(3), total=3, what="Exporting")) == [0, 1, 2]

    assert ("Exporting" in stderr.getvalue()) == on_a_terminal
