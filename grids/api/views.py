"""The API: glue between the serializers and the model, nothing more."""

import orjson
from django.http import Http404, HttpResponse
from rest_framework import mixins, status, viewsets
from rest_framework.views import exception_handler

from grids.api.negotiation import JSONOnlyNegotiation
from grids.api.parsers import one_large_post_at_a_time, release_parsed_body
from grids.api.schema import fetch_grid_schema, post_grid_schema
from grids.api.serializers import GridDataSerializer, GridPostSerializer, grid_data_json
from grids.api.throttles import PostRateThrottle
from grids.caching.keys import grid_cache_name, response_part
from grids.caching.responses import CachedResponse, build_and_cache_response
from grids.ids import is_well_formed_id
from grids.models import Grid


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

    def fields_of_a_new_grid(self) -> dict:
        """What a post here adds to the payload's fields: nothing; a class's post link files
        the grid in its class (classes/api.py). Asked before the body is read, so a refusal
        costs no parsing."""
        return {}

    def grid_posted(self, grid: Grid) -> None:
        """Told of each grid this route stored."""

    @post_grid_schema
    def create(self, request, *args, **kwargs):
        fields = self.fields_of_a_new_grid()
        # Before request.data is first read: a large body waits for its turn unread.
        with one_large_post_at_a_time(request):
            try:
                serializer = self.get_serializer(data=request.data)
                serializer.is_valid(raise_exception=True)
            finally:  # valid or refused: the blocks' lists may go before the store or answer
                release_parsed_body(request)
            grid = serializer.save(**fields)
        self.grid_posted(grid)
        # The client reads response.json()["url"] and shows it to the student (CONTRACT.md).
        url = request.build_absolute_uri(grid.get_absolute_url())
        # One key, always JSON (JSONOnlyNegotiation): written by orjson into a plain response,
        # as retrieve's answer is, rather than through DRF's Response and renderer, which cost
        # a small post a measurable share for one key (bench/RESULTS.md).
        return HttpResponse(orjson.dumps({"url": url}), content_type="application/json")

    @fetch_grid_schema
    def retrieve(self, request, *args, **kwargs):
        public_id = self.kwargs[self.lookup_field]
        # A malformed id (a NUL byte, 10 kB of text) names no grid, nor a valid cache key:
        # answered before the cache or the query.
        if not is_well_formed_id(public_id):
            raise Http404
        # Kept whole in the cache, from where CachedResponseMiddleware serves it while the grid
        # may be seen (grids/caching/responses.py): this runs only when the cache has no answer.
        cached = build_and_cache_response(
            grid_cache_name(public_id, secret=self.secret),
            response_part("get", secret=self.secret),
            build=lambda: CachedResponse.of(grid_data_json(self.get_object()), "application/json"),
            still_reachable=lambda: self.get_queryset().filter(public_id=public_id).exists(),
        )
        if cached is None:  # hidden while its response was being built
            raise Http404
        return cached.response(request, secret=self.secret)


NOT_FOUND_DETAIL = "No grid with that id."


def api_exception_handler(exc, context):
    """DRF's handler, with a JSON 404 body that says what was not found.

    An error whose detail is meant for a student (a class's post link that is unknown or
    closed, classes/api.py) keeps it, in the body and as the status line's reason phrase: the
    ipythonblocks client shows a failed post only as its status line.
    """
    response = exception_handler(exc, context)
    if response is None:
        return None
    if getattr(exc, "student_reads_it", False):
        response.reason_phrase = str(exc.detail)
    elif response.status_code == status.HTTP_404_NOT_FOUND:
        response.data = {"detail": NOT_FOUND_DETAIL}
    return response
