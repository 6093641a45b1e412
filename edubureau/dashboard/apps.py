from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "edubureau.dashboard"
    verbose_name = "首页"
