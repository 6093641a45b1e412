from django.apps import AppConfig


class EquityConfig(AppConfig):
    name = "edubureau.equity"
    verbose_name = "优质均衡"
