"""REST API routes of the evaluations app (mounted under /api/v1/)."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()

app_name = "evaluations_api"
urlpatterns = router.urls
