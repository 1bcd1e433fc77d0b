"""REST API routes of the reports app (mounted under /api/v1/)."""

from django.urls import path

from . import api

app_name = "reports_api"
urlpatterns = [
    path("reports/schemes/", api.SchemeListView.as_view(), name="schemes"),
    *[
        path(
            f"reports/{kind}/<int:pk>/<int:year>/",
            api.ReportView.as_view(kind=kind),
            name=kind,
        )
        for kind in api.AGGREGATE_KINDS
    ],
]
