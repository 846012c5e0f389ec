"""The public pages. Each starts from Grid.objects.reachable() or public(), never from
Grid.objects.all(), so a secret grid cannot leak onto a public route."""

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponse, HttpResponseGone
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from grids.api.serializers import grid_data_json
from grids.caching.cache_control import allow_revalidated_caching
from grids.caching.keys import response_part
from grids.caching.pieces import cached_pieces, cached_renderings
from grids.caching.responses import CachedResponse, build_and_cache_response
from grids.forms import ReportForm
from grids.models import Grid, GridState
from grids.rendering.code import highlight_code_cells
from grids.rendering.html import render_grid
from grids.rendering.notebook import notebook_json
from grids.rendering.picture import (
    grid_card_png,
    grid_png,
    grid_svg,
    grid_thumbnail_picture_png,
)
from grids.rendering.png import grid_thumbnail_png, png_data_uri
from grids.site_url import absolute_url, client_url_constants
from grids.snippets import remix_snippet
from grids.throttling import anonymous_reporter, client_address, over_limit


def thumbnail_uris(grids: list[Grid]) -> dict[str, str]:
    """Each grid's thumbnail as a data: URI, by public id; its blocks load only on a miss."""

    def builder(grid):
        return lambda: png_data_uri(grid_thumbnail_png(grid))

    return cached_renderings("thumbnail", {grid.public_id: builder(grid) for grid in grids})


class HomeView(TemplateView):
    template_name = "grids/home.html"

    def get_context_data(self, **kwargs):
        latest = list(Grid.objects.public().latest()[: settings.IPB_HOME_LATEST_GRIDS])
        uris = thumbnail_uris(latest)
        for grid in latest:
            grid.thumbnail_uri = uris[grid.public_id]
        return super().get_context_data(latest_grids=latest, **kwargs)


class AboutView(TemplateView):
    template_name = "grids/about.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(client_urls=client_url_constants(), **kwargs)


class GridPageView(View):
    """A grid's page, built from Grid.objects.reachable() and kept whole in the cache, from
    where CachedResponseMiddleware serves it while the grid may be seen
    (grids/caching/responses.py): this view runs only when the cache has no response."""

    template_name = "grids/grid_detail.html"
    secret = False  # grids/urls.py passes secret=True for /secret/<id>

    def get(self, request, public_id):
        cached = build_and_cache_response(
            public_id,
            response_part("page", secret=self.secret),
            build=lambda: self.build_answer(request, public_id),
            still_reachable=lambda: self.reachable().filter(public_id=public_id).exists(),
        )
        if cached is None:
            return withheld_grid_page(request, public_id, secret=self.secret)
        return cached.response(request, secret=self.secret)

    def reachable(self):
        return Grid.objects.reachable(secret=self.secret)

    def build_answer(self, request, public_id) -> CachedResponse | None:
        try:
            # get(), not first(): public_id is unique, and first() would order by the newest.
            grid = self.reachable().with_blocks_json().get(public_id=public_id)
        except Grid.DoesNotExist:
            return None
        pieces = grid_page_pieces(grid, blocks_json=grid.blocks_json)
        context = {
            "grid": grid,
            "rendered": pieces["table"],
            "code_cells": pieces["code"],
            "remix_snippet": remix_snippet(grid),
            "page_url": absolute_url(grid.get_absolute_url()),
            "card_url": absolute_url(
                reverse("grids:secret-card" if grid.secret else "grids:card", args=[public_id])
            ),
            **remix_links(grid),
        }
        request.csp_style_hashes = []  # {% inline_style %} records the page's styles here
        html = render_to_string(self.template_name, context, request)
        return CachedResponse.of(
            html.encode(), "text/html; charset=utf-8", request.csp_style_hashes
        )


# Remixes a grid's page lists, the newest first, and grids its code pulled.
MOST_REMIXES_SHOWN = 24
MOST_PARENTS_SHOWN = 4


