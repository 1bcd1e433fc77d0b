"""Authorisation-matrix entries of the reports' URLs (pages, files, API).

In the personas' world: the school report of school A (its coordinator, the board's
project lead, the administrator), its list of students (coordinator and administrator
only: the names), the municipality's overview (the municipality and the region's broker),
the broker's regional figures, the board's overview (the project lead). Students,
organisations and mentors get no report at all (404).
"""

from meedoen.core.tests.matrix import PERSONAS, api_only, only
from meedoen.reports.models import ExportStatus, ReportExport, SubsidyScheme
from meedoen.reports.services import scheme_presets_ensure
from meedoen.students.models import current_school_year


def _year():
    return current_school_year()


def school(w, **extra):
    return {"pk": w.school_a.pk, "year": _year(), **extra}


def municipality(w, **extra):
    return {"pk": w.municipality.pk, "year": _year(), **extra}


def region(w, **extra):
    return {"pk": w.region.pk, "year": _year(), **extra}


def board(w, **extra):
    return {"pk": w.board.pk, "year": _year(), **extra}


def pilot_scheme(w):
    scheme_presets_ensure()
    return {"pk": SubsidyScheme.objects.get(kind="pilot", version=1).pk}


def coordinators_export(w):
    export = ReportExport.objects.create(
        requested_by=w.coordinator,
        report="school",
        target_id=w.school_a.pk,
        school_year=_year(),
        fmt="xlsx",
        title="test",
        status=ExportStatus.READY,
        filename="test.xlsx",
        content_type="application/octet-stream",
        content=b"PK",
    )
    return {"pk": export.pk}


STAFF = ["admin", "broker", "municipality_user", "projectlead", "coordinator", "coordinator2"]
WHO = {
    "school": ["admin", "coordinator", "projectlead"],
    "students": ["admin", "coordinator"],
    "municipality": ["admin", "broker", "municipality_user"],
    "region": ["admin", "broker"],
    "board": ["admin", "projectlead"],
}
BUILD = {
    "school": school,
    "students": school,
    "municipality": municipality,
    "region": region,
    "board": board,
}
FILE_FORMAT = {"students": "csv"}
TABLE_KEY = {
    "school": "summary",
    "students": "students",
    "municipality": "by_school",
    "region": "by_municipality",
    "board": "schools",
}


def _entries(kind):
    build, who = BUILD[kind], WHO[kind]
    fmt = FILE_FORMAT.get(kind, "xlsx")
    key = TABLE_KEY[kind]
    return {
        f"reports:{kind}": (build, "get", only(dict.fromkeys(who, 200))),
        f"reports:{kind}_file": (
            lambda w, b=build, f=fmt: b(w, fmt=f),
            "get",
            only(dict.fromkeys(who, 200)),
        ),
        f"reports:{kind}_table": (
            lambda w, b=build, k=key: b(w, key=k, fmt="csv"),
            "get",
            only(dict.fromkeys(who, 200)),
        ),
        f"reports:{kind}_prepare": (build, "post", only(dict.fromkeys(who, 302))),
    }


MATRIX = {
    "reports:index": (None, "get", only(dict.fromkeys(STAFF, 200))),
    "reports:exports": (None, "get", only(dict.fromkeys(STAFF, 200))),
    "reports:export_download": (coordinators_export, "get", only({"coordinator": 200})),
    "reports:schemes": (None, "get", only(dict.fromkeys(STAFF, 200))),
    "reports:scheme": (
        pilot_scheme,
        "get",
        only(dict.fromkeys(["admin", "projectlead", "coordinator", "coordinator2"], 200)),
    ),
    "reports:scheme_new": (lambda w: {"kind": "pilot"}, "get", only({"admin": 200})),
    "reports:school_note": (school, "post", only({"admin": 302, "coordinator": 302})),
    **{k: v for kind in WHO for k, v in _entries(kind).items()},
    "reports_api:schemes": (None, "get", {p: 403 if p == "anonymous" else 200 for p in PERSONAS}),
    **{
        f"reports_api:{kind}": (BUILD[kind], "get", api_only(dict.fromkeys(WHO[kind], 200)))
        for kind in ("school", "municipality", "region", "board")
    },
}
