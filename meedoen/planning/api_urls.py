"""REST API routes of the planning app (mounted under /api/v1/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("planning/periods", api.PeriodViewSet, basename="period")

app_name = "planning_api"
urlpatterns = [
    path("planning/overview/", api.OverviewView.as_view(), name="overview"),
    *router.urls,
]
