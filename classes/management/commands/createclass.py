"""Create a class from the command line, for an operator setting up a term's classes (or a
script): prints the class's code, its wall's address and the snippet its students paste."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from classes.models import Moderation, SchoolClass
from classes.views import class_snippet
from grids.site_url import absolute_url


def create_class(name: str, teacher_usernames: list[str], **fields) -> SchoolClass:
    User = get_user_model()
    teachers = list(User.objects.filter(username__in=teacher_usernames))
    missing = sorted(set(teacher_usernames) - {teacher.get_username() for teacher in teachers})
    if missing:
        raise CommandError(
            f"No user named {', '.join(map(repr, missing))}: create them with createteacher first."
        )
    with transaction.atomic():
        school_class = SchoolClass.objects.create(name=name, **fields)
        school_class.teachers.set(teachers)
    return school_class


class Command(BaseCommand):
    help = "Create a class: its own post link, wall and moderation. Prints the class code."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument(
            "--teacher",
            action="append",
            required=True,
            dest="teachers",
            metavar="USERNAME",
            help="a teacher of the class (repeat for several)",
        )
        parser.add_argument(
            "--moderation",
            choices=Moderation.values,
            default=Moderation.NONE,
            help="none: grids show at once; wall: approve before the wall; public: approve "
            "before anything is public",
        )
        parser.add_argument(
            "--public",
            action="store_true",
            help="list the class's grids in the gallery and let anyone open its wall",
        )

    def handle(self, *args, name, teachers, moderation, public, **options):
        school_class = create_class(name, teachers, moderation=moderation, public=public)
        self.stdout.write(f"Class {name!r} created. Its code: {school_class.code}")
        self.stdout.write(f"Its wall: {absolute_url(school_class.get_absolute_url())}")
        self.stdout.write("Students paste this into their notebook before posting:\n")
        self.stdout.write(class_snippet(school_class))
