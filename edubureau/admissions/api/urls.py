from rest_framework.routers import DefaultRouter

from . import views

app_name = "admissions-api"
router = DefaultRouter()
router.register("campaigns", views.CampaignViewSet)
router.register("plans", views.SchoolPlanViewSet)
router.register("applications", views.ApplicationViewSet)
router.register("draws", views.DrawViewSet)
# helper 3: allocation/catchment API routes below
from . import allocation  # noqa: E402

router.register("catchment-rules", allocation.CatchmentRuleViewSet)
router.register("allocation-runs", allocation.AllocationRunViewSet)
router.register("placements", allocation.PlacementViewSet)
urlpatterns = router.urls
