from rest_framework.routers import DefaultRouter

from . import views

app_name = "org-api"
router = DefaultRouter()
router.register("schools", views.SchoolViewSet, basename="school")
router.register("zones", views.ZoneViewSet, basename="zone")
router.register("groups", views.EduGroupViewSet, basename="edugroup")
router.register("campuses", views.CampusViewSet, basename="campus")
urlpatterns = router.urls
