from django.urls import path

from . import views

app_name = "directory"
urlpatterns = [
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path("schools/", views.school_list, name="schools"),
    path("schools/<int:pk>/", views.school_detail, name="school"),
]
