"""REST API routes of the planning app (mounted under /api/v1/)."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()

app_name = "planning_api"
urlpatterns = router.urls
