import functools
import logging
import random
import threading
from collections import deque
from contextlib import nullcontext

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, models, transaction
from django.db.models.functions import Cast
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone

from classes.walls import forget_cached_walls
from grids.caching.invalidation import forget_cached_grids, forget_cached_listings
from grids.caching.keys import grid_cache_name
from grids.fields import JSONTextField
from grids.ids import names_a_route, new_secret_id, public_id_for

logger = logging.getLogger(__name__)


class GridState(models.TextChoices):
    PUBLISHED = "published", "Published"
    HIDDEN = "hidden", "Hidden by a moderator"
    AWAITING_APPROVAL = "awaiting", "Waiting for approval"


def initial_state() -> str:
    """New posts wait for a teacher when the site asks for approval (IPB_REQUIRE_APPROVAL)."""
    if settings.IPB_REQUIRE_APPROVAL:
        return GridState.AWAITING_APPROVAL
    return GridState.PUBLISHED


class GridQuerySet(models.QuerySet):
    """The one place that decides which grids the public may see.

    Every public surface (pages, /get, /random, the home page) starts from reachable() or
    public(); nothing outside this module filters on `secret` or `state`. The admin and
    management commands use Grid.objects.all() on purpose, and say so.

    The moderation verbs (hide, unhide, approve, delete) live here too, so the admin, the
    automatic hiding after reports and any script change a grid's state the same way, and
    all of them forget what the cache holds of the grids they touch.
    """

    def reachable(self, *, secret: bool) -> "GridQuerySet":
        """Grids a visitor may open under the public routes, or under /secret/... if secret."""
        return self.filter(state=GridState.PUBLISHED, secret=secret)

    def withheld(self, *, secret: bool) -> "GridQuerySet":
        """Grids at a route's address that a visitor may not see: hidden or awaiting approval.

        Their pages say why ("removed by a moderator", "waiting for a teacher") instead of a
        bare 404, and show nothing of the grid.
        """
        return self.filter(secret=secret).exclude(state=GridState.PUBLISHED)

    def public(self) -> "GridQuerySet":
        """Grids we may list on the home page or pick for /random: not those of a class-only
        class, nor those waiting for a class teacher to let them onto the wall (`listed`)."""
        return self.reachable(secret=False).filter(listed=True)

    def on_wall(self, school_class, *, with_secret: bool) -> "GridQuerySet":
        """A class's grids its wall shows (/c/<code>/): published, not waiting for its teachers,
        and secret ones only when with_secret (its teachers, signed in). The newest first."""
        grids = self.filter(school_class=school_class, state=GridState.PUBLISHED)
        grids = grids.filter(awaiting_wall=False)
        if not with_secret:
            grids = grids.filter(secret=False)
        return grids.order_by("-created_at", "-pk")

    def waiting(self) -> "GridQuerySet":
        """Grids a teacher's approval would change: waiting for approval before anything is
        public, or (in a class that approves before its wall) before the wall."""
        return self.filter(
            models.Q(state=GridState.AWAITING_APPROVAL)
            | models.Q(state=GridState.PUBLISHED, awaiting_wall=True)
        )

    def taught_by(self, user) -> "GridQuerySet":
        """The grids a teacher may see and moderate in the admin: every grid for a site
        moderator, only their own classes' for a teacher of their own classes."""
        from classes.models import runs_every_class

        if runs_every_class(user):
            return self
        return self.filter(school_class__teachers=user)

    def relist(self) -> int:
        """Set whether these grids are listed from their class's choice (SchoolClass.public)
        and whether they still wait for its wall; grids of no class are always listed. The
        listings that may show them are forgotten."""
        changed = self._set_listed_from_their_class()
        self._forget_listings()
        return changed

    def _set_listed_from_their_class(self) -> int:
        from classes.models import SchoolClass

        class_is_public = models.Subquery(
            SchoolClass.objects.filter(pk=models.OuterRef("school_class")).values("public")
        )
        listed = models.Case(
            models.When(school_class=None, then=True),
            models.When(awaiting_wall=True, then=False),
            default=class_is_public,
        )
        return Grid.objects.filter(pk__in=self.values("pk")).update(listed=listed)

    def with_blocks_json(self) -> "GridQuerySet":
        """Each grid's blocks as stored, their JSON text, in grid.blocks_json; grid.blocks is
        deferred. For what sends or draws the blocks without a list per block: /get splices
        the text into its answer (grid_data_json), and a grid's page reads it as one flat list
        of numbers (grids/rendering/html.py says why)."""
        text = Cast("blocks", output_field=models.TextField())
        return self.defer("blocks").annotate(blocks_json=text)

    def posted_before(self, created_at, pk) -> "GridQuerySet":
        """Grids after this one in latest() order: the gallery's next page, by keyset."""
        return self._after_in_order("created_at", created_at, pk)

    def latest(self) -> "GridQuerySet":
        # The newest first; listings show the picture and the date, never the blocks' JSON in
        # bulk, so the big columns stay in the database until a thumbnail needs them.
        return self.order_by("-created_at", "-pk").defer("blocks", "code_cells")

    def featured(self) -> "GridQuerySet":
        """Public grids a teacher featured, the most recently featured first."""
        return (
            self.public()
            .filter(featured_at__isnull=False)
            .order_by("-featured_at", "-pk")
            .defer("blocks", "code_cells")
        )

    def featured_before(self, featured_at, pk) -> "GridQuerySet":
        """Grids after this one in featured() order: the Featured view's next page."""
        return self._after_in_order("featured_at", featured_at, pk)

    def _after_in_order(self, field: str, value, pk) -> "GridQuerySet":
        """(field, pk) < (value, pk) in an index on (-field, -id). The OR alone is no condition
        the index can start from: PostgreSQL read the index from its top and filtered, so page
        10,000 of the gallery cost ten thousand rows (bench/RESULTS.md). The redundant bound
        on the field alone is where the index scan starts; the OR then drops the few grids of
        the same time that came before."""
        return self.filter(**{f"{field}__lte": value}).filter(
            models.Q(**{f"{field}__lt": value}) | models.Q(**{field: value, "pk__lt": pk})
        )

    def feature(self, *, by=None) -> int:
        """Feature these grids, if the public may see them: a secret or withheld grid is never
        listed, featured or not."""
        grids = list(self.public().filter(featured_at=None).values_list("pk", "public_id"))
        changed = Grid.objects.filter(pk__in=[pk for pk, _ in grids]).update(
            featured_at=timezone.now()
        )
        self._forget_listings()
        log_moderation("feature", by, grids)
        return changed

    def unfeature(self, *, by=None) -> int:
        grids = list(self.exclude(featured_at=None).values_list("pk", "public_id"))
        changed = Grid.objects.filter(pk__in=[pk for pk, _ in grids]).update(featured_at=None)
        self._forget_listings()
        log_moderation("unfeature", by, grids)
        return changed

    def random_one(self) -> "Grid | None":
        """A random grid of this queryset, without ORDER BY random() or a count of the table.

        Picks a random point in the primary-key range and takes the first grid at or after it
        (wrapping around). Grids after a gap in the keys are picked a little more often; for a
        "show me something" button that is fine, and it stays one index lookup at any size.
        """
        # The key range of all grids, not of this queryset: Min/Max over the primary key are
        # two index look-ups, where the same over a filtered set could scan.
        bounds = Grid.objects.aggregate(low=models.Min("pk"), high=models.Max("pk"))
        if bounds["low"] is None:
            return None
        start = random.randint(bounds["low"], bounds["high"])
        return (
            self.filter(pk__gte=start).order_by("pk").first()
            or self.filter(pk__lt=start).order_by("pk").first()
        )

    def hide(self, *, by=None, reason: str) -> int:
        """Hide these grids from every public surface. `by` None means the site itself did,
        after reports; those reports then stay open for a teacher to review."""
        return self._moderate(
            "hide",
            by,
            resolve_reports=by is not None,
            state=GridState.HIDDEN,
            hidden_at=timezone.now(),
            hidden_by=by,
            hidden_reason=reason,
        )

    def unhide(self, *, by=None) -> int:
        return self.filter(state=GridState.HIDDEN)._moderate(
            "unhide",
            by,
            state=GridState.PUBLISHED,
            hidden_at=None,
            hidden_by=None,
            hidden_reason="",
        )

    def approve(self, *, by=None) -> int:
        """Publish grids waiting for approval, and let those of a class that approves before
        its wall onto the wall, and listed where the class lists its grids."""
        return self.waiting()._moderate(
            "approve", by, state=GridState.PUBLISHED, awaiting_wall=False, relist=True
        )

    def delete(self, *, by=None):
        grids = list(self.values_list("pk", "public_id", "secret"))
        pks = [pk for pk, _, _ in grids]
        # Gone with the rows: the pages that link to them and the walls that show them.
        remix_pages = remixes_and_parents_of(pks)
        walls = walls_showing(pks)
        deleted = super().delete()
        self._forget_and_log("delete", by, grids, also_forget=remix_pages, walls=walls)
        return deleted

    def _moderate(
        self, action: str, by, *, resolve_reports: bool = True, relist: bool = False, **changes
    ) -> int:
        with transaction.atomic():
            # Read the rows first (self may carry annotations, like the admin's report count,
            # which an UPDATE cannot), then change them by primary key.
            grids = list(self.values_list("pk", "public_id", "secret"))
            pks = [pk for pk, _, _ in grids]
            changed = Grid.objects.filter(pk__in=pks).update(**changes)
            if relist:
                # The listings are forgotten below, with the grids' own responses.
                Grid.objects.filter(pk__in=pks)._set_listed_from_their_class()
            if resolve_reports:
                # A teacher's decision answers the reports that led to it.
                open_reports = Report.objects.filter(grid__in=pks, resolved_at=None)
                open_reports.update(resolved_at=timezone.now())
        self._forget_and_log(
            action,
            by,
            grids,
            reason=changes.get("hidden_reason"),
            also_forget=remixes_and_parents_of(pks),
            walls=walls_showing(pks),
        )
        return changed

    @staticmethod
    def _forget_and_log(
        action: str,
        by,
        grids: list[tuple[int, str, bool]],
        reason=None,
        also_forget=(),
        walls=(),
    ) -> None:
        # Their remixes' and parents' pages too, which link to them or list them, and the walls
        # of their classes.
        names = [grid_cache_name(public_id, secret=secret) for _, public_id, secret in grids]
        names += also_forget
        forget_cached_grids(names)
        forget_cached_walls(walls)
        # Again once an enclosing transaction commits: until then other processes still read
        # the old state and may cache an answer from it.
        transaction.on_commit(lambda: forget_cached_grids(names))
        transaction.on_commit(lambda: forget_cached_walls(walls))
        GridQuerySet._forget_listings()
        log_moderation(action, by, grids, reason=reason)

    @staticmethod
    def _forget_listings() -> None:
        # The home page and the gallery list any public grid, and the featured ones, so every
        # moderation takes them away, now and once an enclosing transaction commits.
        forget_cached_listings()
        transaction.on_commit(forget_cached_listings)


