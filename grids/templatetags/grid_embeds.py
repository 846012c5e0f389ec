from django import template

from grids.embeds import grid_embed as build_grid_embed

register = template.Library()


@register.simple_tag
def grid_embed(grid):
    """{% grid_embed grid as embed %}: the grid page's iframe snippet and oEmbed discovery URL
    (grids/embeds.py). The page is cached whole, so this runs once per grid, not per request."""
    return build_grid_embed(grid, getattr(grid, "blocks_json", None))
