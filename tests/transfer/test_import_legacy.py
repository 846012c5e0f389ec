"""import_legacy: an ipythonblocks.org database, PostgreSQL or SQLite, moved over with every
old link working; broken rows listed, never dropped silently (issue 26)."""

import csv
import json
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from grids.ids import public_id_for
from grids.models import Grid
from tests.needs import needs_postgres
from tests.transfer.legacy_databases import (
    PUBLIC_SALT,
    SECRET_SALT,
    drop_postgres,
    legacy_row,
    write_postgres,
    write_sqlite,
)

pytestmark = pytest.mark.django_db

VECTORS = [
    vector
    for vector in json.loads(
        (Path(__file__).parents[1] / "data" / "legacy_hashids_vectors.json").read_text()
    )["vectors"]
    if vector["salt"] in (PUBLIC_SALT, SECRET_SALT)
]
# Both cKx8jT: the two tables' hashes collide (issue 26).
COLLIDING_PUBLIC_ID, COLLIDING_SECRET_ID = 4389, 5352


def good_public_rows():
    ids = sorted({v["id"] for v in VECTORS if v["salt"] == PUBLIC_SALT} | {COLLIDING_PUBLIC_ID})
    return [legacy_row(legacy_id, code_cells=[f"print({legacy_id})"]) for legacy_id in ids]


def good_secret_rows():
    ids = sorted({v["id"] for v in VECTORS if v["salt"] == SECRET_SALT} | {COLLIDING_SECRET_ID})
    return [legacy_row(legacy_id, secret=True, width=2, height=2) for legacy_id in ids]


def broken_public_rows(*, sqlite: bool):
    rows = [
        legacy_row(7002, width=3, height=2, blocks=[[[0, 0, 0, 20]] * 3]),  # one row of two
        legacy_row(7003, ipb_class="TurtleGrid"),
        legacy_row(7004, blocks=[[[0, 0, 300, 20]] * 3] * 2),  # a colour out of range
        legacy_row(7007, python_version=json.dumps("2.7")),  # not sys.version_info
    ]
    if sqlite:
        # What jsonb and timestamptz would refuse, and NUL, which PostgreSQL cannot store in
        # text at all: the first years' SQLite took them.
        rows += [
            legacy_row(7001, grid_data='{"width": 3, "height": 2, "blocks": [[['),
            legacy_row(7005, code_cells=["print('a\x00b')"]),
            legacy_row(7006, created_at="not a time"),
        ]
    return rows


@pytest.fixture(params=["sqlite", "postgres"])
def legacy_source(request, tmp_path):
    """(source, broken row count) of a legacy database of each kind, valid and broken rows."""
    sqlite = request.param == "sqlite"
    public = good_public_rows() + broken_public_rows(sqlite=sqlite)
    secret = good_secret_rows()
    if sqlite:
        yield write_sqlite(tmp_path / "ipythonblocks.sqlite3", public, secret), public, secret
        return
    needs_postgres("a legacy PostgreSQL database is what this pins")
    name = f"ipb_legacy_{os.getpid()}"
    settings_dict = connection.settings_dict
    yield write_postgres(settings_dict, name, public, secret), public, secret
    drop_postgres(settings_dict, name)


def import_legacy(source, tmp_path, **options):
    rejects = tmp_path / "rejects.csv"
    call_command(
        "import_legacy",
        source,
        public_salt=PUBLIC_SALT,
        secret_salt=SECRET_SALT,
        rejects=str(rejects),
        stdout=open(os.devnull, "w"),  # noqa: SIM115
        **options,
    )
    with open(rejects, newline="") as file:
        return list(csv.DictReader(file))


def test_every_valid_row_is_at_its_old_url_and_every_broken_one_is_listed(
    client, legacy_source, tmp_path
):
    source, public, secret = legacy_source
    broken_ids = {str(row["id"]) for row in public if 7000 < row["id"] < 7100}

    rejects = import_legacy(source, tmp_path)

    assert {row["id"] for row in rejects} == broken_ids
    assert all(row["table"] == "public_grids" and row["reason"] for row in rejects)
    for vector in VECTORS:
        prefix = "/secret/" if vector["salt"] == SECRET_SALT else "/"
        assert client.get(f"{prefix}{vector['hash']}").status_code == 200, vector
        get_prefix = "/get/secret/" if vector["salt"] == SECRET_SALT else "/get/"
        assert client.get(f"{get_prefix}{vector['hash']}").status_code == 200, vector
    assert Grid.objects.count() == len(public) - len(broken_ids) + len(secret)


def test_a_public_and_a_secret_grid_with_the_same_old_hash_each_keep_their_url(
    client, legacy_source, tmp_path
):
    source, _, _ = legacy_source
    import_legacy(source, tmp_path)
    shared = public_id_for(COLLIDING_PUBLIC_ID, PUBLIC_SALT)

    public_page = client.get(f"/get/{shared}").json()
    secret_page = client.get(f"/get/secret/{shared}").json()

    assert (public_page["width"], public_page["height"]) == (3, 2)
    assert (secret_page["width"], secret_page["height"]) == (2, 2)
    assert client.get(f"/{shared}").status_code == 200
    assert ">4389<" in client.get(f"/{shared}").content.decode()  # its code cell, highlighted


def test_secret_grids_are_only_under_secret(client, legacy_source, tmp_path):
    source, _, _ = legacy_source
    import_legacy(source, tmp_path)
    only_secret = next(v["hash"] for v in VECTORS if v["salt"] == SECRET_SALT and v["id"] == 99)

    assert client.get(f"/get/{only_secret}").status_code == 404
    assert client.get(f"/secret/{only_secret}").status_code == 200


def test_running_it_again_skips_what_it_loaded_and_adds_new_rows(tmp_path):
    first = write_sqlite(tmp_path / "one.sqlite3", good_public_rows(), good_secret_rows())
    import_legacy(first, tmp_path)
    before = Grid.objects.count()
    later = write_sqlite(
        tmp_path / "two.sqlite3", [*good_public_rows(), legacy_row(8000)], good_secret_rows()
    )

    assert import_legacy(later, tmp_path) == []
    assert Grid.objects.count() == before + 1


def test_original_creation_times_are_kept(tmp_path):
    row = legacy_row(12)
    import_legacy(write_sqlite(tmp_path / "old.sqlite3", [row], []), tmp_path)

    assert Grid.objects.get().created_at == row["created_at"]


def test_a_grid_over_the_sites_size_limits_is_loaded_and_reported(tmp_path, settings, capsys):
    settings.IPB_MAX_BLOCKS = 4
    source = write_sqlite(tmp_path / "old.sqlite3", [legacy_row(5, width=3, height=2)], [])

    call_command("import_legacy", source, public_salt=PUBLIC_SALT, secret_salt=SECRET_SALT)

    assert Grid.objects.get().public_id == public_id_for(5, PUBLIC_SALT)
    assert "over the site's size limits" in capsys.readouterr().out


def test_salts_may_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("IPB_LEGACY_PUBLIC_SALT", PUBLIC_SALT)
    monkeypatch.setenv("IPB_LEGACY_SECRET_SALT", SECRET_SALT)

    call_command("import_legacy", write_sqlite(tmp_path / "old.sqlite3", [legacy_row(1)], []))

    assert Grid.objects.get().public_id == "bizkiL"
