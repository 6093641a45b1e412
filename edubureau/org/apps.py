from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "edubureau.org"
    verbose_name = "学校库"
