from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class DashboardConfig(AppConfig):
    name = "edubureau.dashboard"
    verbose_name = "首页"

    def ready(self):
        # The tiles and queue items of the modules that exist (here), and any app's own `tiles.py`
        # (a later module registers its providers there: see registry.py).
        from . import queues, tiles  # noqa: F401

        autodiscover_modules("tiles")
