from collections.abc import Callable

import pytest

from grids.models import Grid
from tests.factories import notebook_repr_html, unsaved_grid


@pytest.fixture
def grid_from_blocks() -> Callable[..., Grid]:
    return unsaved_grid


@pytest.fixture
def starry_night_grid(starry_night: dict) -> Grid:
    return unsaved_grid(starry_night["blocks"], lines_on=True, ipb_class="ImageGrid")


@pytest.fixture
def notebook_html() -> Callable[[Grid], str]:
    return notebook_repr_html
