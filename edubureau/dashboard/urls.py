from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("registry/", views.registry, name="registry"),
    path("map.geojson", views.school_map, name="map"),
    path("map/chart/", views.school_map_chart, name="map_chart"),
]
