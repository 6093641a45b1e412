from django.urls import path

from . import document_views, views
from .tables import PROJECT_EXPORT_COLUMNS, TASK_EXPORT_COLUMNS

app_name = "workplan"
urlpatterns = [
    path("", views.PlanListView.as_view(), name="plan_list"),
    path("export/", views.PlanListView.as_view(export=True), name="plan_export"),
    path("add/", views.PlanEditView.as_view(), name="plan_add"),
    path("dashboard/", views.PlanDashboardView.as_view(), name="dashboard"),
    path("reminders/", views.RemindersView.as_view(), name="reminders"),
    path("<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("<int:pk>/edit/", views.PlanEditView.as_view(), name="plan_edit"),
    path("import/", document_views.PlanImportView.as_view(), name="plan_import"),
    path("<int:pk>/summary/", document_views.SummaryPreviewView.as_view(), name="plan_summary_preview"),
    path(
        "<int:pk>/summary.docx",
        document_views.PlanDocumentView.as_view(kind="summary"),
        name="plan_summary_docx",
    ),
    path(
        "<int:pk>/points.docx",
        document_views.PlanDocumentView.as_view(kind="points"),
        name="plan_points_docx",
    ),
    path(
        "<int:pk>/ledger.xlsx",
        document_views.PlanDocumentView.as_view(kind="ledger"),
        name="plan_ledger_xlsx",
    ),
    path(
        "<int:pk>/progress.docx",
        document_views.PlanDocumentView.as_view(kind="progress"),
        name="plan_progress_docx",
    ),
    path("<int:plan_pk>/sections/add/", views.SectionEditView.as_view(), name="section_add"),
    path("sections/<int:pk>/edit/", views.SectionEditView.as_view(), name="section_edit"),
    path("tasks/", views.TaskListView.as_view(), name="task_list"),
    path(
        "tasks/export/",
        views.TaskListView.as_view(export=True, columns=TASK_EXPORT_COLUMNS),
        name="task_export",
    ),
    path("tasks/add/", views.TaskEditView.as_view(), name="task_add"),
    path("tasks/<int:pk>/", views.TaskDetailView.as_view(), name="task_detail"),
    path("tasks/<int:pk>/edit/", views.TaskEditView.as_view(), name="task_edit"),
    path("tasks/<int:pk>/delete/", views.TaskDeleteView.as_view(), name="task_delete"),
    path("tasks/<int:pk>/status/", views.TaskOverrideView.as_view(), name="task_status"),
    path("tasks/<int:pk>/milestones/", views.MilestonesView.as_view(), name="task_milestones"),
    path("tasks/<int:pk>/targets/", views.TargetsView.as_view(), name="task_targets"),
    path("tasks/<int:pk>/report/", views.ProgressReportView.as_view(), name="task_report"),
    path("milestones/<int:pk>/", views.MilestoneEditView.as_view(), name="milestone_edit"),
    path("targets/<int:pk>/", views.TargetEditView.as_view(), name="target_edit"),
    path("reports/", views.ProgressReportListView.as_view(), name="report_list"),
    path("reports/export/", views.ProgressReportListView.as_view(export=True), name="report_export"),
    path("attachments/<int:pk>/", views.AttachmentView.as_view(), name="attachment_download"),
    path("projects/", views.ProjectListView.as_view(), name="project_list"),
    path(
        "projects/export/",
        views.ProjectListView.as_view(export=True, columns=PROJECT_EXPORT_COLUMNS),
        name="project_export",
    ),
    path("projects/add/", views.ProjectEditView.as_view(), name="project_add"),
    path("projects/dashboard/", views.ProjectDashboardView.as_view(), name="project_dashboard"),
    path("projects/<int:pk>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("projects/<int:pk>/edit/", views.ProjectEditView.as_view(), name="project_edit"),
    path("projects/<int:pk>/delete/", views.ProjectDeleteView.as_view(), name="project_delete"),
    path("projects/<int:pk>/advance/", views.ProjectAdvanceView.as_view(), name="project_advance"),
    path("projects/<int:pk>/stages/", views.ProjectStagesView.as_view(), name="project_stages"),
    path("projects/<int:pk>/attachments/", views.ProjectAttachmentView.as_view(), name="project_attachments"),
]
