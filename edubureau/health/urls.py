from django.urls import path

from . import views
from .tables import CASE_EXPORT_COLUMNS

app_name = "health"
urlpatterns = [
    path("day/", views.DayView.as_view(), name="day"),
    path("day/export/", views.DayView.as_view(export=True), name="day_export"),
    path("report/", views.ClassReportView.as_view(), name="report_new"),
    path("report/classes/", views.ClassSearchView.as_view(), name="class_search"),
    path("reports/", views.ReportListView.as_view(), name="report_list"),
    path("reports/export/", views.ReportListView.as_view(export=True), name="report_export"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("cases/", views.CaseListView.as_view(), name="case_list"),
    path(
        "cases/export/",
        views.CaseListView.as_view(export=True, columns=CASE_EXPORT_COLUMNS),
        name="case_export",
    ),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("cases/<int:pk>/return/", views.CaseReturnView.as_view(), name="case_return"),
    path("followup/", views.FollowUpListView.as_view(), name="followup"),
    path(
        "followup/export/",
        views.FollowUpListView.as_view(export=True, columns=CASE_EXPORT_COLUMNS),
        name="followup_export",
    ),
    path("staff/report/", views.StaffReportView.as_view(), name="staff_report_new"),
    path("staff/", views.StaffReportListView.as_view(), name="staff_report_list"),
    path("staff/export/", views.StaffReportListView.as_view(export=True), name="staff_report_export"),
    path("staff/<int:pk>/", views.StaffReportDetailView.as_view(), name="staff_report_detail"),
    path("alerts/", views.AlertListView.as_view(), name="alert_list"),
    path("alerts/export/", views.AlertListView.as_view(export=True), name="alert_export"),
    path("alerts/<int:pk>/", views.AlertDetailView.as_view(), name="alert_detail"),
    path("schools/<int:pk>/", views.SchoolHealthView.as_view(), name="school"),
    path("classes/<int:pk>/", views.ClassHealthView.as_view(), name="class"),
    path("trends/", views.TrendsView.as_view(), name="trends"),
    path("trends/export/", views.TrendsView.as_view(export=True), name="trends_export"),
    path("briefing/", views.BriefingView.as_view(), name="briefing"),
    path("briefing/xlsx/", views.BriefingView.as_view(fmt="xlsx"), name="briefing_xlsx"),
    path("briefing/docx/", views.BriefingView.as_view(fmt="docx"), name="briefing_docx"),
    path("settings/", views.SettingsView.as_view(), name="settings"),
]
