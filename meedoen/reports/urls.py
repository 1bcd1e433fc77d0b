"""Pages of the reports. Each report kind has its own URL names (page, whole file, one
table, background preparation) so that the access matrix checks every one of them."""

from django.urls import path

from . import views

app_name = "reports"

KINDS = ["school", "students", "municipality", "region", "board"]

urlpatterns = [
    path("reports/", views.index, name="index"),
    path("reports/exports/", views.export_list, name="exports"),
    path("reports/exports/<int:pk>/", views.export_download, name="export_download"),
    path("reports/schemes/", views.scheme_list, name="schemes"),
    path("reports/schemes/<int:pk>/", views.scheme_detail, name="scheme"),
    path("reports/schemes/new/<slug:kind>/", views.scheme_new, name="scheme_new"),
    path("reports/school/<int:pk>/<int:year>/bottlenecks/", views.note_save, name="school_note"),
]
for _kind in KINDS:
    _base = f"reports/{_kind}/<int:pk>/<int:year>/"
    urlpatterns += [
        path(_base, views.report, {"kind": _kind}, name=_kind),
        path(f"{_base}report.<slug:fmt>", views.report_file, {"kind": _kind}, name=f"{_kind}_file"),
        path(
            f"{_base}table/<slug:key>.<slug:fmt>",
            views.table_file,
            {"kind": _kind},
            name=f"{_kind}_table",
        ),
        path(f"{_base}prepare/", views.prepare, {"kind": _kind}, name=f"{_kind}_prepare"),
    ]
