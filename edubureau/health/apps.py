from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "edubureau.health"
    verbose_name = "师生健康日报"
