"""Pages of the matching rounds (namespace ``rounds``)."""

from django.urls import path

from . import views

app_name = "rounds"
urlpatterns = [
    path("matching/", views.round_list, name="list"),
    path("matching/nieuw/", views.round_create, name="create"),
    path("matching/regio/nieuw/", views.region_round_create, name="region_create"),
    path("matching/<int:pk>/", views.round_detail, name="detail"),
    path("matching/<int:pk>/wijzigen/", views.round_edit, name="edit"),
    path("matching/<int:pk>/stap/", views.round_transition, name="transition"),
    path("matching/<int:pk>/kiezen/<int:student_pk>/", views.choose, name="choose"),
    path(
        "matching/<int:pk>/bemiddeling/<int:student_pk>/",
        views.mediation_route,
        name="mediation_route",
    ),
    path("matching/<int:pk>/plaatsen/<int:student_pk>/", views.mediate, name="mediate"),
    path("matching/<int:pk>/draaien/", views.run, name="run"),
    path("matching/<int:pk>/vergelijken/", views.review, name="review"),
    path("matching/<int:pk>/kansen/", views.odds, name="odds"),
    path("matching/<int:pk>/publiceren/", views.publish, name="publish"),
    path("matching/<int:pk>/tweede-ronde/", views.follow_up, name="follow_up"),
    path("matching/runs/<int:pk>/aanpassen/", views.adjust, name="adjust"),
    path("matching/<int:pk>/aanmelden/", views.enrol, name="enrol"),
    path("matching/aanmeldingen/<int:pk>/afmelden/", views.withdraw, name="withdraw"),
]
