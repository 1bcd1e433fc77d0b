"""REST API routes of the placements app (mounted under /api/v1/)."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()

app_name = "placements_api"
urlpatterns = router.urls
