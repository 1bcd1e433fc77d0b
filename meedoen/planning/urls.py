from django.urls import path

from . import views

app_name = "planning"
urlpatterns = [
    path("planning/", views.period_list, name="periods"),
    path("planning/new/", views.period_create, name="period_create"),
    path("planning/copy/", views.copy_year, name="copy_year"),
    path("planning/submit/", views.periods_submit, name="submit_all"),
    path("planning/<int:pk>/", views.period_detail, name="period"),
    path("planning/<int:pk>/edit/", views.period_edit, name="period_edit"),
    path("planning/<int:pk>/delete/", views.period_delete, name="period_delete"),
    path("planning/<int:pk>/status/", views.period_transition, name="period_transition"),
    path("planning/<int:pk>/shift/", views.period_shift, name="period_shift"),
    path("planning/round/", views.planning_round, name="round"),
    path("planning/round/publish/", views.publish, name="publish"),
    path("planning/overview/", views.overview, name="overview"),
    path("planning/overview.pdf", views.overview_pdf, name="overview_pdf"),
    path("planning/overview.xlsx", views.overview_xlsx, name="overview_xlsx"),
]
