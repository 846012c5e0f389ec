"""GridPostSerializer checks a post as the client sends it in one pass (plainly_valid_post) and
anything else through its fields. The pass must never accept what the fields refuse, nor store
anything different from what they would."""

import copy

import hypothesis
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from rest_framework import serializers

from grids.api.serializers import GridPostSerializer, plainly_valid_post
from tests.factories import checker_blocks, post_payload
from tests.post_strategies import broken_posts, valid_posts


def validated_by_the_fields(payload):
    """What the serializer's fields make of payload, field by field, or None if they refuse."""
    serializer = GridPostSerializer(data=payload)
    try:
        return serializers.Serializer.run_validation(serializer, payload)
    except serializers.ValidationError:
        return None


def as_plain_data(value):
    """Validated data with DRF's OrderedDicts as dicts, to compare with the pass's."""
    if isinstance(value, dict):
        return {key: as_plain_data(item) for key, item in value.items()}
    return value


# Near misses for each test of the pass. The fields accept a few (3.0 for 3); whatever the pass
# makes of those must be what the fields make.
NEAR_MISSES = [
    post_payload(python_version=[3, 11, 7.0, "final", 0]),
    post_payload(python_version=[3, 11, True, "final", 0]),
    post_payload(python_version=[3, 11, 7, "final" * 4, 0]),
    post_payload(python_version=[3, 11, 7, "fin\x00al", 0]),
    post_payload(ipb_version=" 1.9.1 "),
    post_payload(ipb_version="1.9.1\n"),
    post_payload(ipb_version="1" * 33),
    post_payload(ipb_class=["BlockGrid"]),
    post_payload(ipb_class="blockgrid"),
    post_payload(secret=0),
    post_payload(code_cells=[]),
    post_payload(code_cells=["ok", "\ud800"]),
    post_payload(code_cells=("a",)),
    post_payload(grid_data={"width": 3.0}),
    post_payload(grid_data={"width": True, "height": 1, "blocks": [checker_blocks(1, 1)[0]]}),
    post_payload(grid_data={"lines_on": 1}),
    post_payload(grid_data={"width": 0, "blocks": [[], []]}),
    post_payload(grid_data={"height": 0, "blocks": []}),
    post_payload(grid_data={"blocks": [[[1.0, 2, 3, 20]] * 3] * 2}),
]


@hypothesis.settings(max_examples=600, deadline=None)
@given(payload=st.one_of(valid_posts(), broken_posts()))
@example(payload=post_payload())
def test_what_the_one_pass_accepts_the_fields_accept_alike(payload):
    fast = plainly_valid_post(copy.deepcopy(payload))
    slow = validated_by_the_fields(copy.deepcopy(payload))

    if fast is not None:
        assert slow is not None, "the pass accepted a post the fields refuse"
        assert fast == as_plain_data(slow)


@pytest.mark.parametrize("payload", NEAR_MISSES)
def test_near_misses_get_the_fields_answer(payload):
    fast = plainly_valid_post(copy.deepcopy(payload))
    slow = validated_by_the_fields(copy.deepcopy(payload))

    if fast is not None:
        assert fast == as_plain_data(slow)


@pytest.mark.parametrize(
    "payload",
    [
        post_payload(),
        post_payload(code_cells=["grid = BlockGrid(10, 10)", "grid.show()"], secret=True),
        post_payload(ipb_class="ImageGrid", ipb_version="1.10.dev0"),
    ],
)
def test_posts_as_the_client_sends_them_take_the_one_pass(payload):
    # Not only a speed matter: a pass that no post ever takes would go untested.
    assert plainly_valid_post(payload) == as_plain_data(validated_by_the_fields(payload))


def test_the_starry_night_takes_the_one_pass(starry_night):
    payload = post_payload(ipb_class="ImageGrid", grid_data=starry_night)

    assert plainly_valid_post(payload) is not None
