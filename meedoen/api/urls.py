from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("schools", views.SchoolViewSet, basename="school")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("classes", views.SchoolClassViewSet, basename="class")
router.register("students", views.StudentViewSet, basename="student")
router.register("access-grants", views.AccessGrantViewSet, basename="grant")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]
