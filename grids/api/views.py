"""The API: glue between the serializers and the model, nothing more."""

import orjson
from django.http import Http404, HttpResponse, JsonResponse
from django.views import defaults
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.views import exception_handler

from grids.api.negotiation import JSONOnlyNegotiation
from grids.api.parsers import release_parsed_body
from grids.api.paths import is_api_path
from grids.api.serializers import GridDataSerializer, GridPostSerializer, grid_data_json
from grids.api.throttles import PostRateThrottle
from grids.ids import GridIdConverter, is_well_formed_id
from grids.models import Grid
from grids.render_cache import CachedAnswer, answer_part, build_and_keep_answer

# The answers' shapes, for the OpenAPI schema (README, API schema and fuzzing).
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
# Said by grids/unavailable.py, for every route, while the database cannot be reached.
DATABASE_UNAVAILABLE = OpenApiResponse(
    DETAIL_SCHEMA,
    description="The database cannot be reached right now; nothing was stored. Try again "
    "after the Retry-After seconds.",
)


class GridViewSet(mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Post a grid, fetch a grid's data. grids/api/urls.py binds the client's legacy routes
    and /api/ to these same two actions."""

    lookup_field = "public_id"
    content_negotiation_class = JSONOnlyNegotiation
    secret = False  # grids/api/urls.py passes secret=True for the /secret/ routes

    def get_queryset(self):
        grids = Grid.objects.reachable(secret=self.secret)
        # /get sends the blocks as stored, never decoded (grid_data_json).
        return grids.with_blocks_json() if self.action == "retrieve" else grids

    def get_throttles(self):
        # Only a post stores anything; fetches are cheap reads and scripts remix in loops.
        return [PostRateThrottle()] if self.action == "create" else []

    def get_serializer_class(self):
        return GridPostSerializer if self.action == "create" else GridDataSerializer

    def get_object(self):
        # A malformed id (a NUL byte, 10 kB of text) can name no grid; answer before the query.
        if not is_well_formed_id(self.kwargs[self.lookup_field]):
            raise Http404
        return super().get_object()

    @extend_schema(
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
        responses={
            200: OpenApiResponse(
                inline_serializer("GridPosted", {"url": serializers.URLField()}),
                description="Stored: the absolute URL of the grid's page (`/secret/...` if "
                "secret).",
            ),
            400: OpenApiResponse(FIELD_ERRORS_SCHEMA, description="Not a valid grid."),
            413: OpenApiResponse(DETAIL_SCHEMA, description="Body over IPB_MAX_BODY_BYTES."),
            429: OpenApiResponse(
                DETAIL_SCHEMA,
                description="Over IPB_THROTTLE_POSTS from this address; see Retry-After.",
            ),
            503: DATABASE_UNAVAILABLE,
        },
    )
    def create(self, request, *args, **kwargs):
        try:
            serializer = self.get_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            grid = serializer.save()
        finally:  # stored or refused: the blocks' lists may go before the answer
            release_parsed_body(request)
        # The client reads response.json()["url"] and shows it to the student (CONTRACT.md).
        url = request.build_absolute_uri(grid.get_absolute_url())
        # One key, always JSON (JSONOnlyNegotiation): written by orjson into a plain response,
        # as retrieve's answer is, rather than through DRF's Response and renderer, which were
        # 0.12 million of a 10x10 post's 3.0 million instructions (bench/RESULTS.md).
        return HttpResponse(orjson.dumps({"url": url}), content_type="application/json")

    @extend_schema(
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
    def retrieve(self, request, *args, **kwargs):
        public_id = self.kwargs[self.lookup_field]
        if not is_well_formed_id(public_id):  # nor a valid cache key
            raise Http404
        # Kept whole in the cache, from where CachedAnswerMiddleware serves it while the grid
        # may be seen (grids/render_cache.py): this runs only when the cache has no answer.
        answer = build_and_keep_answer(
            public_id,
            answer_part("get", secret=self.secret),
            build=lambda: CachedAnswer.of(grid_data_json(self.get_object()), "application/json"),
            still_reachable=lambda: self.get_queryset().filter(public_id=public_id).exists(),
        )
        if answer is None:  # hidden while its answer was being built
            raise Http404
        return answer.response(request, secret=self.secret)


NOT_FOUND_DETAIL = "No grid with that id."


def api_exception_handler(exc, context):
    """DRF's handler, with a JSON 404 body that says what was not found."""
    response = exception_handler(exc, context)
    if response is not None and response.status_code == status.HTTP_404_NOT_FOUND:
        response.data = {"detail": NOT_FOUND_DETAIL}
    return response


def page_not_found(request, exception):
    """The site's handler404: JSON under the API's paths, the site's 404 page elsewhere."""
    if is_api_path(request.path_info):
        return JsonResponse({"detail": NOT_FOUND_DETAIL}, status=status.HTTP_404_NOT_FOUND)
    return defaults.page_not_found(request, exception)
