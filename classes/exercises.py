"""Exercises: how much of a grid matches the class's target grid, block by block."""

from dataclasses import dataclass


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


def colours_of(numbers: list[int]) -> list[tuple[int, int, int]]:
    """(red, green, blue) of each block from flat_blocks()'s numbers; sizes are ignored."""
    return list(zip(numbers[0::4], numbers[1::4], numbers[2::4], strict=True))


def match_with_target(target_shape, target_colours, shape, colours) -> Match:
    if shape != target_shape:
        return Match(None)
    same = sum(1 for ours, theirs in zip(colours, target_colours, strict=True) if ours == theirs)
    # Rounded down: 99.9% is not yet "100% of blocks match".
    return Match(same * 100 // len(colours))
