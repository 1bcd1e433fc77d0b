"""Authorisation-matrix entries of the evaluations app's pages and API."""

from meedoen.core.tests.matrix import api_only, everyone, only

BROKER = {"admin": 200, "broker": 200}


def _active(w):
    from meedoen.hours.tests.fixtures import activate

    return activate(w.placement)


def _link_token(w):
    from meedoen.directory.models import ContactPerson
    from meedoen.evaluations import services

    _active(w)
    ContactPerson.objects.create(organisation=w.org_x, name="C", email="c@x.example")
    return services.evaluation_link_send(actor=w.coordinator, placement=w.placement)[1]


def _school_evaluation(w):
    from meedoen.evaluations import services
    from meedoen.hours.tests.helpers import GOOD

    return services.evaluation_submit(
        actor=w.coordinator, placement=_active(w), kind="school", answers=GOOD["school"]
    )


def _flag(w):
    from meedoen.evaluations.models import AttentionFlag

    return AttentionFlag.objects.create(organisation=w.org_x, reason="Slecht")


MATRIX = {
    "evaluations:overview": (None, "get", only(BROKER)),
    "evaluations:feedback": (None, "get", only({"organisation": 200, "organisation_y": 200})),
    "evaluations:question_sets": (None, "get", only(BROKER)),
    "evaluations:question_set_edit": (lambda w: {"kind": "student"}, "get", only(BROKER)),
    "evaluations:organisation": (lambda w: {"pk": w.org_x.pk}, "get", only(BROKER)),
    "evaluations:flag_resolve": (
        lambda w: {"pk": _flag(w).pk},
        "post",
        only({"admin": 302, "broker": 302}),
    ),
    "evaluations:placement": (
        lambda w: {"pk": _active(w).pk},
        "get",
        only(
            {
                "admin": 200,
                "coordinator": 200,
                "mentor": 200,
                "organisation": 200,
                "student_user": 200,
            }
        ),
    ),  # fmt: skip
    "evaluations:request_link": (
        lambda w: {"pk": _active(w).pk},
        "post",
        only({"admin": 302, "coordinator": 302}),
    ),
    "evaluations:fill": (
        lambda w: {"pk": _active(w).pk, "kind": "student"},
        "get",
        only({"student_user": 200}),
    ),
    "evaluations:link": (lambda w: {"token": _link_token(w)}, "get", everyone(200, anonymous=200)),
    "evaluations_api:evaluation-list": (None, "get", everyone(200, anonymous=403)),
    "evaluations_api:evaluation-detail": (
        lambda w: {"pk": _school_evaluation(w).pk},
        "get",
        api_only({"admin": 200, "coordinator": 200, "mentor": 200, "organisation": 200}),
    ),
    "evaluations_api:organisation-summary-list": (None, "get", everyone(200, anonymous=403)),
    "evaluations_api:flag-list": (None, "get", everyone(200, anonymous=403)),
    "evaluations_api:flag-detail": (lambda w: {"pk": _flag(w).pk}, "get", api_only(BROKER)),
}
