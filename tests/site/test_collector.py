"""A grid's blocks are decoded with the garbage collector paused (ipbsite/collector.py)."""

import gc
import io
import json

import orjson
import pytest

from grids.api.parsers import ClientJSONParser
from grids.fields import JSONTextField
from ipbsite.collector import collector_paused


@pytest.fixture
def collector_passes():
    """The collector's passes that start while the test runs, by generation."""
    passes = []

    def count(phase, info):
        if phase == "start":
            passes.append(info["generation"])

    gc.callbacks.append(count)
    yield passes
    gc.callbacks.remove(count)


@pytest.fixture
def starry_night_json(starry_night) -> str:
    return orjson.dumps(starry_night["blocks"]).decode()


def test_decoding_the_starry_nights_blocks_plainly_runs_many_collector_passes(
    starry_night_json, collector_passes
):
    # The control for the two tests below: without the pause, the same decode collects every
    # 700 new lists.
    assert gc.isenabled()
    orjson.loads(starry_night_json)
    assert len(collector_passes) > 10


def test_reading_a_grids_blocks_from_the_database_collects_once_at_most(
    starry_night_json, collector_passes
):
    blocks = JSONTextField().from_db_value(starry_night_json, None, None)
    assert len(blocks) == 100
    # At most the one pass that the first allocation after the decode may start.
    assert len(collector_passes) <= 1
    assert gc.isenabled()


def test_parsing_a_posted_grid_collects_once_at_most(starry_night, collector_passes):
    body = json.dumps({"grid_data": starry_night}).encode()
    parsed = ClientJSONParser().parse(io.BytesIO(body))
    assert parsed["grid_data"]["blocks"] == starry_night["blocks"]
    assert len(collector_passes) <= 1
    assert gc.isenabled()


def test_the_collector_is_back_on_after_a_body_that_fails_to_parse():
    with pytest.raises(json.JSONDecodeError), collector_paused():
        json.loads("[1, 2")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
