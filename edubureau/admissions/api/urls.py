from rest_framework.routers import DefaultRouter

app_name = "admissions-api"
router = DefaultRouter()
urlpatterns = router.urls
