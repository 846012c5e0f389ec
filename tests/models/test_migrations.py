import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from grids.models import Grid


@pytest.mark.django_db
def test_models_and_migrations_agree():
    """A model change without its migration would fail here, not on a school's server."""
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_grids_posted_before_blocks_became_text_keep_their_blocks():
    """0004 turns the blocks column from jsonb into text: a school's stored grids survive."""
    blocks = [[[255, 0, 0, 20], [0, 128, 255, 20]]]
    executor = MigrationExecutor(connection)
    executor.migrate([("grids", "0003_teachers_group")])
    old_grid = executor.loader.project_state([("grids", "0003_teachers_group")]).apps.get_model(
        "grids", "Grid"
    )
    old_grid.objects.create(
        public_id="before",
        ipb_class="BlockGrid",
        ipb_version="1.9.1",
        python_version=[3, 11, 7, "final", 0],
        width=2,
        height=1,
        lines_on=True,
        blocks=blocks,
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("grids"))

    assert Grid.objects.get(public_id="before").blocks == blocks
