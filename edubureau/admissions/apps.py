from django.apps import AppConfig


class AdmissionsConfig(AppConfig):
    name = "edubureau.admissions"
    verbose_name = "招生入学"
