from django.urls import path

from .tables import PROJECT_EXPORT_COLUMNS, TASK_EXPORT_COLUMNS
from .views import documents, plans

app_name = "workplan"
urlpatterns = [
    path("", plans.PlanListView.as_view(), name="plan_list"),
    path("export/", plans.PlanListView.as_view(export=True), name="plan_export"),
    path("add/", plans.PlanEditView.as_view(), name="plan_add"),
    path("dashboard/", plans.PlanDashboardView.as_view(), name="dashboard"),
    path("reminders/", plans.RemindersView.as_view(), name="reminders"),
    path("<int:pk>/", plans.PlanDetailView.as_view(), name="plan_detail"),
    path("<int:pk>/edit/", plans.PlanEditView.as_view(), name="plan_edit"),
    path("import/", documents.PlanImportView.as_view(), name="plan_import"),
    path("<int:pk>/summary/", documents.SummaryPreviewView.as_view(), name="plan_summary_preview"),
    path(
        "<int:pk>/summary.docx",
        documents.PlanDocumentView.as_view(kind="summary"),
        name="plan_summary_docx",
    ),
    path(
        "<int:pk>/points.docx",
        documents.PlanDocumentView.as_view(kind="points"),
        name="plan_points_docx",
    ),
    path(
        "<int:pk>/ledger.xlsx",
        documents.PlanDocumentView.as_view(kind="ledger"),
        name="plan_ledger_xlsx",
    ),
    path(
        "<int:pk>/progress.docx",
        documents.PlanDocumentView.as_view(kind="progress"),
        name="plan_progress_docx",
    ),
    path("<int:plan_pk>/sections/add/", plans.SectionEditView.as_view(), name="section_add"),
    path("sections/<int:pk>/edit/", plans.SectionEditView.as_view(), name="section_edit"),
    path("tasks/", plans.TaskListView.as_view(), name="task_list"),
    path(
        "tasks/export/",
        plans.TaskListView.as_view(export=True, columns=TASK_EXPORT_COLUMNS),
        name="task_export",
    ),
    path("tasks/add/", plans.TaskEditView.as_view(), name="task_add"),
    path("tasks/<int:pk>/", plans.TaskDetailView.as_view(), name="task_detail"),
    path("tasks/<int:pk>/edit/", plans.TaskEditView.as_view(), name="task_edit"),
    path("tasks/<int:pk>/delete/", plans.TaskDeleteView.as_view(), name="task_delete"),
    path("tasks/<int:pk>/status/", plans.TaskOverrideView.as_view(), name="task_status"),
    path("tasks/<int:pk>/milestones/", plans.MilestonesView.as_view(), name="task_milestones"),
    path("tasks/<int:pk>/targets/", plans.TargetsView.as_view(), name="task_targets"),
    path("tasks/<int:pk>/report/", plans.ProgressReportView.as_view(), name="task_report"),
    path("milestones/<int:pk>/", plans.MilestoneEditView.as_view(), name="milestone_edit"),
    path("targets/<int:pk>/", plans.TargetEditView.as_view(), name="target_edit"),
    path("reports/", plans.ProgressReportListView.as_view(), name="report_list"),
    path("reports/export/", plans.ProgressReportListView.as_view(export=True), name="report_export"),
    path("attachments/<int:pk>/", plans.AttachmentView.as_view(), name="attachment_download"),
    path("projects/", plans.ProjectListView.as_view(), name="project_list"),
    path(
        "projects/export/",
        plans.ProjectListView.as_view(export=True, columns=PROJECT_EXPORT_COLUMNS),
        name="project_export",
    ),
    path("projects/add/", plans.ProjectEditView.as_view(), name="project_add"),
    path("projects/dashboard/", plans.ProjectDashboardView.as_view(), name="project_dashboard"),
    path("projects/<int:pk>/", plans.ProjectDetailView.as_view(), name="project_detail"),
    path("projects/<int:pk>/edit/", plans.ProjectEditView.as_view(), name="project_edit"),
    path("projects/<int:pk>/delete/", plans.ProjectDeleteView.as_view(), name="project_delete"),
    path("projects/<int:pk>/advance/", plans.ProjectAdvanceView.as_view(), name="project_advance"),
    path("projects/<int:pk>/stages/", plans.ProjectStagesView.as_view(), name="project_stages"),
    path("projects/<int:pk>/attachments/", plans.ProjectAttachmentView.as_view(), name="project_attachments"),
]
