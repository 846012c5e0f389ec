"""The API's payloads: GridPostSerializer reads what the client posts, GridDataSerializer
writes what /get answers. The payload is not the model: these own its shape, the model owns
what must hold for every row.

Types are strict (a colour is a number, not "12"; a flag is true or false, not "yes"): the
client always sends real JSON types, and guessing at anything else would store data the
client cannot read back. Keys a later client may add are ignored, never an error.
"""

import re

import orjson
from django.conf import settings
from drf_spectacular.extensions import OpenApiSerializerExtension, OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from grids.models import Grid

# The version fields' limits, read by their fields, their schema and plainly_valid_post().
VERSION_NUMBER_LIMIT = 10_000  # each number of python_version is below this
RELEASELEVEL_MAX_CHARS = 16
IPB_VERSION_MAX_CHARS = 32
# PEP 440-ish: "1.9.1", "1.10.dev0", "2.0rc1". Letters, digits, dots, +, - and nothing else.
VERSION_RE = re.compile(r"[0-9]+(\.[0-9]+)*[A-Za-z0-9.+-]*")


def is_whole_number(value) -> bool:
    """A JSON number without a fraction. bool is an int subclass in Python and is refused."""
    if type(value) is int:
        return True
    return type(value) is float and value.is_integer()


def check_storable_text(text: str) -> str:
    """Refuse text that PostgreSQL cannot store: NUL characters and lone UTF-16 surrogates.

    JSON can spell both ("\\u0000", "\\ud800"); PostgreSQL would fail on the insert with a 500.
    """
    if "\x00" in text:
        raise serializers.ValidationError("must not contain NUL (\\u0000) characters.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise serializers.ValidationError(
            "must be valid Unicode (it contains a lone surrogate)."
        ) from None
    return text


class StrictBooleanField(serializers.BooleanField):
    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data):
        if type(data) is not bool:
            self.fail("invalid")
        return data


class StrictIntegerField(serializers.IntegerField):
    default_error_messages = {"invalid": "Must be a whole number."}

    def to_internal_value(self, data):
        if not is_whole_number(data):
            self.fail("invalid")
        return super().to_internal_value(int(data))


class StrictCharField(serializers.CharField):
    default_error_messages = {"invalid": "Must be a string."}

    def to_internal_value(self, data):
        if type(data) is not str:
            self.fail("invalid")
        return check_storable_text(super().to_internal_value(data))


@extend_schema_field(
    {
        "type": "array",
        "description": "tuple(sys.version_info): [major, minor, micro, releaselevel, serial].",
        "prefixItems": [
            {"type": "integer", "minimum": 0, "maximum": VERSION_NUMBER_LIMIT - 1},
            {"type": "integer", "minimum": 0, "maximum": VERSION_NUMBER_LIMIT - 1},
            {"type": "integer", "minimum": 0, "maximum": VERSION_NUMBER_LIMIT - 1},
            {"type": "string", "maxLength": RELEASELEVEL_MAX_CHARS},
            {"type": "integer", "minimum": 0, "maximum": VERSION_NUMBER_LIMIT - 1},
        ],
        "items": False,
        "minItems": 5,
        "maxItems": 5,
        "examples": [[3, 11, 7, "final", 0]],
    }
)
class PythonVersionField(serializers.Field):
    """tuple(sys.version_info) as JSON: [major, minor, micro, releaselevel, serial]."""

    default_error_messages = {
        "invalid": 'Must be a list of 5 items like [3, 11, 7, "final", 0] (sys.version_info).'
    }

    def to_internal_value(self, data):
        if type(data) is not list or len(data) != 5:
            self.fail("invalid")
        major, minor, micro, releaselevel, serial = data
        numbers_ok = all(
            is_whole_number(n) and 0 <= n < VERSION_NUMBER_LIMIT
            for n in (major, minor, micro, serial)
        )
        if (
            not numbers_ok
            or type(releaselevel) is not str
            or len(releaselevel) > RELEASELEVEL_MAX_CHARS
        ):
            self.fail("invalid")
        check_storable_text(releaselevel)
        return [int(major), int(minor), int(micro), releaselevel, int(serial)]

    def to_representation(self, value):
        return value


