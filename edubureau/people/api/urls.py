from rest_framework.routers import DefaultRouter

from . import views

app_name = "people-api"
router = DefaultRouter()
router.register("school-years", views.SchoolYearViewSet, basename="schoolyear")
router.register("classes", views.SchoolClassViewSet, basename="schoolclass")
router.register("students", views.StudentViewSet, basename="student")
router.register("staff", views.StaffViewSet, basename="staff")
router.register("postings", views.PostingViewSet, basename="posting")
urlpatterns = router.urls
