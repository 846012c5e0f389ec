"""The API's OpenAPI schema (drf-spectacular; docs/api.md), where DRF's introspection cannot
see: custom fields, validate_* methods, the error bodies and the two actions' documentation.

The limits are settings, so they are read when the schema is built, not at import time.
"""

from django.conf import settings
from drf_spectacular.extensions import OpenApiSerializerExtension, OpenApiSerializerFieldExtension
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers

from grids.api.fields import VERSION_RE, BlockRowsField, CodeCellsField
from grids.api.serializers import GridDataSerializer, GridPostSerializer
from grids.ids import GridIdConverter


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


# The error bodies' shapes.
DETAIL_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "description": (
        'Each invalid field with a list of messages, nested under "grid_data" for its fields '
        '({"grid_data": {"width": ["Must be a whole number."]}}); or {"detail": message} when '
        "the body is not JSON."
    ),
    "minProperties": 1,
    "additionalProperties": {
        "anyOf": [
            {"type": "string"},
            {"type": "array", "items": {"type": "string"}},
            {"type": "object"},
        ]
    },
}
# Said by ipbsite/http/database_unavailable.py, on every route, while the database is down.
DATABASE_UNAVAILABLE = OpenApiResponse(
    DETAIL_SCHEMA,
    description="The database cannot be reached right now; nothing was stored. Try again "
    "after the Retry-After seconds.",
)


# What a post may be answered (a class's post link adds its own: classes/api.py).
POST_GRID_RESPONSES = {
    200: OpenApiResponse(
        inline_serializer("GridPosted", {"url": serializers.URLField()}),
        description="Stored: the absolute URL of the grid's page (`/secret/...` if secret).",
    ),
    400: OpenApiResponse(FIELD_ERRORS_SCHEMA, description="Not a valid grid."),
    413: OpenApiResponse(DETAIL_SCHEMA, description="Body over IPB_MAX_BODY_BYTES."),
    429: OpenApiResponse(
        DETAIL_SCHEMA,
        description="Over IPB_THROTTLE_POSTS from this address; see Retry-After.",
    ),
    503: DATABASE_UNAVAILABLE,
}

# What GridViewSet.create and GridViewSet.retrieve say of themselves.
post_grid_schema = extend_schema(
    summary="Store a grid",
    tags=["grids"],
    description=(
        "What `grid.post_to_web()` sends. The client sends no Content-Type; the body is "
        "JSON whatever it is labelled. Unknown keys are ignored. A rejected post stores "
        "nothing."
    ),
    request={"application/json": GridPostSerializer},
    examples=[
        OpenApiExample(
            "A 3x2 BlockGrid",
            request_only=True,
            value={
                "python_version": [3, 11, 7, "final", 0],
                "ipb_version": "1.9.1",
                "ipb_class": "BlockGrid",
                "code_cells": None,
                "secret": False,
                "grid_data": {
                    "lines_on": True,
                    "width": 3,
                    "height": 2,
                    "blocks": [
                        [[255, 0, 0, 20], [0, 255, 0, 20], [0, 0, 255, 20]],
                        [[0, 0, 0, 20], [128, 128, 128, 20], [255, 255, 255, 20]],
                    ],
                },
            },
        ),
    ],
    responses=POST_GRID_RESPONSES,
)


fetch_grid_schema = extend_schema(
    summary="Fetch a grid's data",
    tags=["grids"],
    parameters=[
        OpenApiParameter(
            "public_id",
            str,
            OpenApiParameter.PATH,
            description="The last path segment of the URL the post answered.",
            pattern=f"^{GridIdConverter.regex}$",
        )
    ],
    description=(
        "What `BlockGrid.from_web(id)` reads. The `/secret/` routes answer only secret "
        "grids, the others only public ones; hidden grids and malformed ids are 404."
    ),
    responses={
        200: GridDataSerializer,
        404: OpenApiResponse(DETAIL_SCHEMA, description="No such grid at this route."),
        503: DATABASE_UNAVAILABLE,
    },
)
