"""Authorisation-matrix entries of the matching rounds' URLs (pages and API).

The rounds are made through the services in the personas' world (``factories.make_world``):
rounds of school A's cohort, whose students include the student persona (class A1, the
mentor's granted class) and Daan (A2). The broker has no grant for any of them.
Region-round URLs use the broker's open region round with school A's and school B's
periods enrolled (``factories.make_region_world``).
"""

from meedoen.core.tests.matrix import api_only, everyone, only

from .factories import make_region_world, make_world


def _round(status):
    def build(w):
        return {"pk": make_world(w, status=status).round.pk}

    return build


def _student(status):
    def build(w):
        return {"pk": make_world(w, status=status).round.pk, "student_pk": w.student.pk}

    return build


def _run(w):
    return {"pk": make_world(w, status="published").run.pk}


def _region_round(w):
    return {"pk": make_region_world(w, status="open").round.pk}


def _enrolment(w):
    return {"pk": make_region_world(w, status="open").enrolments["a"].pk}


MANAGERS = {"admin": 200, "coordinator": 200}
MANAGERS_POST = {"admin": 302, "coordinator": 302}
SEE_ROUND = ["admin", "broker", "coordinator", "mentor", "student_user"]
CHOOSE = ["admin", "coordinator", "mentor", "student_user"]

MATRIX = {
    "rounds:list": (
        None,
        "get",
        only(dict.fromkeys([*SEE_ROUND, "coordinator2"], 200)),
    ),
    "rounds:create": (None, "get", only({**MANAGERS, "coordinator2": 200})),
    "rounds:detail": (_round("open"), "get", only(dict.fromkeys(SEE_ROUND, 200))),
    "rounds:edit": (_round("open"), "get", only(MANAGERS)),
    "rounds:transition": (_round("open"), "post", only(MANAGERS_POST)),
    "rounds:choose": (_student("open"), "get", only(dict.fromkeys(CHOOSE, 200))),
    "rounds:mediation_route": (_student("open"), "post", only(MANAGERS_POST)),
    "rounds:mediate": (_student("open"), "get", only(MANAGERS)),
    "rounds:run": (_round("closed"), "post", only(MANAGERS_POST)),
    "rounds:review": (_round("closed"), "get", only(MANAGERS)),
    "rounds:odds": (_round("closed"), "get", only(MANAGERS)),
    "rounds:publish": (_round("closed"), "post", only(MANAGERS_POST)),
    "rounds:follow_up": (_round("published"), "post", only(MANAGERS_POST)),
    "rounds:adjust": (_run, "post", only(MANAGERS_POST)),
    "rounds:region_create": (None, "get", only({"admin": 200, "broker": 200})),
    # Coordinators of the region's schools; the broker does not enrol for a school.
    "rounds:enrol": (
        _region_round,
        "post",
        only({"admin": 302, "coordinator": 302, "coordinator2": 302}),
    ),
    "rounds:withdraw": (_enrolment, "post", only(MANAGERS_POST)),
    # Without a period: 400 for the coordinators, 404 for everyone else.
    "rounds_api:round-enrol": (
        _region_round,
        "post",
        api_only({"admin": 400, "coordinator": 400, "coordinator2": 400}),
    ),
    "rounds_api:round-withdraw": (
        _region_round,
        "post",
        api_only({"admin": 400, "coordinator": 400, "coordinator2": 400}),
    ),
    "rounds_api:round-list": (None, "get", everyone(200, anonymous=403)),
    "rounds_api:round-detail": (_round("open"), "get", api_only(dict.fromkeys(SEE_ROUND, 200))),
    "rounds_api:round-offers": (_round("open"), "get", api_only(dict.fromkeys(SEE_ROUND, 200))),
    # Without ?student= only a student of the round has choices of their own.
    "rounds_api:round-choices": (_round("open"), "get", api_only({"student_user": 200})),
    "rounds_api:round-results": (
        _round("published"),
        "get",
        api_only(dict.fromkeys(SEE_ROUND, 200)),
    ),
    "rounds_api:round-runs": (
        _round("closed"),
        "get",
        api_only({"admin": 200, "coordinator": 200}),
    ),
}
