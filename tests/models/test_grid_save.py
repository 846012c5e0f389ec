"""A grid saves like any Django model: through the ORM's own save(), signals and all."""

import pytest
from django.conf import settings
from django.db.models.signals import post_save, pre_save

from grids.ids import public_id_for
from grids.models import Grid

pytestmark = pytest.mark.django_db


@pytest.fixture
def saved_signals():
    sent = []

    def record(signal_name):
        def receiver(sender, instance, **kwargs):
            sent.append((signal_name, instance.secret, kwargs.get("created")))

        return receiver

    on_pre_save, on_post_save = record("pre_save"), record("post_save")
    pre_save.connect(on_pre_save, sender=Grid)
    post_save.connect(on_post_save, sender=Grid)
    yield sent
    pre_save.disconnect(on_pre_save, sender=Grid)
    post_save.disconnect(on_post_save, sender=Grid)


@pytest.mark.parametrize("secret", [False, True])
def test_a_new_grid_sends_pre_save_and_post_save(make_grid, saved_signals, secret):
    make_grid(secret=secret)

    assert saved_signals == [("pre_save", secret, None), ("post_save", secret, True)]


def test_a_public_grid_is_stored_under_the_hashid_of_its_key(make_grid):
    grid = make_grid()

    stored = Grid.objects.get(pk=grid.pk)
    assert stored.public_id == grid.public_id == public_id_for(grid.pk, settings.HASHIDS_SALT)
    assert not grid._state.adding
