"""Exercises: how much of a grid matches its class's target grid, block by block."""

from dataclasses import dataclass

from django.core.cache import cache

from grids.caching.keys import RENDERED_TTL_SECONDS
from grids.models import Grid
from grids.rendering.html import flat_blocks


@dataclass(frozen=True)
class Match:
    """A grid compared with the target: the share of blocks of the same colour, or None when
    the shapes differ (the wall then says so)."""

    percent: int | None

    @property
    def label(self) -> str:
        if self.percent is None:
            return "Not the target's shape"
        return f"{self.percent}% of blocks match"


def colours_of(grid: Grid) -> list[tuple[int, int, int]]:
    """(red, green, blue) of each block, row by row; sizes are ignored. From the stored text
    when the grid was read with_blocks_json()."""
    numbers = flat_blocks(grid, grid.width, grid.height, getattr(grid, "blocks_json", None))
    return list(zip(numbers[0::4], numbers[1::4], numbers[2::4], strict=True))


def match_with_target(target: Grid, target_colours: list, grid: Grid) -> Match:
    if (grid.width, grid.height) != (target.width, target.height):
        return Match(None)
    same = sum(
        1 for ours, theirs in zip(colours_of(grid), target_colours, strict=True) if ours == theirs
    )
    # Rounded down: 99.9% is not yet "100% of blocks match".
    return Match(same * 100 // len(target_colours))


def target_match(grid: Grid) -> Match | None:
    """The grid against its class's target, None if it has none: for a list that shows a row
    per grid (the admin's), each pair compared once and kept, since grids never change."""
    school_class = grid.school_class
    if school_class is None or school_class.target_id is None:
        return None
    key = f"target-match:{grid.pk}:{school_class.target_id}"
    match = cache.get(key)
    if match is None:
        pair = {
            g.pk: g
            for g in Grid.objects.with_blocks_json().filter(
                pk__in=[grid.pk, school_class.target_id]
            )
        }
        target = pair.get(school_class.target_id)
        if target is None or grid.pk not in pair:
            return None
        match = match_with_target(target, colours_of(target), pair[grid.pk])
        cache.set(key, match, RENDERED_TTL_SECONDS)
    return match
