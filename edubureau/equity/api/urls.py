from rest_framework.routers import DefaultRouter

from . import views

app_name = "equity-api"
router = DefaultRouter()
router.register("resource-reports", views.ResourceReportViewSet, basename="resourcereport")
router.register("indicator-results", views.IndicatorResultViewSet, basename="indicatorresult")
urlpatterns = router.urls
