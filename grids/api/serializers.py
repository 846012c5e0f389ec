"""The API's payloads: GridPostSerializer reads what the client posts, GridDataSerializer
writes what /get answers. The payload is not the model: these own its shape, the model owns
what must hold for every row. Keys a later client may add are ignored, never an error.
"""

import orjson
from rest_framework import serializers

from grids.api.fields import (
    IPB_VERSION_MAX_CHARS,
    VERSION_RE,
    BlockRowsField,
    CodeCellsField,
    PythonVersionField,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    post_limits,
)
from grids.api.validation import normalized_blocks, plainly_valid_post
from grids.caching.invalidation import forget_cached_grids
from grids.models import Grid, GridState
from grids.remixes import record_remix_parents


class ShallowCopiedFieldsSerializer(serializers.Serializer):
    """A serializer whose fields are copied for each instance shallowly, not deep-copied.

    DRF deep-copies every declared field, and their options and validators, for every
    serializer instance, a large share of a small post's time (bench/RESULTS.md). Each instance gets
    fields of its own, so what bind() sets on a field (its name, parent and source) lands on its
    copy; what the copies share (options, choices, validators, error messages) is only read.
    """

    def get_fields(self):
        return {name: shallow_copy(field) for name, field in self._declared_fields.items()}


def shallow_copy(field):
    """copy.copy(field), without the generic machinery: copy.copy goes through __reduce_ex__
    and copyreg for each field, half of the copying's time. DRF's Field.__new__ runs as it
    does there, then the copy takes the original's attributes."""
    clone = type(field).__new__(type(field))
    clone.__dict__.update(field.__dict__)
    return clone


class GridDataInputSerializer(ShallowCopiedFieldsSerializer):
    lines_on = StrictBooleanField()
    width = StrictIntegerField(min_value=1)
    height = StrictIntegerField(min_value=1)
    blocks = BlockRowsField()

    def validate(self, attrs):
        width, height = attrs["width"], attrs["height"]
        limits = post_limits(self)
        if width * height > limits.max_blocks:
            raise serializers.ValidationError(
                {"blocks": [f"A grid may hold at most {limits.max_blocks} blocks."]}
            )
        attrs["blocks"] = normalized_blocks(
            attrs["blocks"], width, height, max_block_size=limits.max_block_size
        )
        return attrs


class GridPostSerializer(ShallowCopiedFieldsSerializer):
    """What `grid.post_to_web()` sends (CONTRACT.md, Posting)."""

    python_version = PythonVersionField()
    ipb_version = StrictCharField(max_length=IPB_VERSION_MAX_CHARS)
    ipb_class = serializers.ChoiceField(choices=Grid.GridClass.choices)
    code_cells = CodeCellsField()
    secret = StrictBooleanField()
    grid_data = GridDataInputSerializer()

    def validate_ipb_version(self, value):
        if not VERSION_RE.fullmatch(value):
            raise serializers.ValidationError('Must be a version string like "1.9.1".')
        return value

    def run_validation(self, data=serializers.empty):
        # A post as the client sends it passes the one pass of plainly_valid_post(); anything
        # else goes through the fields, field by field, which say what is wrong.
        validated = plainly_valid_post(data)
        if validated is not None:
            return validated
        return super().run_validation(data)

    def create(self, validated_data):
        # Fields the view adds with save(...) (a class's post link files the grid in its class)
        # arrive among the payload's.
        added = {name: validated_data[name] for name in validated_data.keys() - self.fields.keys()}
        grid = grid_from_validated_post(validated_data, **added)
        grid.save()
        parents = record_remix_parents(grid)
        if parents and grid.state == GridState.PUBLISHED:
            # Their pages list their public remixes: built again with this one.
            forget_cached_grids(parents)
        return grid


def grid_from_validated_post(validated_data: dict, **fields) -> Grid:
    """An unsaved Grid of a post GridPostSerializer validated, with any further fields (an
    import's id, state and times; a class). For posts and imports alike.

    The blocks are encoded now, as the database stores them, and the payload's lists let go
    before the insert: the small objects the insert keeps (connection and query state) then
    land in memory of their own rather than among the grid's lists, whose arenas they would
    hold on to after the post (bench/RESULTS.md, issue 22). GridViewSet.create lets go of the
    parsed body first, which holds the same lists.
    """
    grid_data = validated_data["grid_data"]
    return Grid(
        python_version=validated_data["python_version"],
        ipb_version=validated_data["ipb_version"],
        ipb_class=validated_data["ipb_class"],
        code_cells=validated_data["code_cells"],
        secret=validated_data["secret"],
        width=grid_data["width"],
        height=grid_data["height"],
        lines_on=grid_data["lines_on"],
        blocks=orjson.Fragment(orjson.dumps(grid_data.pop("blocks"))),
        **fields,
    )


class GridDataSerializer(serializers.Serializer):
    """What /get answers: exactly what BlockGrid.from_web() reads (CONTRACT.md, Fetching)."""

    width = serializers.IntegerField()
    height = serializers.IntegerField()
    lines_on = serializers.BooleanField()
    blocks = serializers.JSONField()


def grid_data_json(grid: Grid) -> bytes:
    """The /get body, as bytes to cache: built once per grid, served as is ever after.

    What GridDataSerializer writes, encoded by orjson, with the blocks spliced in as the
    database stores them: orjson's compact text of the same rows (GridQuerySet.with_blocks_json).
    Decoding the starry night's 12,500 blocks into lists only to encode them again took longer
    than the rest of a cold /get; tests/api/test_fetch.py holds the bytes to the serializer's.
    """
    head = orjson.dumps({"width": grid.width, "height": grid.height, "lines_on": grid.lines_on})
    return b'%s,"blocks":%s}' % (head[:-1], grid.blocks_json.encode())
