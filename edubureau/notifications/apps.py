from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "edubureau.notifications"
    verbose_name = "消息中心"

    def ready(self):
        # core is below every app, so the import pipeline announces a finished job with a signal.
        from edubureau.core import importing

        from . import services

        importing.import_finished.connect(
            services.import_finished, dispatch_uid="notifications-import-finished"
        )
