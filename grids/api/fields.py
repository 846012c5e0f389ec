"""The fields of the API's payloads, strict about JSON types.

A colour is a number, not "12"; a flag is true or false, not "yes": the client always sends
real JSON types, and guessing at anything else would store data the client cannot read back.
Text PostgreSQL cannot store (NUL, lone surrogates) is refused here, not by the insert.
"""

import re
import sys
from dataclasses import dataclass

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

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


@dataclass(frozen=True)
class PostLimits:
    """The site's size limits on a post. A serializer's context may carry others ("limits"):
    the imports check old grids by every rule of a post but these (grids/transfer/)."""

    max_blocks: int
    max_block_size: int
    max_code_cells: int
    max_code_cell_chars: int

    @classmethod
    def of_the_site(cls) -> "PostLimits":
        return cls(
            settings.IPB_MAX_BLOCKS,
            settings.IPB_MAX_BLOCK_SIZE,
            settings.IPB_MAX_CODE_CELLS,
            settings.IPB_MAX_CODE_CELL_CHARS,
        )


NO_SIZE_LIMITS = PostLimits(sys.maxsize, sys.maxsize, sys.maxsize, sys.maxsize)


def post_limits(field: serializers.Field) -> PostLimits:
    return field.context.get("limits") or PostLimits.of_the_site()


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
        limits = post_limits(self)
        if len(data) > limits.max_code_cells:
            self.fail("too_many", max_cells=limits.max_code_cells)
        for index, cell in enumerate(data):
            if type(cell) is not str:
                self.fail("invalid")
            if len(cell) > limits.max_code_cell_chars:
                self.fail("too_long", index=index, max_chars=limits.max_code_cell_chars)
            try:
                check_storable_text(cell)
            except serializers.ValidationError as error:
                self.fail("bad_text", index=index, problem=error.detail[0])
        return data

    def to_representation(self, value):
        return value


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
