"""REST API routes of the evaluations app (mounted under /api/v1/)."""

from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("evaluations", api.EvaluationViewSet, basename="evaluation")
router.register(
    "evaluation-summaries", api.OrganisationSummaryViewSet, basename="organisation-summary"
)
router.register("attention-flags", api.AttentionFlagViewSet, basename="flag")

app_name = "evaluations_api"
urlpatterns = router.urls
