from rest_framework.routers import DefaultRouter

app_name = "health-api"
router = DefaultRouter()
urlpatterns = router.urls