class CodeCellsField(serializers.Field):
    """null, or the sources of the notebook cells the student chose: a non-empty list of str."""

    default_error_messages = {
        "invalid": "Must be null or a non-empty list of strings (the code cells' sources).",
        "too_many": "At most {max_cells} code cells may be posted.",
        "too_long": "Code cell {index} is longer than {max_chars} characters.",
        "bad_text": "Code cell {index} {problem}",
    }

    def __init__(self, **kwargs):
        super().__init__(allow_null=True, **kwargs)

    def to_internal_value(self, data):
        if type(data) is not list or not data:
            self.fail("invalid")
        if len(data) > settings.IPB_MAX_CODE_CELLS:
            self.fail("too_many", max_cells=settings.IPB_MAX_CODE_CELLS)
        for index, cell in enumerate(data):
            if type(cell) is not str:
                self.fail("invalid")
            if len(cell) > settings.IPB_MAX_CODE_CELL_CHARS:
                self.fail("too_long", index=index, max_chars=settings.IPB_MAX_CODE_CELL_CHARS)
            try:
                check_storable_text(cell)
            except serializers.ValidationError as error:
                self.fail("bad_text", index=index, problem=error.detail[0])
        return data

    def to_representation(self, value):
        return value


class ShallowCopiedFieldsSerializer(serializers.Serializer):
    """A serializer whose fields are copied for each instance shallowly, not deep-copied.

    DRF deep-copies every declared field, and their options and validators, for every
    serializer instance: 9% of a 10x10 post's instructions (callgrind). Each instance still gets
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


class BlockRowsField(serializers.Field):
    """The block array, checked in one tight pass.

    A 125x100 grid is 50,000 numbers; one DRF field object per number would take far longer
    than storing the grid. The shape against width and height is checked in
    GridDataInputSerializer.validate(), which knows both.
    """

    def to_internal_value(self, data):
        if type(data) is not list:
            raise serializers.ValidationError("Must be a list of rows of blocks.")
        return data

    def to_representation(self, value):
        return value


def block_problem(block) -> str | None:
    """Why `block` is not [red, green, blue, size], or None if it is. The slow path."""
    if type(block) is not list or len(block) != 4:
        return "must be a list of 4 whole numbers [red, green, blue, size]"
    if not all(is_whole_number(n) for n in block):
        return "must hold whole numbers only [red, green, blue, size]"
    red, green, blue, size = block
    if not all(0 <= colour <= 255 for colour in (red, green, blue)):
        return "has a colour outside 0..255"
    if size < 1:
        return "has a size below 1"
    if size > settings.IPB_MAX_BLOCK_SIZE:
        return f"has a size above {settings.IPB_MAX_BLOCK_SIZE}"
    return None


def normalized_blocks(blocks: list, width: int, height: int) -> list:
    """Check every row and block; return the rows with whole-number floats made ints.

    The fast path accepts a block only if it is exactly four ints in range; anything else goes
    to block_problem(), which names the row, the column and what is wrong.
    """
    if len(blocks) != height:
        raise serializers.ValidationError(
            {"blocks": [f"Must have {height} rows (the grid's height); it has {len(blocks)}."]}
        )
    max_size = settings.IPB_MAX_BLOCK_SIZE
    rows = []
    for row_index, row in enumerate(blocks):
        if type(row) is not list or len(row) != width:
            raise serializers.ValidationError(
                {
                    "blocks": [
                        f"Row {row_index} must be a list of {width} blocks (the grid's width)."
                    ]
                }
            )
        for col_index, block in enumerate(row):
            if (
                type(block) is list
                and len(block) == 4
                and type(block[0]) is int
                and type(block[1]) is int
                and type(block[2]) is int
                and type(block[3]) is int
                and 0 <= block[0] <= 255
                and 0 <= block[1] <= 255
                and 0 <= block[2] <= 255
                and 1 <= block[3] <= max_size
            ):
                continue
            problem = block_problem(block)
            if problem:
                raise serializers.ValidationError(
                    {"blocks": [f"Block [{row_index}][{col_index}] {problem}."]}
                )
            row[col_index] = [int(n) for n in block]
        rows.append(row)
    return rows


class GridDataInputSerializer(ShallowCopiedFieldsSerializer):
    lines_on = StrictBooleanField()
    width = StrictIntegerField(min_value=1)
    height = StrictIntegerField(min_value=1)
    blocks = BlockRowsField()

    def validate(self, attrs):
        width, height = attrs["width"], attrs["height"]
        if width * height > settings.IPB_MAX_BLOCKS:
            raise serializers.ValidationError(
                {"blocks": [f"A grid may hold at most {settings.IPB_MAX_BLOCKS} blocks."]}
            )
        attrs["blocks"] = normalized_blocks(attrs["blocks"], width, height)
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
        grid_data = validated_data["grid_data"]
        return Grid.objects.create(
            python_version=validated_data["python_version"],
            ipb_version=validated_data["ipb_version"],
            ipb_class=validated_data["ipb_class"],
            code_cells=validated_data["code_cells"],
            secret=validated_data["secret"],
            width=grid_data["width"],
            height=grid_data["height"],
            lines_on=grid_data["lines_on"],
            blocks=grid_data["blocks"],
        )


def plainly_valid_post(data) -> dict | None:
    """GridPostSerializer's validated data for a post exactly as the client sends one, in one
    pass; None for anything else, which the serializer's fields then check one by one.

    DRF's field-by-field validation (a copy of each field for each post, run_validation,
    validators, nested serializers) was 0.9 million of a 10x10 post's 3.9 million instructions
    (callgrind). This pass only ever accepts, never refuses, and it accepts a subset of what
    the fields accept, with the same result: each test here is the strict form of a field's
    (exact ints, where the fields also take 3.0 for 3; a version that already matches
    VERSION_RE, which has no spaces for CharField to strip, no NUL and no surrogates).
    tests/api/test_post_validation.py holds the two to the same answers.
    """
    if type(data) is not dict:
        return None
    python_version = data.get("python_version")
    ipb_version = data.get("ipb_version")
    ipb_class = data.get("ipb_class")
    code_cells = data.get("code_cells", ())  # () is neither None nor a list: not plain
    grid_data = data.get("grid_data")
    if not (
        type(python_version) is list
        and len(python_version) == 5
        and is_plain_version_number(python_version[0])
        and is_plain_version_number(python_version[1])
        and is_plain_version_number(python_version[2])
        and is_plain_version_number(python_version[4])
        and is_plain_text(python_version[3], RELEASELEVEL_MAX_CHARS)
        and type(ipb_version) is str
        and len(ipb_version) <= IPB_VERSION_MAX_CHARS
        and VERSION_RE.fullmatch(ipb_version)
        and type(ipb_class) is str
        and ipb_class in GRID_CLASSES
        and type(data.get("secret")) is bool
        and (code_cells is None or are_plain_code_cells(code_cells))
        and type(grid_data) is dict
        and type(grid_data.get("lines_on")) is bool
    ):
        return None
    width, height, blocks = grid_data.get("width"), grid_data.get("height"), grid_data.get("blocks")
    if not (
        type(width) is int
        and type(height) is int
        and width >= 1
        and height >= 1
        and width * height <= settings.IPB_MAX_BLOCKS
        and type(blocks) is list
    ):
        return None
    try:
        blocks = normalized_blocks(blocks, width, height)
    except serializers.ValidationError:
        return None
    return {
        "python_version": list(python_version),
        "ipb_version": ipb_version,
        "ipb_class": ipb_class,
        "code_cells": code_cells,
        "secret": data["secret"],
        "grid_data": {
            "lines_on": grid_data["lines_on"],
            "width": width,
            "height": height,
            "blocks": blocks,
        },
    }


GRID_CLASSES = frozenset(Grid.GridClass.values)


def is_plain_version_number(value) -> bool:
    return type(value) is int and 0 <= value < VERSION_NUMBER_LIMIT


def is_plain_text(value, max_length: int) -> bool:
    """A str of at most max_length characters that check_storable_text() accepts."""
    return type(value) is str and len(value) <= max_length and is_storable_text(value)


def is_storable_text(text: str) -> bool:
    try:
        check_storable_text(text)
    except serializers.ValidationError:
        return False
    return True


def are_plain_code_cells(cells) -> bool:
    max_chars = settings.IPB_MAX_CODE_CELL_CHARS
    return (
        type(cells) is list
        and 0 < len(cells) <= settings.IPB_MAX_CODE_CELLS
        and all(is_plain_text(cell, max_chars) for cell in cells)
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


# The OpenAPI schema of the fields and serializers above (drf-spectacular; README, API schema and
# fuzzing), for what DRF's introspection cannot see: custom fields and validate_* methods. The
# limits are settings, so they are read here, when the schema is built, not at import time.


def posted_block_rows_schema() -> dict:
    colour = {"type": "integer", "minimum": 0, "maximum": 255}
    size = {"type": "integer", "minimum": 1, "maximum": settings.IPB_MAX_BLOCK_SIZE}
    block = {
        "type": "array",
        "description": "[red, green, blue, size]: colours 0..255, size the edge in pixels.",
        "prefixItems": [colour, colour, colour, size],
        "items": False,
        "minItems": 4,
        "maxItems": 4,
    }
    return rows_of(block)


def stored_block_rows_schema() -> dict:
    # Without prefixItems, which schemathesis 4.32 cannot check in a response (it rewrites them
    # into the draft 4 form, then validates by 2020-12). No largest size either: a grid keeps
    # its blocks if IPB_MAX_BLOCK_SIZE is lowered later.
    block = {
        "type": "array",
        "description": "[red, green, blue, size]: colours 0..255, size (at least 1) in pixels.",
        "items": {"type": "integer", "minimum": 0},
        "minItems": 4,
        "maxItems": 4,
    }
    return rows_of(block)


def rows_of(block: dict) -> dict:
    return {
        "type": "array",
        "description": "`height` rows of `width` blocks, row-major, the top-left block first.",
        "items": {"type": "array", "items": block},
    }


class CodeCellsFieldSchema(OpenApiSerializerFieldExtension):
    target_class = CodeCellsField

    def map_serializer_field(self, auto_schema, direction):
        return {
            "type": "array",
            "description": "The sources of the notebook cells the student chose, or null.",
            "items": {"type": "string", "maxLength": settings.IPB_MAX_CODE_CELL_CHARS},
            "minItems": 1,
            "maxItems": settings.IPB_MAX_CODE_CELLS,
        }


class BlockRowsFieldSchema(OpenApiSerializerFieldExtension):
    target_class = BlockRowsField

    def map_serializer_field(self, auto_schema, direction):
        return posted_block_rows_schema()


class GridPostSerializerSchema(OpenApiSerializerExtension):
    target_class = GridPostSerializer

    def map_serializer(self, auto_schema, direction):
        schema = super().map_serializer(auto_schema, direction)
        schema["properties"]["ipb_version"]["pattern"] = f"^{VERSION_RE.pattern}$"
        return schema


class GridDataSerializerSchema(OpenApiSerializerExtension):
    target_class = GridDataSerializer

    def map_serializer(self, auto_schema, direction):
        schema = super().map_serializer(auto_schema, direction)
        schema["properties"]["blocks"] = stored_block_rows_schema()
        return schema