def log_moderation(action: str, by, grids: list[tuple], reason=None) -> None:
    # One line per moderation action. Grids by primary key: a secret grid's public id is its
    # only key and never goes into a log.
    logger.info(
        "Moderation: %s %d grid(s)",
        action,
        len(grids),
        extra={
            "action": action,
            "grid_pks": [pk for pk, *_ in grids],  # rows of (pk, public_id, ...)
            "by": by.get_username() if by is not None else "the site",
            "reason": reason,
        },
    )


class Grid(models.Model):
    """A grid a student posted from a notebook, stored as the client sent it."""

    class GridClass(models.TextChoices):
        BLOCK_GRID = "BlockGrid"
        IMAGE_GRID = "ImageGrid"

    # The last segment of the grid's URL (grids/ids.py), unique among grids of its kind: a
    # public and a secret grid imported from ipythonblocks.org may share one (Meta). Null only
    # inside save() on SQLite, between the insert that gives a public grid its primary key and
    # the update that stores its hashid.
    public_id = models.CharField(max_length=64, null=True, editable=False)  # noqa: DJ001
    secret = models.BooleanField(
        default=False, help_text="Unlisted: reachable only by its /secret/ link, never listed."
    )
    ipb_class = models.CharField("grid class", max_length=16, choices=GridClass.choices)
    ipb_version = models.CharField("ipythonblocks version", max_length=32)
    python_version = models.JSONField(help_text="sys.version_info of the student's Python.")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    lines_on = models.BooleanField()
    # height rows of width [red, green, blue, size] lists, top-left first, exactly as posted.
    blocks = JSONTextField()
    code_cells = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    state = models.CharField(max_length=16, choices=GridState.choices, default=initial_state)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty on a hidden grid means the site hid it after reports.",
    )
    hidden_reason = models.CharField(max_length=300, blank=True)
    # When a teacher featured it (the gallery's Featured view and the home page); None if not.
    featured_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The grids this one's code pulled with from_web (grids/remixes.py), whatever their state:
    # pages show only those the public may see.
    remixed_from = models.ManyToManyField(
        "self", symmetrical=False, related_name="remixes", blank=True
    )
    # The class whose post link filed it (classes/), if any.
    school_class = models.ForeignKey(
        "classes.SchoolClass",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grids",
        verbose_name="class",
    )
    # False while it waits for its class's teachers before the wall (Moderation.WALL).
    awaiting_wall = models.BooleanField(default=False, editable=False)
    # Whether the gallery, the home page and /random may list it (public()): not a class-only
    # class's grids, nor those awaiting the wall. Kept on the row, set by relist(), so that
    # listings stay one scan of a partial index.
    listed = models.BooleanField(default=True, editable=False)

    objects = GridQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="grid_newest_first"),
            # The home page's latest grids and /random's next grid read only public grids:
            # partial indexes keep both one short index scan however many grids are hidden
            # or secret. Their condition is public() spelled out for the database.
            models.Index(
                fields=["-created_at", "-id"],
                name="grid_public_newest_first",
                condition=models.Q(state=GridState.PUBLISHED, secret=False, listed=True),
            ),
            # The Featured view and the home page's featured grids, in featured() order.
            models.Index(
                fields=["-featured_at", "-id"],
                name="grid_public_featured",
                condition=models.Q(
                    state=GridState.PUBLISHED,
                    secret=False,
                    listed=True,
                    featured_at__isnull=False,
                ),
            ),
            # A class's wall, newest first.
            models.Index(
                fields=["school_class", "-created_at", "-id"],
                name="grid_class_newest_first",
                condition=models.Q(school_class__isnull=False),
            ),
            models.Index(
                fields=["id"],
                name="grid_public_by_id",
                condition=models.Q(state=GridState.PUBLISHED, secret=False, listed=True),
            ),
        ]
        permissions = [("moderate_grid", "Can hide, unhide and approve grids")]
        constraints = [
            # public_id first: lookups by the id alone (the admin's search, remix parents) use
            # the same index.
            models.UniqueConstraint(fields=["public_id", "secret"], name="grid_unique_id_per_kind"),
            models.CheckConstraint(condition=models.Q(width__gte=1), name="grid_width_positive"),
            models.CheckConstraint(condition=models.Q(height__gte=1), name="grid_height_positive"),
        ]

    def __str__(self):
        return f"{self.ipb_class} {self.public_id} ({self.width}x{self.height})"

    def save(self, *args, **kwargs):
        """Through the ORM's own save(), so pre_save and post_save are sent. The public id is
        made on the way: a secret grid's at random, a public grid's from its primary key."""
        if self.public_id:
            super().save(*args, **kwargs)
        elif self.secret:
            self.public_id = new_secret_id()
            super().save(*args, **kwargs)
        elif connection.vendor == "postgresql":
            # A hashid encodes the primary key: take it from the sequence first, so a post is
            # one insert, committed alone, not an insert and an update in a transaction.
            self._insert_with_a_free_public_id(*args, **kwargs)
        else:
            # SQLite has no sequence to ask: the key exists only after the insert.
            with transaction.atomic():
                super().save(*args, **kwargs)
                while not is_free_public_id(public_id_for(self.pk, settings.HASHIDS_SALT)):
                    # This key goes unused, as a failed insert's would (SQLite's AUTOINCREMENT
                    # never gives it again).
                    models.QuerySet(Grid).filter(pk=self.pk).delete()
                    self.pk = None
                    super().save(*args, **kwargs)
                self.public_id = public_id_for(self.pk, settings.HASHIDS_SALT)
                Grid.objects.filter(pk=self.pk).update(public_id=self.public_id)

    def get_absolute_url(self):
        route = "grids:secret-page" if self.secret else "grids:page"
        urlconf = get_urlconf() or settings.ROOT_URLCONF
        return page_path_before_id(route, get_script_prefix(), urlconf) + self.public_id

    def delete(self, *args, **kwargs):
        return Grid.objects.filter(pk=self.pk).delete()

    def get_report_url(self):
        route = "grids:secret-report" if self.secret else "grids:report"
        return reverse(route, kwargs={"public_id": self.public_id})

    def _insert_with_a_free_public_id(self, *args, **kwargs):
        """Insert a new public grid (PostgreSQL) with a key whose hashid is free.

        /random is a page, never a grid's (names_a_route). A grid imported with its old URL
        (import_grids, import_legacy) may hold the hashid of a key the sequence gives later:
        the imports move the sequence past the keys their ids decode to, so with the same salt
        that never happens, and with another salt the unique constraint refuses the insert
        and the next key is taken. Neither costs a normal post anything.
        """
        given_pk = self.pk
        while True:
            if given_pk is None:
                self.pk = next_grid_pk()
                while names_a_route(public_id_for(self.pk, settings.HASHIDS_SALT)):
                    self.pk = next_grid_pk()
            self.public_id = public_id_for(self.pk, settings.HASHIDS_SALT)
            try:
                # A savepoint only inside a transaction (tests, an import): a post commits alone.
                with transaction.atomic() if connection.in_atomic_block else nullcontext():
                    super().save(*args, **{**kwargs, "force_insert": True})
                return
            except IntegrityError:
                if given_pk is not None or is_free_public_id(self.public_id):
                    raise
                logger.info("A new grid's id was taken by an imported grid; taking the next key.")

    @property
    def cache_name(self) -> str:
        """How the cache names this grid (grids/caching/keys.py)."""
        return grid_cache_name(self.public_id, secret=self.secret)

    @property
    def block_count(self) -> int:
        return self.width * self.height

    @property
    def hidden_by_the_site(self) -> bool:
        return self.state == GridState.HIDDEN and self.hidden_by_id is None

    def record_report(self, *, reason: str, details: str, reporter: str) -> "Report":
        """Store a visitor's report; past the site's threshold, hide the grid until a teacher
        looks (IPB_AUTO_HIDE_AFTER_REPORTS, off when 0).

        A further report from the same reporter on a grid whose report from them is still
        open adds its note to that one: a whole school shares one address, so these are often
        several students, but one open report per address keeps the list a teacher reads short.
        """
        report = self.reports.filter(reporter=reporter, resolved_at=None).first()
        if report is None:
            report = Report.objects.create(
                grid=self, reason=reason, details=details, reporter=reporter
            )
        else:
            report.add_note(reason=reason, details=details)
        threshold = settings.IPB_AUTO_HIDE_AFTER_REPORTS
        if threshold and self.state == GridState.PUBLISHED:
            open_reports = self.reports.filter(resolved_at=None)
            reporters = open_reports.values("reporter").distinct().count()
            if reporters >= threshold:
                reasons = sorted(set(open_reports.values_list("reason", flat=True)))
                Grid.objects.filter(pk=self.pk).hide(
                    by=None,
                    reason=f"Hidden automatically after reports from {reporters} visitors "
                    f"({', '.join(reasons)}).",
                )
        return report


