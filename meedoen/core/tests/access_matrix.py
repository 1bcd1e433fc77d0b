"""Authorisation-matrix entries of the foundation's URLs (core, directory, students, api)."""

from meedoen.core.tests.matrix import (
    REGION_PAGE,
    STAFF_SEEING_REGION,
    STUDENT_A,
    api_only,
    everyone,
    only,
)

# url name -> (kwargs builder from personas, method, expected status per persona)
MATRIX = {
    "core:home": (None, "get", {**everyone(302), "anonymous": 200}),
    "core:dashboard": (None, "get", everyone(200)),
    "core:healthz": (None, "get", everyone(200, anonymous=200)),
    "directory:organisations": (None, "get", everyone(200)),
    "directory:organisation": (lambda w: {"pk": w.org_x.pk}, "get", REGION_PAGE),
    "directory:schools": (None, "get", everyone(200)),
    "directory:school": (lambda w: {"pk": w.school_a.pk}, "get", REGION_PAGE),
    "students:list": (None, "get", everyone(200)),
    "students:import": (None, "get", only({"admin": 200, "coordinator": 200, "coordinator2": 200})),
    "students:import_confirm": (
        None,
        "post",
        only({"admin": 200, "coordinator": 200, "coordinator2": 200}),
    ),
    "students:detail": (lambda w: {"pk": w.student.pk}, "get", only(STUDENT_A)),
    "students:class": (
        lambda w: {"pk": w.class_a1.pk},
        "get",
        only({"admin": 200, "coordinator": 200, "mentor": 200}),
    ),
    "students:grants": (None, "get", everyone(200)),
    "students:grant_create": (
        None,
        "get",
        only({"admin": 200, "coordinator": 200, "coordinator2": 200}),
    ),
    "students:grant_revoke": (
        lambda w: {"pk": w.grant.pk},
        "post",
        only({"admin": 302, "coordinator": 302}),
    ),
    "api:schema": (None, "get", everyone(200, anonymous=200)),
    "api:docs": (None, "get", everyone(200, anonymous=200)),
    "api:api-root": (None, "get", everyone(200, anonymous=403)),
    "api:school-list": (None, "get", everyone(200, anonymous=403)),
    "api:school-detail": (
        lambda w: {"pk": w.school_a.pk},
        "get",
        api_only(dict.fromkeys(STAFF_SEEING_REGION, 200)),
    ),
    "api:organisation-list": (None, "get", everyone(200, anonymous=403)),
    "api:organisation-detail": (
        lambda w: {"pk": w.org_x.pk},
        "get",
        api_only(dict.fromkeys(STAFF_SEEING_REGION, 200)),
    ),
    "api:class-list": (None, "get", everyone(200, anonymous=403)),
    "api:class-detail": (
        lambda w: {"pk": w.class_a1.pk},
        "get",
        api_only({"admin": 200, "coordinator": 200, "mentor": 200}),
    ),
    "api:student-list": (None, "get", everyone(200, anonymous=403)),
    "api:student-detail": (lambda w: {"pk": w.student.pk}, "get", api_only(STUDENT_A)),
    "api:grant-list": (None, "get", everyone(200, anonymous=403)),
    "api:grant-detail": (
        lambda w: {"pk": w.grant.pk},
        "get",
        api_only({"admin": 200, "coordinator": 200, "mentor": 200}),
    ),
    "api:grant-revoke": (
        lambda w: {"pk": w.grant.pk},
        "post",
        api_only({"admin": 200, "coordinator": 200}),
    ),
}
