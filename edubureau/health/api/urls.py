from rest_framework.routers import DefaultRouter

from . import views

app_name = "health-api"
router = DefaultRouter()
router.register("class-reports", views.ClassReportViewSet, basename="classreport")
router.register("staff-reports", views.StaffReportViewSet, basename="staffreport")
router.register("cases", views.SickCaseViewSet, basename="sickcase")
router.register("rollups", views.RollupViewSet, basename="rollup")
router.register("alerts", views.AlertViewSet, basename="alert")
urlpatterns = router.urls
