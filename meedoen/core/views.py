"""Home, the role dashboards and the health check."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from meedoen.directory.models import Role

from . import dashboards
from .apps_registry import app_modules
from .policy import principal_for

DASHBOARDS = {
    Role.ADMIN: ("core/dashboard_broker.html", dashboards.broker_dashboard),
    Role.BROKER: ("core/dashboard_broker.html", dashboards.broker_dashboard),
    Role.MUNICIPALITY: ("core/dashboard_municipality.html", dashboards.municipality_dashboard),
    Role.PROJECT_LEAD: ("core/dashboard_project_lead.html", dashboards.project_lead_dashboard),
    Role.COORDINATOR: ("core/dashboard_coordinator.html", dashboards.coordinator_dashboard),
    Role.MENTOR: ("core/dashboard_mentor.html", dashboards.mentor_dashboard),
    Role.ORGANISATION: ("core/dashboard_organisation.html", dashboards.organisation_dashboard),
    Role.STUDENT: ("core/dashboard_student.html", dashboards.student_dashboard),
}


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:dashboard")
    return render(request, "core/home.html")


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    role = principal_for(request.user).primary_role
    if role is None:
        return render(request, "core/dashboard_none.html")
    template, build = DASHBOARDS[Role(role)]
    context = build(request.user)
    context["panels"] = [
        panel
        for module in app_modules("panels", "panels")
        for panel in module.panels(request.user, principal_for(request.user))
    ]
    return render(request, template, context)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": type(exc).__name__}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
