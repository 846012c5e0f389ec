from django.apps import AppConfig


class ClassesConfig(AppConfig):
    """A teacher's classes: their own post link, the live wall, moderation of their grids."""

    name = "classes"
    verbose_name = "Classes"
