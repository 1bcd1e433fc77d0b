"""Meedoen URL configuration."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("meedoen.api.urls")),
    path("", include("meedoen.core.urls")),
    path("", include("meedoen.directory.urls")),
    path("", include("meedoen.students.urls")),
]
