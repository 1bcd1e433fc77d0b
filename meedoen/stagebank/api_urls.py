"""REST API routes of the stagebank app (mounted under /api/v1/)."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()

app_name = "stagebank_api"
urlpatterns = router.urls
