"""Meedoen URL configuration. Each domain app has its pages (urls.py) and its REST API
routes (api_urls.py, under /api/v1/, namespace <app>_api)."""

from django.contrib import admin
from django.urls import include, path

DOMAIN_APPS = [
    "directory",
    "students",
    "stagebank",
    "planning",
    "placements",
    "rounds",
    "hours",
    "evaluations",
    "reports",
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("meedoen.api.urls")),
    *[path("api/v1/", include(f"meedoen.{app}.api_urls")) for app in DOMAIN_APPS[2:]],
    path("", include("meedoen.core.urls")),
    *[path("", include(f"meedoen.{app}.urls")) for app in DOMAIN_APPS],
]
