"""REST API routes of the reports app (mounted under /api/v1/)."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()

app_name = "reports_api"
urlpatterns = router.urls
