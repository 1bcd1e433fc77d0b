from django.urls import path

from . import import_views, views

app_name = "students"
urlpatterns = [
    path("students/", views.student_list, name="list"),
    path("students/import/", import_views.student_import, name="import"),
    path("students/import/confirm/", import_views.student_import_confirm, name="import_confirm"),
    path("students/<int:pk>/", views.student_detail, name="detail"),
    path("classes/<int:pk>/", views.class_detail, name="class"),
    path("access/", views.grant_list, name="grants"),
    path("access/new/", views.grant_create, name="grant_create"),
    path("access/<int:pk>/revoke/", views.grant_revoke, name="grant_revoke"),
]
