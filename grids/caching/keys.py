"""The cache keys of what is built from a grid, and how long each is kept.

Every piece (the HTML table, the highlighted code, the thumbnail) and every whole response (a
grid's page, its /get JSON, its pictures) has a key made from the grid's cache name (its kind and
public id, grid_cache_name()), the part's name and the renderer's version: a new renderer never
reads an old rendering. Responses are kept per route kind, so a secret grid's page never answers
at its public address.
"""

from grids.rendering.html import RENDERER_VERSION
from grids.rendering.picture import PICTURE_VERSION

# Long enough to matter, short enough that a deleted grid's pieces do not sit in memcached
# forever. Both backends evict the least recently used keys under memory pressure anyway.
RENDERED_TTL_SECONDS = 7 * 24 * 3600
# Whole responses are kept for a minute only: if a cache server were unreachable from the
# process that hid a grid but not from the others, or lost the deletes it was sent, a hidden
# grid's response could not linger longer (grids/caching/invalidation.py).
RESPONSE_TTL_SECONDS = 60
# How long the moderation mark of a grid is kept (grids/caching/invalidation.py): longer than
# any response stored from a read before the moderation can live.
MODERATED_LATELY_SECONDS = 600
# memcached refuses an item over 1 MiB by default (its -I option), counting its key and header:
# a gzipped body larger than this is kept in chunks of this size under keys of their own. The
# page and /get of a grid at the block limit (500x500 random colours) are 1.1 and 1.4 MB.
BODY_CHUNK_BYTES = 1024 * 1024 - 4096

# Every piece and response cached per grid; forget_cached_grids() drops them all.
# The pictures' responses (grids/rendering/picture.py) are keyed by its version, not the table's.
PICTURE_PARTS = frozenset(
    prefix + name
    for prefix in ("", "secret-")
    for name in ("png", "svg", "thumbnail-png", "card-png")
)
RENDERED_PARTS = (
    "table",
    "code",
    "thumbnail",
    "page",
    "secret-page",
    "get",
    "secret-get",
    *sorted(PICTURE_PARTS),
    # An embed's page (/embed/<id>) and the grid's size in pixels (grids/embeds.py).
    "embed",
    "secret-embed",
    "natural-size",
)
RESPONSE_PARTS = frozenset(
    {"page", "secret-page", "get", "secret-get", "embed", "secret-embed", *PICTURE_PARTS}
)
# Bump when what is stored under a response's key changes shape (2: a stamp naming the bodies'
# key, where 1 was the whole response; 3: only the gzipped body under that key, where 2 kept
# both bodies; 4: the body in chunks, and the stamp says when its grid was read): during a
# rolling deploy, processes of the previous release and of this one then never read each
# other's responses. Each still drops its own when a grid is hidden, and the other's expire
# within RESPONSE_TTL_SECONDS.
RESPONSE_FORMAT = 4


def response_part(name: str, *, secret: bool) -> str:
    return f"secret-{name}" if secret else name


def grid_cache_name(public_id: str, *, secret: bool) -> str:
    """How every cache key and moderation mark names a grid: its kind and its public id. A
    public and a secret grid may have the same id (the two tables of ipythonblocks.org, whose
    ids are imported as they were), so the id alone would let one's pieces answer for the other."""
    return f"{'secret' if secret else 'public'}/{public_id}"


def rendered_key(grid_name: str, part: str) -> str:
    """grid_name: grid_cache_name()'s."""
    if part not in RENDERED_PARTS:
        raise ValueError(f"unknown rendered part {part!r}; add it to RENDERED_PARTS")
    if part in PICTURE_PARTS:
        return f"grid:{grid_name}:{part}:p{PICTURE_VERSION}a{RESPONSE_FORMAT}"
    if part in RESPONSE_PARTS:
        return f"grid:{grid_name}:{part}:v{RENDERER_VERSION}a{RESPONSE_FORMAT}"
    return f"grid:{grid_name}:{part}:v{RENDERER_VERSION}"


def body_chunk_keys(response_key: str, etag: str, chunks: int) -> list[str]:
    # The ETag is a hash of the body: a new rendering of the grid gets new keys.
    return [f"{response_key}:body:{etag[3:-1]}:{chunk}" for chunk in range(chunks)]


def moderated_at_key(grid_name: str) -> str:
    return f"grid:{grid_name}:moderated-at"


# The pages that list grids (grids/views.py), kept whole like a grid's page. A new post is not
# sent to them: once one is LISTING_FRESH_SECONDS old, the next request builds it again while
# the others still get it (grids/caching/middleware.py), so a new grid shows within seconds and
# a crowd on the home page never rebuilds it all at once. Moderation drops them at once.
LISTING_NAMES = ("home", "gallery", "featured")
LISTING_FRESH_SECONDS = 2.0
# How long one request may take to build a listing before another may try.
LISTING_REBUILD_SECONDS = 10
LISTINGS_MODERATED_AT_KEY = "listings:moderated-at"


def listing_key(name: str) -> str:
    if name not in LISTING_NAMES:
        raise ValueError(f"unknown listing {name!r}; add it to LISTING_NAMES")
    return f"listing:{name}:v{RENDERER_VERSION}a{RESPONSE_FORMAT}"


def listing_rebuild_key(name: str) -> str:
    return listing_key(name) + ":rebuilding"
