"""A grid on other sites: the iframe snippet of its embed (/embed/<id>), and the oEmbed answer
(oembed.com, 2.3.4.4 "The rich type") that turns a grid link pasted into a class blog or a
learning platform into that snippet.

Sizes are the grid's own pixels as the notebook draws it (grids/rendering/picture.py), scaled
down, never up, to EMBED_MAX_SIDE or a consumer's maxwidth and maxheight, keeping its shape.
Every URL starts with IPB_SITE_URL (grids/site_url.py): snippets are pasted on other sites.
"""

import math
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve, reverse
from django.utils.html import format_html

from grids.caching.pieces import cached_pieces
from grids.models import Grid
from grids.rendering.picture import grid_layout, thumbnail_size
from grids.site_url import absolute_url

# An embed's largest side in a snippet, in CSS pixels: a blog column's width.
EMBED_MAX_SIDE = 600
PROVIDER_NAME = "ipythonblocks"


@dataclass(frozen=True)
class NaturalSize:
    """The grid's picture and its thumbnail, in pixels."""

    width: int
    height: int
    thumbnail_width: int
    thumbnail_height: int


def natural_size(grid: Grid) -> NaturalSize:
    """From the cache, or measured now from the grid's blocks (loaded if deferred)."""
    pieces = cached_pieces(grid.cache_name, {"natural-size": lambda: measured_size(grid)})
    return NaturalSize(*pieces["natural-size"])


def measured_size(grid: Grid, numbers: list | None = None) -> tuple[int, int, int, int]:
    """The grid's "natural-size" piece (NaturalSize's fields); from numbers if given, as
    render_grid() takes them."""
    layout = grid_layout(grid, numbers=numbers)
    return (layout.pixel_width, layout.pixel_height, *thumbnail_size(layout))


def fitted(width: int, height: int, max_width: int, max_height: int) -> tuple[int, int]:
    """width x height scaled down, keeping its shape, to fit max_width x max_height."""
    scale = min(1, max_width / width, max_height / height)
    return max(1, math.floor(width * scale)), max(1, math.floor(height * scale))


def embed_url(grid: Grid) -> str:
    route = "grids:secret-embed" if grid.secret else "grids:embed"
    return absolute_url(reverse(route, args=[grid.public_id]))


def embed_title(grid: Grid) -> str:
    return f"{grid.ipb_class} {grid.public_id} on {PROVIDER_NAME}"


def iframe_snippet(grid: Grid, width: int, height: int) -> str:
    """The HTML another site pastes to show the grid."""
    return format_html(
        '<iframe src="{}" width="{}" height="{}" title="{}" loading="lazy"></iframe>',
        embed_url(grid),
        width,
        height,
        embed_title(grid),
    )


def oembed_discovery_url(grid: Grid) -> str:
    """Where a consumer that read the grid page's <link rel="alternate"> asks for its embed."""
    query = urlencode({"url": absolute_url(grid.get_absolute_url()), "format": "json"})
    return absolute_url(reverse("grids:oembed")) + "?" + query


def grid_named_by(url: str) -> tuple[str, bool] | None:
    """(public id, secret) of the grid page this site's URL names, over http or https, with or
    without a trailing slash; None for any other URL, host or page."""
    site = urlsplit(settings.IPB_SITE_URL)
    try:
        parts = urlsplit(url.strip())
        same_site = parts.hostname == site.hostname and parts.port == site.port
        match = resolve(parts.path.rstrip("/") or "/")
    except (ValueError, Resolver404):
        return None
    if parts.scheme not in {"http", "https"} or not same_site:
        return None
    pages = {"grids:page": False, "grids:secret-page": True}
    if match.view_name not in pages:
        return None
    return match.kwargs["public_id"], pages[match.view_name]


def oembed_limits(query) -> tuple[int, int]:
    """The consumer's maxwidth and maxheight (whole pixels, at least 1), within EMBED_MAX_SIDE;
    raises ValueError for anything else."""
    limits = []
    for name in ("maxwidth", "maxheight"):
        value = query.get(name, "").strip()
        limit = int(value) if value else EMBED_MAX_SIDE
        if limit < 1:
            raise ValueError(f"{name} must be a whole number of pixels, at least 1")
        limits.append(min(limit, EMBED_MAX_SIDE))
    return limits[0], limits[1]


def oembed_answer(grid: Grid, size: NaturalSize, max_width: int, max_height: int) -> dict:
    """oEmbed's rich answer for a grid; the thumbnail only if it fits the limits, as the spec
    asks of it."""
    width, height = fitted(size.width, size.height, max_width, max_height)
    answer = {
        "type": "rich",
        "version": "1.0",
        "title": embed_title(grid),
        "provider_name": PROVIDER_NAME,
        "provider_url": settings.IPB_SITE_URL,
        "html": iframe_snippet(grid, width, height),
        "width": width,
        "height": height,
    }
    if size.thumbnail_width <= max_width and size.thumbnail_height <= max_height:
        thumbnail_route = "grids:secret-thumbnail" if grid.secret else "grids:thumbnail"
        answer |= {
            "thumbnail_url": absolute_url(reverse(thumbnail_route, args=[grid.public_id])),
            "thumbnail_width": size.thumbnail_width,
            "thumbnail_height": size.thumbnail_height,
        }
    return answer


@dataclass(frozen=True)
class GridEmbed:
    """What a grid's page offers to share it on other sites."""

    snippet: str
    oembed_url: str


def grid_embed(grid: Grid, size: NaturalSize) -> GridEmbed:
    width, height = fitted(size.width, size.height, EMBED_MAX_SIDE, EMBED_MAX_SIDE)
    return GridEmbed(iframe_snippet(grid, width, height), oembed_discovery_url(grid))
