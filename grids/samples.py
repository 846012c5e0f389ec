"""Sample grids shipped beside the project, for tests, the benchmark and demos.

The starry night (grids/sample_data/starry_night.txt, MIT, from the ipythonblocks project) is a
125x100 ImageGrid of a painting, stored as text: a small header, then `row column red green
blue` lines. Rows count from the top, as the client posts them.
"""

from pathlib import Path

SAMPLE_DATA_DIR = Path(__file__).resolve().parent / "sample_data"
STARRY_NIGHT = SAMPLE_DATA_DIR / "starry_night.txt"


def read_starry_night(path: Path) -> dict:
    """The grid's width, height, lines_on and blocks, as the client posts them in grid_data."""
    rows = [line for line in path.read_text().splitlines() if line and not line.startswith("#")]
    width, height = map(int, rows[0].split())
    size = int(rows[1])
    blocks = [[None] * width for _ in range(height)]
    for line in rows[3:]:  # rows[2] is the initial colour, which every block overrides
        row, col, red, green, blue = map(int, line.split())
        blocks[row][col] = [red, green, blue, size]
    return {"width": width, "height": height, "lines_on": True, "blocks": blocks}
