from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "edubureau.core"
    verbose_name = "核心"

    def ready(self):
        from . import checks, lookups  # noqa: F401  (checks: registers the production-settings checks)

        lookups.register()  # `__in` with an id out of range matches nothing instead of failing

        from .caching import create_cache_tables

        post_migrate.connect(create_cache_tables, sender=self)  # the shared cache's table (settings.CACHES)
