"""REST API routes of the rounds app (mounted under /api/v1/)."""

from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("rounds", api.RoundViewSet, basename="round")

app_name = "rounds_api"
urlpatterns = router.urls
