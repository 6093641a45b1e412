from django.apps import AppConfig


class WorkplanConfig(AppConfig):
    name = "edubureau.workplan"
    verbose_name = "工作要点与重点项目"
