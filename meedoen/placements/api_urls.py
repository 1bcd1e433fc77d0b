"""REST API routes of the placements app (mounted under /api/v1/)."""

from rest_framework.routers import SimpleRouter

from .api import PlacementViewSet

router = SimpleRouter()
router.register("placements", PlacementViewSet, basename="placement")

app_name = "placements_api"
urlpatterns = router.urls
