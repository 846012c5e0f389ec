"""Loading grids from elsewhere into the site: the import of an export and of a legacy database.

Each incoming grid keeps its public id and creation time. It is checked by every rule of a post
(GridPostSerializer), except the site's size limits: an old grid over them is loaded and
reported. One the site already holds (same kind, id and creation time) is skipped, so a run
can be repeated; an id held by a different grid is a conflict, listed and never overwritten.
Grids go in by batches, so memory stays the same whatever the number of grids.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from grids.api.fields import NO_SIZE_LIMITS
from grids.api.serializers import GridPostSerializer, grid_from_validated_post
from grids.caching.invalidation import forget_cached_grids, forget_cached_listings
from grids.caching.keys import grid_cache_name
from grids.ids import is_well_formed_id, key_of_public_id
from grids.models import Grid, GridState, reserved_grid_keys

BATCH_SIZE = 500


@dataclass
class IncomingGrid:
    where: str  # for the report: "line 12", "public_grids id 4389"
    public_id: str
    secret: bool
    created_at: datetime
    post: dict  # what the client posts (CONTRACT.md), checked as /post checks it
    state: str = GridState.PUBLISHED
    hidden_at: datetime | None = None
    hidden_by: str | None = None  # a username
    hidden_reason: str = ""
    featured_at: datetime | None = None
    remixed_from: list[tuple[str, bool]] = field(default_factory=list)  # (public id, secret)


@dataclass
class LoadReport:
    loaded: int = 0
    skipped: int = 0  # already held
    # (where, why) of grids loaded though over the site's size limits.
    over_limits: list[tuple[str, str]] = field(default_factory=list)
    # (where, why) of grids not loaded: invalid, or their id held by another grid.
    refused: list[tuple[str, str]] = field(default_factory=list)


class Refused(Exception):
    pass


class GridLoader:
    """Takes IncomingGrids one at a time (add()), stores them a batch at a time, and finish()es
    with the remix links, the key sequence and the caches."""

    def __init__(self):
        self.report = LoadReport()
        self.pending: list[IncomingGrid] = []
        self.links: list[tuple[tuple[str, bool], tuple[str, bool]]] = []
        self.highest_own_key = 0
        self.usernames: dict[str, int | None] = {}

    def add(self, incoming: IncomingGrid) -> None:
        self.pending.append(incoming)
        if len(self.pending) >= BATCH_SIZE:
            self.flush()

    def refuse(self, where: str, why: str) -> None:
        """A grid the source could not even hand over (bad JSON, a missing column)."""
        self.report.refused.append((where, why))

    def flush(self) -> None:
        batch, self.pending = self.pending, []
        if not batch:
            return
        held = {
            (public_id, secret): created_at
            for public_id, secret, created_at in Grid.objects.filter(
                public_id__in={incoming.public_id for incoming in batch}
            ).values_list("public_id", "secret", "created_at")
        }
        new_grids = []
        for incoming in batch:
            key = (incoming.public_id, incoming.secret)
            if key in held:
                if held[key] == incoming.created_at:
                    self.report.skipped += 1
                else:
                    kind = "secret" if incoming.secret else "public"
                    why = f"the {kind} id {incoming.public_id} is held by another grid"
                    self.report.refused.append((incoming.where, why))
                continue
            try:
                new_grids.append(self.grid_of(incoming))
            except Refused as refused:
                self.report.refused.append((incoming.where, str(refused)))
                continue
            held[key] = incoming.created_at
            self.links += [(key, parent) for parent in incoming.remixed_from]
            if not incoming.secret:
                own_key = key_of_public_id(incoming.public_id, settings.HASHIDS_SALT)
                self.highest_own_key = max(self.highest_own_key, own_key or 0)
        with transaction.atomic():
            Grid.objects.bulk_create(new_grids)
        self.report.loaded += len(new_grids)

    def grid_of(self, incoming: IncomingGrid) -> Grid:
        if not is_well_formed_id(incoming.public_id):
            raise Refused(f"{incoming.public_id!r} is not a grid id")
        if incoming.state not in GridState.values:
            raise Refused(f"{incoming.state!r} is not a grid's state")
        post = {**incoming.post, "secret": incoming.secret}
        checked = GridPostSerializer(data=post)
        if not checked.is_valid():
            unlimited = GridPostSerializer(data=post, context={"limits": NO_SIZE_LIMITS})
            if not unlimited.is_valid():
                raise Refused(first_error(unlimited.errors))
            self.report.over_limits.append((incoming.where, first_error(checked.errors)))
            checked = unlimited
        return grid_from_validated_post(
            checked.validated_data,
            public_id=incoming.public_id,
            created_at=incoming.created_at,
            state=incoming.state,
            hidden_at=incoming.hidden_at,
            hidden_by_id=self.user_id(incoming.hidden_by),
            hidden_reason=incoming.hidden_reason,
            featured_at=incoming.featured_at,
        )

    def user_id(self, username: str | None) -> int | None:
        # A teacher who is not on this site: the grid stays hidden, by nobody named.
        if username is None:
            return None
        if username not in self.usernames:
            user = get_user_model().objects.filter(username=username).first()
            self.usernames[username] = user.pk if user else None
        return self.usernames[username]

    def finish(self) -> LoadReport:
        self.flush()
        self.link_remixes()
        if self.highest_own_key:
            move_key_sequence_past(self.highest_own_key)
        # Remix parents' pages list remixes, and the listings may show the new grids.
        forget_cached_grids(
            [grid_cache_name(public_id, secret=secret) for _, (public_id, secret) in self.links]
        )
        forget_cached_listings()
        return self.report

    def link_remixes(self) -> None:
        Link = Grid.remixed_from.through
        for start in range(0, len(self.links), BATCH_SIZE):
            links = self.links[start : start + BATCH_SIZE]
            ids = {public_id for pair in links for public_id, _ in pair}
            pks = {
                (public_id, secret): pk
                for pk, public_id, secret in Grid.objects.filter(public_id__in=ids).values_list(
                    "pk", "public_id", "secret"
                )
            }
            Link.objects.bulk_create(
                [
                    Link(from_grid_id=pks[child], to_grid_id=pks[parent])
                    for child, parent in links
                    if child in pks and parent in pks
                ],
                ignore_conflicts=True,
            )


def move_key_sequence_past(key: int) -> None:
    """The grids' key sequence gives no key at or below `key` from now on: an imported public
    id that is the site's own hashid of a key (the same salt) is then never made again. A key
    a running process reserved before is still caught by the unique constraint
    (Grid._insert_with_a_free_public_id)."""
    table = Grid._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            (sequence,) = cursor.fetchone()
            # Never back: the sequence may be past `key` already.
            cursor.execute(
                "SELECT setval(%s::regclass, GREATEST(%s, "
                "COALESCE(pg_sequence_last_value(%s::regclass), 1)))",
                [sequence, key, sequence],
            )
        else:  # SQLite's AUTOINCREMENT counter
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = MAX(seq, %s) WHERE name = %s", [key, table]
            )
    reserved_grid_keys.clear()


def first_error(errors) -> str:
    """A serializer's first error, as "field: message", however deeply nested."""
    path = []
    while isinstance(errors, dict | list):
        if isinstance(errors, dict):
            name, errors = next(iter(errors.items()))
            path.append(str(name))
        else:
            errors = errors[0]
    return f"{'.'.join(path)}: {errors}" if path else str(errors)


def load_grids(incoming: Iterable[IncomingGrid | tuple[str, str]]) -> LoadReport:
    """Load every grid; a (where, why) pair is one the source could not hand over."""
    loader = GridLoader()
    for item in incoming:
        if isinstance(item, IncomingGrid):
            loader.add(item)
        else:
            loader.refuse(*item)
    return loader.finish()
