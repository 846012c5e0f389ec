import random

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from grids.ids import new_secret_id, public_id_for


class GridQuerySet(models.QuerySet):
    """The one place that decides which grids the public may see.

    Every public surface (pages, /get, /random, the home page) starts from reachable() or
    public(); nothing outside this module filters on `secret`. The admin and management
    commands use Grid.objects.all() on purpose, and say so.
    """

    def reachable(self, *, secret: bool) -> "GridQuerySet":
        """Grids a visitor may open under the public routes, or under /secret/... if secret."""
        return self.filter(secret=secret)

    def public(self) -> "GridQuerySet":
        """Grids we may list on the home page or pick for /random."""
        return self.reachable(secret=False)

    def latest(self) -> "GridQuerySet":
        # The newest first; listings show the picture and the date, never the blocks' JSON in
        # bulk, so the big columns stay in the database until a thumbnail needs them.
        return self.order_by("-created_at", "-pk").defer("blocks", "code_cells")

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


class Grid(models.Model):
    """A grid a student posted from a notebook, stored as the client sent it."""

    class GridClass(models.TextChoices):
        BLOCK_GRID = "BlockGrid"
        IMAGE_GRID = "ImageGrid"

    # The last segment of the grid's URL (grids/ids.py). Null only inside save(), between the
    # insert that gives a public grid its primary key and the update that stores its hashid.
    public_id = models.CharField(max_length=64, unique=True, null=True, editable=False)  # noqa: DJ001
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
    blocks = models.JSONField()
    code_cells = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = GridQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="grid_newest_first")]
        constraints = [
            models.CheckConstraint(condition=models.Q(width__gte=1), name="grid_width_positive"),
            models.CheckConstraint(condition=models.Q(height__gte=1), name="grid_height_positive"),
        ]

    def __str__(self):
        return f"{self.ipb_class} {self.public_id} ({self.width}x{self.height})"

    def save(self, *args, **kwargs):
        if self.public_id:
            super().save(*args, **kwargs)
            return
        with transaction.atomic():
            if self.secret:
                self.public_id = new_secret_id()
                super().save(*args, **kwargs)
            else:
                # A hashid encodes the primary key, which exists only after the insert.
                super().save(*args, **kwargs)
                self.public_id = public_id_for(self.pk, settings.HASHIDS_SALT)
                Grid.objects.filter(pk=self.pk).update(public_id=self.public_id)

    def get_absolute_url(self):
        route = "grids:secret-page" if self.secret else "grids:page"
        return reverse(route, kwargs={"public_id": self.public_id})

    @property
    def block_count(self) -> int:
        return self.width * self.height
