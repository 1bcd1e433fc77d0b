"""REST API routes of the hours app (mounted under /api/v1/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("hours", api.HourEntryViewSet, basename="hour-entry")
router.register("hour-confirmations", api.ConfirmationLinkViewSet, basename="confirmation")
router.register("progress", api.ProgressViewSet, basename="progress")

app_name = "hours_api"
urlpatterns = [
    path(
        "certificates/verify/<str:code>/",
        api.CertificateVerifyView.as_view(),
        name="certificate-verify",
    ),
    *router.urls,
]