class ReservedGridKeys:
    """Primary keys taken from the grids' identity sequence a block at a time (PostgreSQL).

    A public post needs its key before its insert, for its hashid. Asking the sequence for one
    key per post was a round trip of its own, a large share of a small post's time
    (bench/RESULTS.md). Each process takes KEYS_PER_FETCH keys in one statement and
    hands them out in order. A key the sequence gave is never given again, to any process, so
    reserved keys cannot collide; keys a process held when it stopped are skipped, as the keys
    of failed inserts already were. Grids' keys therefore follow their posting order only within
    a process: nothing orders by key alone (latest() orders by created_at first), and
    random_one() already allows for gaps.
    """

    KEYS_PER_FETCH = 16

    def __init__(self):
        self.keys: deque[int] = deque()
        self.lock = threading.Lock()

    def next(self) -> int:
        with self.lock:  # gthread workers serve several posts at once
            if not self.keys:
                self.keys.extend(self._fetch())
            return self.keys.popleft()

    def clear(self) -> None:
        with self.lock:
            self.keys.clear()

    def _fetch(self) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [Grid._meta.db_table, self.KEYS_PER_FETCH],
            )
            return sorted(key for (key,) in cursor.fetchall())


reserved_grid_keys = ReservedGridKeys()


def remixes_and_parents_of(pks: list[int]) -> list[str]:
    """The cache names (Grid.cache_name) of the grids whose pages show these as a remix or as
    what it remixed."""
    links = Grid.remixed_from.through.objects.filter(
        models.Q(from_grid__in=pks) | models.Q(to_grid__in=pks)
    )
    related = {pk for pair in links.values_list("from_grid", "to_grid") for pk in pair}
    rows = Grid.objects.filter(pk__in=related - set(pks)).values_list("public_id", "secret")
    return [grid_cache_name(public_id, secret=secret) for public_id, secret in rows]


