"""REST API routes of the rounds app (mounted under /api/v1/)."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()

app_name = "rounds_api"
urlpatterns = router.urls
