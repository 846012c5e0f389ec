"""The public pages. Each starts from Grid.objects.reachable() or public(), never from
Grid.objects.all(), so a secret grid cannot leak onto a public route."""

import functools
import re
from datetime import UTC, datetime

from csp.decorators import csp_replace
from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpResponse, HttpResponseGone, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.generic import TemplateView

from grids.api.serializers import grid_data_json
from grids.caching.cache_control import allow_revalidated_caching
from grids.caching.keys import grid_cache_name, response_part
from grids.caching.pieces import cached_pieces, cached_renderings
from grids.caching.responses import (
    CachedResponse,
    build_and_cache_listing,
    build_and_cache_response,
    load_response,
)
from grids.embeds import (
    NaturalSize,
    grid_embed,
    grid_named_by,
    measured_size,
    natural_size,
    oembed_answer,
    oembed_limits,
)
from grids.forms import ReportForm
from grids.ids import grid_id_in, is_well_formed_id, names_a_secret_grid
from grids.models import Grid, GridState
from grids.rendering.code import highlight_code_cells
from grids.rendering.html import flat_blocks, render_grid
from grids.rendering.notebook import notebook_json
from grids.rendering.picture import (
    changed_blocks_png,
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
    """Each grid's thumbnail as a data: URI, by Grid.cache_name; its blocks load only on a
    miss."""

    def builder(grid):
        return lambda: png_data_uri(grid_thumbnail_png(grid))

    return cached_renderings("thumbnail", {grid.cache_name: builder(grid) for grid in grids})


def rendered_page(request, template_name: str, context: dict) -> CachedResponse:
    """A page rendered whole, to be cached, with the hashes of its inline styles."""
    request.csp_style_hashes = []  # {% inline_style %} records the page's styles here
    html = render_to_string(template_name, context, request)
    return CachedResponse.of(html.encode(), "text/html; charset=utf-8", request.csp_style_hashes)


# Featured grids the home page shows above the latest.
HOME_FEATURED_GRIDS = 6


class HomeView(View):
    """The home page: featured grids and the latest. Kept whole in the cache, from where
    CachedResponseMiddleware serves it; built again a few seconds after a post, at once after
    a moderation (grids/caching/keys.py, LISTING_FRESH_SECONDS)."""

    template_name = "grids/home.html"

    def get(self, request):
        cached = build_and_cache_listing(
            "home", lambda: rendered_page(request, self.template_name, self.context())
        )
        return cached.response(request, secret=False)

    def context(self) -> dict:
        latest = list(Grid.objects.public().latest()[: settings.IPB_HOME_LATEST_GRIDS])
        featured = list(Grid.objects.featured()[:HOME_FEATURED_GRIDS])
        uris = thumbnail_uris(latest + featured)
        for grid in latest + featured:
            grid.thumbnail_uri = uris[grid.cache_name]
        return {"latest_grids": latest, "featured_grids": featured}


# Cards on a page of the gallery.
GALLERY_PAGE_SIZE = 24


class GalleryView(View):
    """Public grids as picture cards, newest first, a page at a time by keyset: ?before=<the
    last card's cursor> reads on from there through the public grids' index, so a page deep
    in the gallery costs what the first does, and students posting meanwhile move nothing.
    /gallery/featured is the same for the grids teachers featured, the latest featured first.
    The first page is kept whole in the cache like the home page; later ones are built for
    each request."""

    template_name = "grids/gallery.html"
    featured = False  # grids/urls.py passes featured=True for /gallery/featured

    def get(self, request):
        before = request.GET.get("before")
        if before is not None:
            return render(request, self.template_name, self.context(before))
        cached = build_and_cache_listing(
            "featured" if self.featured else "gallery",
            lambda: rendered_page(request, self.template_name, self.context(None)),
        )
        return cached.response(request, secret=False)

    def context(self, before: str | None) -> dict:
        grids = Grid.objects.featured() if self.featured else Grid.objects.public().latest()
        if before is not None:
            at, pk = gallery_cursor_parts(before)
            grids = grids.featured_before(at, pk) if self.featured else grids.posted_before(at, pk)
        shown = list(grids[: GALLERY_PAGE_SIZE + 1])
        more = len(shown) > GALLERY_PAGE_SIZE
        shown = shown[:GALLERY_PAGE_SIZE]
        remix_counts = public_remix_counts([grid.pk for grid in shown])
        for grid in shown:
            grid.thumbnail_uri = reverse("grids:thumbnail", args=[grid.public_id])
            grid.remix_count = remix_counts.get(grid.pk, 0)
        next_cursor = gallery_cursor(shown[-1], featured=self.featured) if more else None
        return {
            "grids": shown,
            "next_cursor": next_cursor,
            "first_page": before is None,
            "featured": self.featured,
        }


def public_remix_counts(pks: list[int]) -> dict[int, int]:
    """How many public remixes each of these grids has: a query of its own, so the page's
    grids are read straight from the public grids' index, in order, with no grouping."""
    links = Grid.remixed_from.through.objects.filter(
        to_grid__in=pks, from_grid__state=GridState.PUBLISHED, from_grid__secret=False
    )
    return dict(links.values_list("to_grid").annotate(count=Count("from_grid")))


def gallery_cursor(grid: Grid, *, featured: bool = False) -> str:
    """Where the next page starts: the last card's time (microseconds; when it was featured,
    in the Featured view) and key."""
    at = grid.featured_at if featured else grid.created_at
    return f"{int(at.timestamp() * 1_000_000)}-{grid.pk}"


def gallery_cursor_parts(cursor: str):
    """The time and key of a cursor; 404 for anything else, which no link of ours makes."""
    match = re.fullmatch(r"(\d{1,18})-(\d{1,18})", cursor)
    if match is None:
        raise Http404("No such page of the gallery.")
    microseconds, pk = map(int, match.groups())
    try:
        created_at = datetime.fromtimestamp(microseconds / 1_000_000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise Http404("No such page of the gallery.") from None
    return created_at, pk


class OpenGridView(View):
    """The box that opens a grid by its id or a pasted link (the gallery and the home page)."""

    def get(self, request):
        text = request.GET.get("grid", "")
        public_id = grid_id_in(text)
        secret = names_a_secret_grid(text)
        grid = None
        if is_well_formed_id(public_id):
            grid = (
                Grid.objects.reachable(secret=secret)
                .filter(public_id=public_id)
                .only("public_id", "secret")
                .first()
            )
        if grid is None:
            context = {"asked": text[:200]}
            return render(request, "grids/no_such_grid.html", context, status=404)
        response = redirect(grid.get_absolute_url())
        response.status_code = 303
        return response


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
            grid_cache_name(public_id, secret=self.secret),
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
            "embed": grid_embed(grid, NaturalSize(*pieces["natural-size"])),
            "remix_snippet": remix_snippet(grid),
            "page_url": absolute_url(grid.get_absolute_url()),
            "card_url": absolute_url(
                reverse("grids:secret-card" if grid.secret else "grids:card", args=[public_id])
            ),
            **remix_links(grid),
        }
        show_changes_from_parents(grid, context["remixed_from"])
        return rendered_page(request, self.template_name, context)


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
        linked.thumbnail_uri = uris[linked.cache_name]
    return {"remixed_from": parents, "remixes": remixes}


def show_changes_from_parents(grid: Grid, parents: list[Grid]) -> None:
    """Give each parent of the same shape a picture of what this remix changed from it
    (changes_uri, changed_blocks): one more query, for the parents' blocks, and only on the
    page of a remix with such a parent."""
    same_shape = [
        parent.pk
        for parent in parents
        if (parent.width, parent.height) == (grid.width, grid.height)
    ]
    if not same_shape:
        return
    stored = Grid.objects.public().with_blocks_json().in_bulk(same_shape)
    width, height = int(grid.width), int(grid.height)
    numbers = flat_blocks(grid, width, height, getattr(grid, "blocks_json", None))
    for parent in parents:
        if parent.pk in stored:
            parent_numbers = flat_blocks(parent, width, height, stored[parent.pk].blocks_json)
            picture, parent.changed_blocks = changed_blocks_png(grid, numbers, parent_numbers)
            parent.changes_uri = png_data_uri(picture)


def grid_page_pieces(grid: Grid, blocks_json: str | None = None) -> dict:
    """The grid's table, its highlighted code cells and its size in pixels (NaturalSize's
    fields), from the cache or drawn now; from blocks_json if given (render_grid() says why),
    else from grid.blocks, which are read once for the table and the size."""
    dom_id = f"grid-{grid.public_id}"

    @functools.cache
    def numbers() -> list:
        return flat_blocks(grid, int(grid.width), int(grid.height), blocks_json)

    return cached_pieces(
        grid.cache_name,
        {
            "table": lambda: render_grid(grid, dom_id=dom_id, numbers=numbers()),
            "code": lambda: highlight_code_cells(grid.code_cells),
            "natural-size": lambda: measured_size(grid, numbers()),
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
            "thumbnail_uri": thumbnail_uris([grid])[grid.cache_name],
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
        # 303: "see this other page", and never cached as the answer for /random itself. The
        # page, cached whole, offers another random grid when it sees ?from=random
        # (static/grids/js/random-again.js).
        response = redirect(grid.get_absolute_url() + "?from=random")
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
            grid_cache_name(public_id, secret=self.secret),
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


def framable_by_embedders(response):
    """Let the sites of IPB_EMBED_FRAME_ANCESTORS frame this response; every other page keeps
    the site's frame-ancestors 'none' (ipbsite/settings.py)."""
    allow = csp_replace({"frame-ancestors": settings.IPB_EMBED_FRAME_ANCESTORS})
    return allow(lambda: response)()


# Not X-Frame-Options: DENY, which the browser would obey whatever frame-ancestors says.
@method_decorator(xframe_options_exempt, name="dispatch")
class GridEmbedView(View):
    """A grid alone, for other sites' frames (/embed/<id>): its table and its name in words, no
    links or forms. Cached whole like its page (the moderation verbs forget it with the page),
    and withheld like its pictures (hidden: 410, waiting or unknown: 404). Read from the cache
    here, not by CachedResponseMiddleware: its frame policy is this view's."""

    template_name = "grids/embed.html"
    secret = False  # grids/urls.py passes secret=True for /embed/secret/<id>

    def get(self, request, public_id):
        part = response_part("embed", secret=self.secret)
        grid_name = grid_cache_name(public_id, secret=self.secret)
        cached = load_response(grid_name, part) or build_and_cache_response(
            grid_name,
            part,
            build=lambda: self.build_answer(request, public_id),
            still_reachable=lambda: self.reachable().filter(public_id=public_id).exists(),
        )
        if cached is None:
            return framable_by_embedders(withheld_grid_picture(public_id, secret=self.secret))
        return framable_by_embedders(cached.response(request, secret=self.secret))

    def reachable(self):
        return Grid.objects.reachable(secret=self.secret)

    def build_answer(self, request, public_id) -> CachedResponse | None:
        try:
            grid = self.reachable().with_blocks_json().get(public_id=public_id)
        except Grid.DoesNotExist:
            return None
        context = {"grid": grid, "rendered": grid_page_pieces(grid, grid.blocks_json)["table"]}
        return rendered_page(request, self.template_name, context)


class OEmbedView(View):
    """oEmbed for a grid page's URL (grids/embeds.py): what a class blog reads to show a pasted
    grid link as its embed. From Grid.objects.reachable() on every request, not cached: a hidden
    grid's answer is gone at once, with nothing to forget."""

    def get(self, request):
        if request.GET.get("format", "json") != "json":
            return JsonResponse({"detail": "Only format=json is offered."}, status=501)
        named = grid_named_by(request.GET.get("url", ""))
        if named is None:
            return JsonResponse({"detail": "No grid page of this site at that url."}, status=404)
        public_id, secret = named
        try:
            max_width, max_height = oembed_limits(request.GET)
        except ValueError:
            detail = "maxwidth and maxheight must be whole numbers of pixels, at least 1."
            return JsonResponse({"detail": detail}, status=400)
        # Not the blocks: the grid's size is cached (natural_size), and loads them on a miss.
        grid = self.reachable(secret).defer("blocks").filter(public_id=public_id).first()
        if grid is None:
            return JsonResponse({"detail": "No grid page of this site at that url."}, status=404)
        answer = oembed_answer(grid, natural_size(grid), max_width, max_height)
        response = JsonResponse(answer)
        if secret:
            response["X-Robots-Tag"] = "noindex"
        return allow_revalidated_caching(response, secret=secret)

    def reachable(self, secret: bool):
        return Grid.objects.reachable(secret=secret)
