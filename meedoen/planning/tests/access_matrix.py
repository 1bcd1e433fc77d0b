"""Authorisation-matrix entries of the period planning's URLs (pages and API).

The periods are made through the services in the personas' world: a draft and a
submitted period of school A's cohort (no classes named: every class of the cohort, so
the mentor of A1 and the student in A1 are concerned). The overview is not published,
so only the broker and the administrator get the downloads and the API overview.
"""

from meedoen.core.tests.matrix import STAFF_SEEING_REGION, api_only, everyone, only
from meedoen.planning.workflows import PeriodStatus

from .factories import make_period


def _period(w, status):
    cache = w.__dict__.setdefault("_planning_periods", {})
    if status not in cache:
        cohort = w.class_a1.cohort
        cache[status] = make_period(
            actor=w.coordinator,
            cohort=cohort,
            status=status,
            week=50 if status == PeriodStatus.SUBMITTED else 10,
        )
    return cache[status]


def submitted(w):
    return {"pk": _period(w, PeriodStatus.SUBMITTED).pk}


def draft(w):
    return {"pk": _period(w, PeriodStatus.DRAFT).pk}


COORDINATORS = {"admin": 200, "coordinator": 200, "coordinator2": 200}
SEES_SUBMITTED_A = ["admin", "broker", "projectlead", "coordinator", "mentor", "student_user"]
OVERVIEW = dict.fromkeys(set(STAFF_SEEING_REGION) - {"student_user"}, 200)
LIVE = {"admin": 200, "broker": 200}

MATRIX = {
    "planning:periods": (
        None,
        "get",
        only(dict.fromkeys([*SEES_SUBMITTED_A, "coordinator2"], 200)),
    ),
    "planning:period_create": (None, "get", only(COORDINATORS)),
    "planning:copy_year": (None, "get", only(COORDINATORS)),
    "planning:submit_all": (None, "post", only(dict.fromkeys(COORDINATORS, 302))),
    "planning:period": (submitted, "get", only(dict.fromkeys(SEES_SUBMITTED_A, 200))),
    "planning:period_edit": (draft, "get", only({"admin": 200, "coordinator": 200})),
    "planning:period_delete": (draft, "post", only({"admin": 302, "coordinator": 302})),
    "planning:period_transition": (
        submitted,
        "post",
        only(dict.fromkeys(SEES_SUBMITTED_A, 302)),
    ),
    "planning:period_shift": (submitted, "post", only({"admin": 302, "coordinator": 302})),
    "planning:round": (None, "get", only(LIVE)),
    "planning:publish": (None, "post", only(dict.fromkeys(LIVE, 302))),
    "planning:overview": (None, "get", only(OVERVIEW)),
    "planning:overview_pdf": (None, "get", only(LIVE)),
    "planning:overview_xlsx": (None, "get", only(LIVE)),
    "planning_api:overview": (None, "get", api_only(LIVE)),
    "planning_api:period-list": (None, "get", everyone(200, anonymous=403)),
    "planning_api:period-detail": (
        submitted,
        "get",
        api_only(dict.fromkeys(SEES_SUBMITTED_A, 200)),
    ),
    "planning_api:period-transition": (
        submitted,
        "post",
        api_only(dict.fromkeys(SEES_SUBMITTED_A, 400)),
    ),
}
