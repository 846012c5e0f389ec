"""Small PNG previews of grids: one pixel per block, written with the standard library only.
(grids/rendering/picture.py draws the grid as the notebook does, through png_file().)

Pages show them scaled up with CSS `image-rendering: pixelated` (the .grid-thumbnail class in
static/grids/css/grid.css), so a 48x48 image stays crisp at any size.
"""

import base64
import struct
import zlib
from collections.abc import Sequence

from grids.rendering.types import GridLike

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_BIT_DEPTH = 8
_COLOUR_TYPE_RGB = 2
# Each scanline starts with its filter type; 0 (None) is enough for images this small.
_FILTER_NONE = b"\x00"


def grid_thumbnail_png(grid: GridLike, max_side: int = 48) -> bytes:
    """An RGB PNG of the grid's colours, at most max_side pixels on its longer side.

    Block sizes are ignored (a thumbnail shows colours, not layout). Larger grids are
    downsampled nearest-neighbour, keeping the aspect ratio.
    """
    if max_side < 1:
        raise ValueError("max_side must be at least 1")
    width, height = int(grid.width), int(grid.height)
    scale = min(1.0, max_side / max(width, height))
    out_width = max(1, round(width * scale))
    out_height = max(1, round(height * scale))
    columns = _nearest(width, out_width)
    scanlines = [
        _FILTER_NONE + _rgb_bytes(grid.blocks[row], columns) for row in _nearest(height, out_height)
    ]
    return png_file(out_width, out_height, zlib.compress(b"".join(scanlines), 9))


def png_file(width: int, height: int, compressed_scanlines: bytes) -> bytes:
    """An 8-bit RGB PNG around its image data: the zlib stream of its filtered scanlines."""
    header = struct.pack(">IIBBBBB", width, height, _BIT_DEPTH, _COLOUR_TYPE_RGB, 0, 0, 0)
    return b"".join(
        [
            _PNG_SIGNATURE,
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", compressed_scanlines),
            _chunk(b"IEND", b""),
        ]
    )


def png_data_uri(png: bytes) -> str:
    """A data: URI for an <img src>; previews are small enough to inline in the page."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _nearest(source_length: int, target_length: int) -> list[int]:
    """The source index sampled for each target index: the one under the target's centre."""
    return [
        (2 * index + 1) * source_length // (2 * target_length) for index in range(target_length)
    ]


def _rgb_bytes(row: Sequence[Sequence[int]], columns: list[int]) -> bytes:
    # bytes() rejects anything outside 0..255, so a malformed colour raises ValueError.
    scanline = bytes([channel for column in columns for channel in row[column][:3]])
    if len(scanline) != 3 * len(columns):
        raise ValueError("every block must be [red, green, blue, size]")
    return scanline


def _chunk(chunk_type: bytes, body: bytes) -> bytes:
    return (
        struct.pack(">I", len(body))
        + chunk_type
        + body
        + struct.pack(">I", zlib.crc32(chunk_type + body))
    )
