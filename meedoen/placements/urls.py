"""Pages of placements, agreements and signing (namespace ``placements``)."""

from django.urls import path

from . import views

app_name = "placements"
urlpatterns = [
    path("stages/", views.placement_list, name="list"),
    path("stages/nieuw/", views.placement_create, name="create"),
    path("stages/groep/nieuw/", views.group_create, name="group_create"),
    path("stages/groep/<int:pk>/", views.group_detail, name="group_detail"),
    path("stages/zelf-gevonden/", views.placement_propose, name="propose"),
    path("stages/aanmelden/<int:vacancy_pk>/", views.placement_apply, name="apply"),
    path("stages/instellingen/", views.school_settings, name="settings"),
    path("stages/instellingen/model/<slug:kind>/", views.template_edit, name="template_edit"),
    path("stages/<int:pk>/", views.placement_detail, name="detail"),
    path("stages/<int:pk>/stap/", views.placement_action, name="action"),
    path("stages/<int:pk>/overeenkomst/uitgeven/", views.agreement_issue, name="issue"),
    path("stages/<int:pk>/overeenkomst/wijzigen/", views.agreement_revise, name="revise"),
    path("overeenkomsten/versie/<int:pk>/pdf/", views.agreement_pdf, name="agreement_pdf"),
    path("handtekeningen/<int:pk>/opnieuw/", views.signature_resend, name="signature_resend"),
    path("handtekeningen/<int:pk>/intrekken/", views.signature_revoke, name="signature_revoke"),
    path("ondertekenen/<str:token>/", views.sign, name="sign"),
    path("ondertekenen/<str:token>/pdf/", views.sign_pdf, name="sign_pdf"),
    path("ouders/<str:token>/", views.guardian_view, name="guardian_view"),
    path("ouders/<str:token>/pdf/", views.guardian_pdf, name="guardian_pdf"),
]
