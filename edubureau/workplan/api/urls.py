from rest_framework.routers import DefaultRouter

app_name = "workplan-api"
router = DefaultRouter()
urlpatterns = router.urls
