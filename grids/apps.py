from django.apps import AppConfig


class GridsConfig(AppConfig):
    name = "grids"
    verbose_name = "Grids"
