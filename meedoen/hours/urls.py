from django.urls import path

from . import views

app_name = "hours"
urlpatterns = [
    path("hours/", views.entry_list, name="list"),
    path("hours/new/", views.entry_create, name="create"),
    path("hours/group/", views.group_create, name="group"),
    path("hours/<int:pk>/edit/", views.entry_edit, name="edit"),
    path("hours/<int:pk>/delete/", views.entry_delete, name="delete"),
    path(
        "hours/placement/<int:pk>/request-confirmation/",
        views.request_confirmation,
        name="request_confirmation",
    ),
    path("hours/confirm/<str:token>/", views.confirm, name="confirm"),
    path("progress/", views.progress, name="progress"),
    path("progress/remind/", views.remind, name="remind"),
    path("portfolio/<int:pk>/", views.portfolio, name="portfolio"),
    path("portfolio/<int:pk>/pdf/", views.portfolio_pdf, name="portfolio_pdf"),
    path("portfolio/<int:pk>/upload/", views.upload, name="upload"),
    path("portfolio/placement/<int:pk>/reflection/", views.reflection, name="reflection"),
    path("portfolio/file/<int:pk>/", views.portfolio_file, name="file"),
    path("portfolio/file/<int:pk>/delete/", views.portfolio_file_delete, name="file_delete"),
    path("portfolio/<int:pk>/certificate/", views.certificate_issue, name="certificate_issue"),
    path("certificate/<int:pk>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("certificate/verify/", views.verify, name="verify"),
    path("hours/placement/<int:pk>/complete/", views.complete, name="complete"),
    path("hours/placement/<int:pk>/follow-up/", views.follow_up_create, name="follow_up"),
    path("hours/follow-up/<int:pk>/respond/", views.follow_up_respond, name="follow_up_respond"),
    path("record/<int:pk>/transfer/", views.transfer, name="transfer"),
    path("record/<int:pk>/export/", views.record_export, name="export"),
    path("record/import/", views.record_import, name="import"),
]
