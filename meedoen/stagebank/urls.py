"""Pages of the placement bank."""

from django.urls import path

from . import views

app_name = "stagebank"
urlpatterns = [
    path("offers/", views.search, name="search"),
    path("offers/mine/", views.mine, name="mine"),
    path("offers/new/", views.create, name="create"),
    path("offers/<int:pk>/", views.detail, name="detail"),
    path("offers/<int:pk>/edit/", views.edit, name="edit"),
    path("offers/<int:pk>/photo/", views.photo, name="photo"),
    path("offers/<int:pk>/review/", views.review, name="review"),
    path(
        "offers/<int:pk>/<slug:action>/",
        views.transition,
        name="transition",
    ),
    path("review/", views.overview, name="overview"),
    path("review/criteria/", views.criteria, name="criteria"),
    path("bank/", views.public_list, name="public"),
    path("bank/embed/", views.embed, name="embed"),
    path("bank/<int:pk>/", views.public_detail, name="public_detail"),
]