def walls_showing(pks: list[int]) -> list[str]:
    """The codes of the classes these grids belong to, whose walls show them."""
    rows = Grid.objects.filter(pk__in=pks, school_class__isnull=False)
    return list(rows.values_list("school_class__code", flat=True).distinct())


def next_grid_pk() -> int:
    """The next primary key for a grid (PostgreSQL only): see ReservedGridKeys."""
    return reserved_grid_keys.next()


class ReportQuerySet(models.QuerySet):
    def taught_by(self, user) -> "ReportQuerySet":
        """Reports on the grids GridQuerySet.taught_by() gives the teacher, and no others."""
        from classes.models import runs_every_class

        if runs_every_class(user):
            return self
        return self.filter(grid__school_class__teachers=user)


class Report(models.Model):
    """A visitor's "Report this grid": what they saw, never who they are."""

    class Reason(models.TextChoices):
        HURTFUL = "hurtful", "Hurtful, mean or bullying"
        INAPPROPRIATE = "inappropriate", "Not appropriate for school"
        PERSONAL = "personal", "Shows someone's personal information"
        SPAM = "spam", "Spam or advertising"
        OTHER = "other", "Something else"

    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(max_length=16, choices=Reason.choices)
    details = models.TextField(max_length=500, blank=True)
    # A keyed hash of the reporter's address: enough to count distinct reporters, useless
    # for finding out who they are (grids/throttling.py).
    reporter = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    resolved_at = models.DateTimeField(
        null=True, blank=True, help_text="When a teacher's decision on the grid answered it."
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_reason_display()} ({self.grid.public_id})"

    def add_note(self, *, reason: str, details: str) -> None:
        """A further report of the same grid from the same reporter, added to this one."""
        note = details.strip()
        if reason != self.reason:
            note = f"({self.Reason(reason).label}) {note}".strip()
        if note:
            self.details = f"{self.details}\n\n{note}" if self.details else note
            self.save(update_fields=["details"])


def is_free_public_id(public_id: str) -> bool:
    """Whether a new public grid may take this id: not a fixed route's word, nor held."""
    return (
        not names_a_route(public_id)
        and not Grid.objects.filter(public_id=public_id, secret=False).exists()
    )


@functools.lru_cache(maxsize=16)
def page_path_before_id(route: str, script_prefix: str, urlconf) -> str:
    """The path of a grid's page up to its id, for Grid.get_absolute_url.

    A grid's page is its route's path with the id at the end. reverse() matches the route's
    pattern again on every call, a measurable share of a post (every post answers its page's
    URL; bench/RESULTS.md) and a call per grid on the home page: so the path before the id is
    found once for each route, script prefix and URLconf, the things reverse() reads (the
    prefix is only part of the key: reverse() reads it itself, in the same thread).
    """
    placeholder = "0"
    path = reverse(route, kwargs={"public_id": placeholder}, urlconf=urlconf)
    if not path.endswith(f"/{placeholder}"):
        raise ImproperlyConfigured(f"The route {route!r} must end with the grid's id: {path}")
    return path.removesuffix(placeholder)
