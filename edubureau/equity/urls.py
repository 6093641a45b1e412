from django.urls import path

from .tables import REPORT_EXPORT_COLUMNS
from .views import monitoring, reports

app_name = "equity"
urlpatterns = [
    # monitoring
    path("", monitoring.DashboardView.as_view(), name="dashboard"),
    path("schools/<int:pk>/", monitoring.SchoolView.as_view(), name="school"),
    path("class-sizes/", monitoring.ClassSizeView.as_view(), name="class_sizes"),
    path("class-sizes/export/", monitoring.ClassSizeView.as_view(export=True), name="class_size_export"),
    path("evaluation.xlsx", monitoring.EvaluationExportView.as_view(kind="xlsx"), name="evaluation_xlsx"),
    path("evaluation.docx", monitoring.EvaluationExportView.as_view(kind="docx"), name="evaluation_docx"),
    path("what-if/", monitoring.WhatIfView.as_view(), name="whatif"),
    path("optimiser/", monitoring.OptimiserView.as_view(), name="optimiser"),
    path("settings/", reports.SettingsView.as_view(), name="settings"),
    # resource reports (imported through the core import pages: core:import_new_resources)
    path("reports/", reports.ReportListView.as_view(), name="report_list"),
    path(
        "reports/export/",
        reports.ReportListView.as_view(export=True, columns=REPORT_EXPORT_COLUMNS),
        name="report_export",
    ),
    path("reports/add/", reports.ReportEditView.as_view(), name="report_add"),
    path("reports/<int:pk>/", reports.ReportDetailView.as_view(), name="report_detail"),
    path("reports/<int:pk>/edit/", reports.ReportEditView.as_view(), name="report_edit"),
    path("reports/<int:pk>/submit/", reports.ReportActionView.as_view(step="submit"), name="report_submit"),
    path("reports/<int:pk>/confirm/", reports.ReportActionView.as_view(step="confirm"), name="report_confirm"),
    path("reports/<int:pk>/return/", reports.ReportActionView.as_view(step="return"), name="report_return"),
    # the bureau's overrides
    path("overrides/", reports.OverrideListView.as_view(), name="override_list"),
    path("overrides/export/", reports.OverrideListView.as_view(export=True), name="override_export"),
    path("overrides/add/", reports.OverrideEditView.as_view(), name="override_add"),
    path("overrides/<int:pk>/", reports.OverrideDetailView.as_view(), name="override_detail"),
    path("overrides/<int:pk>/edit/", reports.OverrideEditView.as_view(), name="override_edit"),
    path("overrides/<int:pk>/delete/", reports.OverrideDeleteView.as_view(), name="override_delete"),
]
