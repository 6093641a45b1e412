from django.urls import path

from . import audit_views

app_name = "core"
urlpatterns: list = []

# The audit log (read only).
urlpatterns += [
    path("changes/", audit_views.ChangeListView.as_view(), name="change_list"),
    path("changes/<int:pk>/", audit_views.ChangeDetailView.as_view(), name="change_detail"),
    path("access/", audit_views.AccessListView.as_view(), name="access_list"),
]
