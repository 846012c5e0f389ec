"""Many grids straight into PostgreSQL with COPY, for `bench/run --million` (issue 6).

Small 10x10 grids in a realistic mix: 90% public, 8% secret, 2% public but hidden by a
moderator; most filled with one colour (BlockGrid(10, 10, fill=...)), the rest patterned, a
fifth with code cells. Public ids come from the site's own grids.ids, so they are the ids the
site would have given: hashids of the primary key for public grids, random tokens for secret
ones. Hashids 0.8.4 takes about 60-90 us an id, so the rows are built in a pool of two
processes while this one streams them into COPY.
"""

import json
import random
from datetime import UTC, datetime, timedelta
from multiprocessing import Pool

import psycopg

from grids.ids import new_secret_id, public_id_for

TABLE = "grids_grid"
COLUMNS = (
    "id",
    "public_id",
    "secret",
    "ipb_class",
    "ipb_version",
    "python_version",
    "width",
    "height",
    "lines_on",
    "blocks",
    "code_cells",
    "created_at",
    "state",
    "hidden_at",
    "hidden_reason",
    # Grids of no class: listed, waiting for no wall.
    "listed",
    "awaiting_wall",
)
CHUNK_ROWS = 20_000
# Grids are spread over the five years before the bench's own posts, so the home page's
# latest grids are always the ones the bench posted over HTTP.
SPAN = timedelta(days=5 * 365)


def _compact(blocks: list) -> str:
    # The text the site itself stores (JSONTextField: orjson's compact form), so pages of
    # copied grids are drawn the way pages of posted ones are (grids/rendering/html.py).
    return json.dumps(blocks, separators=(",", ":"))


def _palette(seed: int) -> tuple[list[str], list[str]]:
    """JSON texts of 10x10 grids, uniform and patterned, from which rows are drawn."""
    rng = random.Random(seed)
    uniform = []
    for _ in range(32):
        colour = [rng.randrange(256) for _ in range(3)] + [20]
        uniform.append(_compact([[colour] * 10] * 10))
    patterned = []
    for _ in range(32):
        blocks = [
            [[rng.randrange(256), rng.randrange(256), rng.randrange(256), 20] for _ in range(10)]
            for _ in range(10)
        ]
        patterned.append(_compact(blocks))
    return uniform, patterned


CODE_CELLS = json.dumps(
    [
        "from ipythonblocks import BlockGrid\ngrid = BlockGrid(10, 10, fill=(123, 234, 123))",
        "for block in grid:\n    if block.row % 2 == 0:\n        block.red = 255\ngrid",
    ]
).replace("\\", "\\\\")  # COPY's text format reads a backslash as an escape


def build_rows(job: tuple[int, int, int, str, int, int]) -> bytes:
    """COPY text for grids with primary keys first_pk .. first_pk + count - 1."""
    first_pk, count, seed, salt, newest_pk, oldest_pk = job
    rng = random.Random(seed)
    uniform, patterned = _palette(0)
    newest = datetime.now(UTC) - timedelta(days=1)
    lines = []
    for pk in range(first_pk, first_pk + count):
        kind = rng.random()
        secret = 0.90 <= kind < 0.98
        hidden = kind >= 0.98
        public_id = new_secret_id() if secret else public_id_for(pk, salt)
        blocks = rng.choice(uniform if rng.random() < 0.7 else patterned)
        code_cells = CODE_CELLS if rng.random() < 0.2 else r"\N"
        # Older for smaller keys, as if posted one after the other over SPAN.
        age = SPAN * ((newest_pk - pk) / max(1, newest_pk - oldest_pk))
        created_at = (newest - age).isoformat()
        state, hidden_at, reason = (
            ("hidden", created_at, "Hidden by the benchmark")
            if hidden
            else ("published", r"\N", "")
        )
        row = (
            str(pk),
            public_id,
            "t" if secret else "f",
            "BlockGrid",
            "1.9.1",
            '[3, 11, 7, "final", 0]',
            "10",
            "10",
            "t" if rng.random() < 0.8 else "f",
            blocks,
            code_cells,
            created_at,
            state,
            hidden_at,
            reason,
            "t",
            "f",
        )
        lines.append("\t".join(row))
    return ("\n".join(lines) + "\n").encode()


def check_columns(conn: psycopg.Connection) -> None:
    """Fail clearly if the model gained a required column this seeder does not fill."""
    required = {
        name
        for (name,) in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'",
            (TABLE,),
        )
    }
    missing = required - set(COLUMNS)
    if missing:
        raise SystemExit(f"bench/bulk_seed.py does not fill {sorted(missing)}: add them to COLUMNS")


def copy_grids(database_url: str, count: int, salt: str, *, processes: int = 2) -> None:
    """Add `count` grids after the highest primary key, in one transaction."""
    with psycopg.connect(database_url) as conn:
        check_columns(conn)
        conn.execute(f"LOCK TABLE {TABLE} IN EXCLUSIVE MODE")
        (sequence,) = conn.execute("SELECT pg_get_serial_sequence(%s, 'id')", (TABLE,)).fetchone()
        # Past every key ever given, deleted grids' too, so no hashid is handed out twice.
        (last_pk,) = conn.execute(
            f"SELECT greatest((SELECT coalesce(max(id), 0) FROM {TABLE}), "
            f"(SELECT last_value FROM {sequence}))"
        ).fetchone()
        first_pk = last_pk + 1
        newest_pk = last_pk + count
        jobs = [
            (start, min(CHUNK_ROWS, newest_pk + 1 - start), start, salt, newest_pk, first_pk)
            for start in range(first_pk, newest_pk + 1, CHUNK_ROWS)
        ]
        copy_sql = f"COPY {TABLE} ({', '.join(COLUMNS)}) FROM STDIN"
        written = 0
        with Pool(processes) as pool, conn.cursor().copy(copy_sql) as copy:
            for chunk in pool.imap(build_rows, jobs):
                copy.write(chunk)
                written += min(CHUNK_ROWS, count - written)
                if written % 200_000 < CHUNK_ROWS or written == count:
                    print(f"  copied {written:,} of {count:,} grids", flush=True)
        # The ids were given explicitly: move the key's sequence past them for later posts.
        conn.execute(f"SELECT setval('{sequence}', %s)", (newest_pk,))


def vacuum_analyze(database_url: str) -> None:
    """What autovacuum would have done on a site that grew to this size over years."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f"VACUUM (ANALYZE) {TABLE}")
