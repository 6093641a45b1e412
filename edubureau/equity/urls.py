from django.urls import path

from . import dashboard, views
from .tables import REPORT_EXPORT_COLUMNS

app_name = "equity"
urlpatterns = [
    # monitoring
    path("", dashboard.DashboardView.as_view(), name="dashboard"),
    path("schools/<int:pk>/", dashboard.SchoolView.as_view(), name="school"),
    path("class-sizes/", dashboard.ClassSizeView.as_view(), name="class_sizes"),
    path("evaluation.xlsx", dashboard.EvaluationExportView.as_view(kind="xlsx"), name="evaluation_xlsx"),
    path("evaluation.docx", dashboard.EvaluationExportView.as_view(kind="docx"), name="evaluation_docx"),
    path("what-if/", dashboard.WhatIfView.as_view(), name="whatif"),
    path("optimiser/", dashboard.OptimiserView.as_view(), name="optimiser"),
    path("settings/", views.SettingsView.as_view(), name="settings"),
    # resource reports (imported through the core import pages: core:import_new_resources)
    path("reports/", views.ReportListView.as_view(), name="report_list"),
    path(
        "reports/export/",
        views.ReportListView.as_view(export=True, columns=REPORT_EXPORT_COLUMNS),
        name="report_export",
    ),
    path("reports/add/", views.ReportEditView.as_view(), name="report_add"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("reports/<int:pk>/edit/", views.ReportEditView.as_view(), name="report_edit"),
    path("reports/<int:pk>/submit/", views.ReportActionView.as_view(step="submit"), name="report_submit"),
    path("reports/<int:pk>/confirm/", views.ReportActionView.as_view(step="confirm"), name="report_confirm"),
    path("reports/<int:pk>/return/", views.ReportActionView.as_view(step="return"), name="report_return"),
    # the bureau's overrides
    path("overrides/", views.OverrideListView.as_view(), name="override_list"),
    path("overrides/export/", views.OverrideListView.as_view(export=True), name="override_export"),
    path("overrides/add/", views.OverrideEditView.as_view(), name="override_add"),
    path("overrides/<int:pk>/", views.OverrideDetailView.as_view(), name="override_detail"),
    path("overrides/<int:pk>/edit/", views.OverrideEditView.as_view(), name="override_edit"),
    path("overrides/<int:pk>/delete/", views.OverrideDeleteView.as_view(), name="override_delete"),
]
