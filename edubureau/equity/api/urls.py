from rest_framework.routers import DefaultRouter

app_name = "equity-api"
router = DefaultRouter()
urlpatterns = router.urls
