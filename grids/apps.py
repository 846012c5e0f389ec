from django.apps import AppConfig
from django.core.signals import setting_changed


class GridsConfig(AppConfig):
    name = "grids"
    verbose_name = "Grids"

    def ready(self):
        from grids.caching import replay

        setting_changed.connect(replay.forget_replays, dispatch_uid="grids.forget_replays")
