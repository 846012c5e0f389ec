"""Create a teacher: an admin login that can moderate grids and do nothing else.

A site moderator (the Teachers group) sees and moderates every grid. With --own-classes the
teacher is in the Class teachers group instead: they create and run their own classes
(classes/) and see and moderate only those classes' grids.

Schools add teachers without handing out superuser accounts. Like createsuperuser, it asks
for the password, or with --noinput reads it from DJANGO_TEACHER_PASSWORD (for scripts).
"""

import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

PASSWORD_VARIABLE = "DJANGO_TEACHER_PASSWORD"

# What moderation needs and no more. Migrations grids 0003 and classes 0002 made the group with this
# (a migration keeps its own frozen copy); the command puts the group back as it should be if
# someone deleted or changed it.
TEACHER_PERMISSIONS = [
    ("grids", "view_grid"),
    ("grids", "moderate_grid"),
    ("grids", "delete_grid"),
    ("grids", "view_report"),
    # Site moderators run classes too, any class (migration classes 0002 added these).
    ("classes", "view_schoolclass"),
    ("classes", "add_schoolclass"),
    ("classes", "change_schoolclass"),
    ("classes", "delete_schoolclass"),
]
# Running one's own classes, as migration classes 0002 made the group.
CLASS_TEACHER_PERMISSIONS = [
    ("grids", "view_grid"),
    ("grids", "delete_grid"),
    ("grids", "view_report"),
    ("classes", "run_own_classes"),
    ("classes", "view_schoolclass"),
    ("classes", "add_schoolclass"),
    ("classes", "change_schoolclass"),
    ("classes", "delete_schoolclass"),
]


def group_with(name: str, permissions: list[tuple[str, str]]) -> Group:
    group, _ = Group.objects.get_or_create(name=name)
    group.permissions.set(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in permissions
    )
    return group


def teachers_group() -> Group:
    return group_with("Teachers", TEACHER_PERMISSIONS)


def class_teachers_group() -> Group:
    return group_with("Class teachers", CLASS_TEACHER_PERMISSIONS)


def create_teacher(username: str, password: str, email: str = "", *, own_classes: bool = False):
    """A staff user in the Teachers group, or with own_classes in the Class teachers group."""
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise CommandError(f"A user named {username!r} already exists.")
    user = User(username=username, email=email, is_staff=True)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise CommandError(" ".join(error.messages)) from None
    user.set_password(password)
    with transaction.atomic():
        user.save()
        user.groups.add(class_teachers_group() if own_classes else teachers_group())
    return user


class Command(BaseCommand):
    help = "Create a teacher account that can moderate grids in the admin, and nothing else."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--own-classes",
            action="store_true",
            help="A teacher of their own classes only: they create classes and see and "
            "moderate only those classes' grids.",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help=f"Do not prompt; read the password from {PASSWORD_VARIABLE}.",
        )

    def handle(self, *args, username, email, own_classes, interactive, **options):
        if interactive:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        else:
            # Read here, like createsuperuser reads DJANGO_SUPERUSER_PASSWORD.
            password = os.environ.get(PASSWORD_VARIABLE, "")
            if not password:
                raise CommandError(f"Set {PASSWORD_VARIABLE} to use --noinput.")
        create_teacher(username, password, email, own_classes=own_classes)
        runs = "their own classes" if own_classes else "every grid"
        self.stdout.write(
            self.style.SUCCESS(
                f"Teacher {username!r} created, moderating {runs}. They log in at /admin/."
            )
        )
