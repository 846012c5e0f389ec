from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from classes.codes import new_class_code
from classes.walls import forget_cached_walls
from grids.models import GridState, initial_state


class Moderation(models.TextChoices):
    """How much of a class's grids waits for its teachers. The site's IPB_REQUIRE_APPROVAL,
    where it is on, is stricter than all three and wins."""

    NONE = "none", "None: grids show at once"
    WALL = "wall", "Approve before the wall: links work, nothing lists the grid until then"
    PUBLIC = "public", "Approve before anything is public"


class SchoolClassQuerySet(models.QuerySet):
    def taught_by(self, user) -> "SchoolClassQuerySet":
        """The classes a user may run: every class for a site moderator, else their own."""
        if runs_every_class(user):
            return self
        return self.filter(teachers=user)


def runs_every_class(user) -> bool:
    """Whether a signed-in teacher sees and moderates every grid and class: site moderators
    (the Teachers group, superusers) and staff who only look. Not a teacher made with
    `createteacher --own-classes` (the Class teachers group), who runs only her own classes."""
    if not (user.is_active and user.is_staff):
        return False
    return user.has_perm("grids.moderate_grid") or not user.has_perm("classes.run_own_classes")


class SchoolClass(models.Model):
    """A class: its own post link (/c/<code>/post) files grids in it, and its wall
    (/c/<code>/) shows them as they arrive. Grids carry no student's name."""

    name = models.CharField(max_length=100)
    code = models.CharField(
        max_length=16,
        unique=True,
        default=new_class_code,
        editable=False,
        help_text="In the class's post link and wall address (classes/codes.py).",
    )
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="classes_taught", blank=True
    )
    moderation = models.CharField(max_length=8, choices=Moderation.choices, default=Moderation.NONE)
    public = models.BooleanField(
        default=False,
        help_text="Public: the class's grids are listed in the gallery and /random, and anyone "
        "may open its wall. Otherwise its grids open only by their links, and only its "
        "teachers see the wall.",
    )
    closes_at = models.DateTimeField(
        null=True, blank=True, help_text="From then on its post link refuses new grids."
    )
    # An exercise: the grid the class's grids are compared with, block by block.
    target = models.ForeignKey(
        "grids.Grid",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The grid the class is asked to make; each grid of its shape shows how many "
        "of its blocks match.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = SchoolClassQuerySet.as_manager()

    class Meta:
        verbose_name = "class"
        verbose_name_plural = "classes"
        ordering = ["name", "pk"]
        permissions = [("run_own_classes", "Can run and moderate their own classes")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        with transaction.atomic():
            super().save(*args, **kwargs)
            # Whether its grids are listed follows the class's choice, at once for all of them.
            self.grids.all().relist()
        forget_cached_walls([self.code])
        transaction.on_commit(lambda: forget_cached_walls([self.code]))

    def get_absolute_url(self):
        return reverse("classes:wall", kwargs={"code": self.code})

    @property
    def is_closed(self) -> bool:
        return self.closes_at is not None and self.closes_at <= timezone.now()

    def fields_of_a_new_grid(self) -> dict:
        """What a grid posted to this class's link carries: the class, and its moderation."""
        state = initial_state()
        if self.moderation == Moderation.PUBLIC:
            state = GridState.AWAITING_APPROVAL
        awaiting_wall = self.moderation == Moderation.WALL and state == GridState.PUBLISHED
        return {
            "school_class": self,
            "state": state,
            "awaiting_wall": awaiting_wall,
            "listed": self.public and not awaiting_wall,
        }

    def close(self) -> None:
        self.closes_at = timezone.now()
        self.save(update_fields=["closes_at"])
