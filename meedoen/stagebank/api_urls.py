"""REST API routes of the stagebank app (mounted under /api/v1/)."""

from rest_framework.routers import SimpleRouter

from .api import VacancyViewSet

router = SimpleRouter()
router.register("vacancies", VacancyViewSet, basename="vacancy")

app_name = "stagebank_api"
urlpatterns = router.urls
