from django.urls import path

from . import views

app_name = "evaluations"
urlpatterns = [
    path("evaluations/", views.overview, name="overview"),
    path("evaluations/feedback/", views.feedback, name="feedback"),
    path("evaluations/questions/", views.question_sets, name="question_sets"),
    path("evaluations/questions/<str:kind>/", views.question_set_edit, name="question_set_edit"),
    path(
        "evaluations/organisation/<int:pk>/",
        views.organisation_report,
        name="organisation",
    ),
    path("evaluations/flags/<int:pk>/resolve/", views.flag_resolve, name="flag_resolve"),
    path("evaluations/placement/<int:pk>/", views.placement_evaluations, name="placement"),
    path("evaluations/placement/<int:pk>/request/", views.request_link, name="request_link"),
    path("evaluations/placement/<int:pk>/<str:kind>/", views.fill, name="fill"),
    path("evaluations/link/<str:token>/", views.link, name="link"),
]
