from django.urls import path

from . import audit_views, import_views

app_name = "core"
urlpatterns: list = []

# The audit log (read only).
urlpatterns += [
    path("changes/", audit_views.ChangeListView.as_view(), name="change_list"),
    path("changes/<int:pk>/", audit_views.ChangeDetailView.as_view(), name="change_detail"),
    path("access/", audit_views.AccessListView.as_view(), name="access_list"),
]

# Bulk imports: one upload page per kind (the list pages link to these names).
urlpatterns += [
    path("imports/", import_views.ImportListView.as_view(), name="import_list"),
    *[
        path(f"imports/new/{kind}/", import_views.ImportNewView.as_view(), {"kind": kind}, name=f"import_new_{kind}")
        for kind in ("schools", "classes", "students", "staff", "resources", "applications", "catchment_rules")
    ],
    path("imports/<int:pk>/", import_views.ImportDetailView.as_view(), name="import_detail"),
    path("imports/<int:pk>/confirm/", import_views.ImportConfirmView.as_view(), name="import_confirm"),
    path("imports/<int:pk>/errors/", import_views.ImportErrorsView.as_view(), name="import_errors"),
    path("imports/template/<str:kind>/", import_views.ImportTemplateView.as_view(), name="import_template"),
]
