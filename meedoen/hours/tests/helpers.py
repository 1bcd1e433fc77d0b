"""Helpers to bring a placement to the point of completion, through the services."""

from meedoen.evaluations import services as evaluation_services
from meedoen.evaluations.models import EvaluationKind
from meedoen.hours import services

from .fixtures import day

GOOD = {
    EvaluationKind.STUDENT: {"welcome": 4, "guidance": 5, "meaningful": 4, "recommend": 5},
    EvaluationKind.ORGANISATION: {"attendance": 5, "attitude": 4, "cooperation": 4},
    EvaluationKind.SCHOOL: {"contact": 4, "supervision": 4, "agreements": 5},
}


def log_and_confirm(w, hours=30, placement=None):
    placement = placement or w.placement
    entries = []
    left, n = hours * 60, 1
    while left > 0:
        minutes = min(left, 600)
        entries.append(
            services.hour_entry_log(
                actor=w.student_user,
                placement=placement,
                date=day(-n),
                activity="Helpen",
                minutes=minutes,
            )
        )
        left -= minutes
        n += 1
    _link, token = services.confirmation_request(actor=w.student_user, placement=placement)
    services.confirmation_decide(token=token, decisions={e.pk: ("confirm", "") for e in entries})
    return entries


def evaluate_all(w, placement=None, answers=GOOD):
    placement = placement or w.placement
    actors = {
        EvaluationKind.STUDENT: w.student_user,
        EvaluationKind.ORGANISATION: w.organisation,
        EvaluationKind.SCHOOL: w.coordinator,
    }
    for kind, actor in actors.items():
        evaluation_services.evaluation_submit(
            actor=actor, placement=placement, kind=kind, answers=answers[kind]
        )
