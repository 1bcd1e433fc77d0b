"""REST API routes of the hours app (mounted under /api/v1/)."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()

app_name = "hours_api"
urlpatterns = router.urls