def remix_links(grid: Grid) -> dict:
    """What the grid was remixed from, and its remixes, each with its thumbnail: only grids
    the public may see (grids/remixes.py records parents whatever their state). The moderation
    verbs forget these pages with the grid's own (GridQuerySet._moderate)."""
    # One query for both: a cold page is built with as few round trips as it can.
    remixed_it = Grid.remixed_from.through.objects.filter(from_grid=grid.pk, to_grid=OuterRef("pk"))
    linked = list(
        Grid.objects.public()
        .filter(Q(remixes=grid) | Q(remixed_from=grid))
        .annotate(is_parent=Exists(remixed_it))
        .distinct()
        .latest()[: MOST_REMIXES_SHOWN + MOST_PARENTS_SHOWN]
    )
    parents = [linked_grid for linked_grid in linked if linked_grid.is_parent]
    remixes = [linked_grid for linked_grid in linked if not linked_grid.is_parent]
    parents, remixes = parents[:MOST_PARENTS_SHOWN], remixes[:MOST_REMIXES_SHOWN]
    uris = thumbnail_uris(parents + remixes)
    for linked in parents + remixes:
        linked.thumbnail_uri = uris[linked.public_id]
    return {"remixed_from": parents, "remixes": remixes}


def grid_page_pieces(grid: Grid, blocks_json: str | None = None) -> dict:
    """The grid's table and its highlighted code cells, from the cache or drawn now; from
    blocks_json if given (render_grid() says why), else from grid.blocks."""
    dom_id = f"grid-{grid.public_id}"
    return cached_pieces(
        grid.public_id,
        {
            "table": lambda: render_grid(grid, dom_id=dom_id, blocks_json=blocks_json),
            "code": lambda: highlight_code_cells(grid.code_cells),
        },
    )


def withheld_grid_page(request, public_id: str, *, secret: bool):
    """Say why a grid at this address cannot be seen, showing nothing of it; else 404."""
    grid = Grid.objects.withheld(secret=secret).filter(public_id=public_id).only("state").first()
    if grid is None:
        raise Http404
    if grid.state == GridState.AWAITING_APPROVAL:
        return render(request, "grids/grid_awaiting_approval.html", status=200)
    # 410 Gone: removed on purpose, and search engines drop it.
    return render(request, "grids/grid_removed.html", status=410)


class ReportGridView(View):
    """ "Report this grid": a short form for anyone who sees something hurtful."""

    secret = False  # grids/urls.py passes secret=True for /secret/<id>/report

    def get_grid(self):
        return get_object_or_404(
            Grid.objects.reachable(secret=self.secret).only("public_id", "secret", "state"),
            public_id=self.kwargs["public_id"],
        )

    def get(self, request, public_id):
        return self.form_page(request, self.get_grid(), ReportForm())

    def post(self, request, public_id):
        grid = self.get_grid()
        refused, retry_after = over_limit(
            "report", client_address(request), settings.IPB_THROTTLE_REPORTS
        )
        if refused:
            response = render(request, "grids/report_throttled.html", status=429)
            response["Retry-After"] = str(retry_after)
            return response
        form = ReportForm(request.POST)
        if not form.is_valid():
            return self.form_page(request, grid, form, status=400)
        grid.record_report(
            reason=form.cleaned_data["reason"],
            details=form.cleaned_data["details"],
            reporter=anonymous_reporter(request),
        )
        # Post, redirect, get: reloading the thanks never sends the report again.
        route = "grids:secret-report-sent" if grid.secret else "grids:report-sent"
        response = redirect(route, public_id=grid.public_id)
        response.status_code = 303  # "see this other page", fetched with GET
        return response

    def form_page(self, request, grid, form, status=200):
        # The grid's picture, so the visitor sees which grid they are about to report.
        context = {
            "grid": grid,
            "form": form,
            "thumbnail_uri": thumbnail_uris([grid])[grid.public_id],
        }
        return render(request, "grids/report_form.html", context, status=status)


