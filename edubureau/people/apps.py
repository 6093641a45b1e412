from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "edubureau.people"
    verbose_name = "师生库"
