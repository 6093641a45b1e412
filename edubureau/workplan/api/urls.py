from rest_framework.routers import DefaultRouter

from . import views

app_name = "workplan-api"
router = DefaultRouter()
router.register("plans", views.PlanViewSet, basename="plan")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("reports", views.ProgressReportViewSet, basename="report")
router.register("projects", views.ProjectViewSet, basename="project")
urlpatterns = router.urls