class ReportSentView(ReportGridView):
    """The thanks after a report, at its own address (ReportGridView.post says why)."""

    http_method_names = ["get", "head", "options"]

    def get(self, request, public_id):
        return render(request, "grids/report_thanks.html", {"grid": self.get_grid()})


class GridDownloadView(View):
    """A grid to keep: /<id>.json (what /get answers) and /<id>.ipynb (grids/rendering/
    notebook.py), as files. Built from Grid.objects.reachable() on every request, not cached:
    downloads are rare, and a hidden grid's are gone at once with nothing to forget."""

    secret = False  # grids/urls.py passes secret=True for the /secret/ routes
    kind = "json"  # or "ipynb"
    CONTENT_TYPES = {"json": "application/json", "ipynb": "application/x-ipynb+json"}

    def get(self, request, public_id):
        grids = Grid.objects.reachable(secret=self.secret)
        if self.kind == "json":
            grid = get_object_or_404(grids.with_blocks_json(), public_id=public_id)
            body = grid_data_json(grid)
        else:
            grid = get_object_or_404(grids, public_id=public_id)
            body = notebook_json(grid)
        response = HttpResponse(body, content_type=self.CONTENT_TYPES[self.kind])
        response["Content-Disposition"] = f'attachment; filename="{grid.public_id}.{self.kind}"'
        if self.secret:
            response["X-Robots-Tag"] = "noindex"
        return allow_revalidated_caching(response, secret=self.secret)


class RandomGridView(View):
    def get(self, request):
        # Only what the redirect needs: never the blocks, which can be megabytes of JSON.
        grid = Grid.objects.public().only("public_id", "secret").random_one()
        if grid is None:
            return render(request, "grids/no_grids_yet.html")
        # 303: "see this other page", and never cached as the answer for /random itself.
        response = redirect(grid.get_absolute_url())
        response.status_code = 303
        response["Cache-Control"] = "no-store"
        return response


class GridPictureView(View):
    """A grid's picture (grids/rendering/picture.py), kept whole in the cache like its page and
    served from there by CachedResponseMiddleware while the grid may be seen."""

    secret = False  # grids/urls.py passes secret=True for the /secret/ routes
    part = "png"  # a key of PICTURES
    PICTURES = {
        "png": (grid_png, "image/png"),
        "svg": (lambda grid, blocks_json: grid_svg(grid, blocks_json).encode(), "image/svg+xml"),
        "thumbnail-png": (grid_thumbnail_picture_png, "image/png"),
        "card-png": (grid_card_png, "image/png"),
    }

    def get(self, request, public_id):
        cached = build_and_cache_response(
            public_id,
            response_part(self.part, secret=self.secret),
            build=lambda: self.build_answer(public_id),
            still_reachable=lambda: self.reachable().filter(public_id=public_id).exists(),
        )
        if cached is None:
            return withheld_grid_picture(public_id, secret=self.secret)
        return cached.response(request, secret=self.secret)

    def reachable(self):
        return Grid.objects.reachable(secret=self.secret)

    def build_answer(self, public_id) -> CachedResponse | None:
        grid = self.reachable().with_blocks_json().filter(public_id=public_id).first()
        if grid is None:
            return None
        draw, content_type = self.PICTURES[self.part]
        return CachedResponse.of(draw(grid, grid.blocks_json), content_type)


def withheld_grid_picture(public_id: str, *, secret: bool):
    """No picture of a grid that may not be seen: 410 if a moderator removed it, as its page
    says, else 404 (a grid waiting for a teacher has a page that says so, but no picture)."""
    grid = Grid.objects.withheld(secret=secret).filter(public_id=public_id).only("state").first()
    if grid is None or grid.state != GridState.HIDDEN:
        raise Http404
    return HttpResponseGone()
