"""Reads of evaluations, scoped by the access policy.

Who sees what of one placement's evaluations:

* the school side (coordinator, granted mentor, administrator): all three;
* the student: their own evaluation and the organisation's evaluation of them;
* the organisation: its own evaluation of the student and the school's evaluation of the
  cooperation, never the student's evaluation: it sees students' evaluations only as
  averages and comments without names, and only once it has at least
  ``MIN_ANONYMOUS_GROUP`` of them (so one comment cannot be traced to one student);
* the broker: averages and comments per organisation and offer, without names.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Avg, Count, Q, QuerySet

from meedoen.core.policy import principal_for
from meedoen.hours.progress import school_year_of
from meedoen.hours.selectors import students_followed_by
from meedoen.placements.models import Placement
from meedoen.placements.selectors import placements_visible_to
from meedoen.students.models import school_year_label

from .models import (
    Answer,
    AttentionFlag,
    Evaluation,
    EvaluationKind,
    EvaluationLink,
    QuestionSet,
    QuestionType,
)

MIN_ANONYMOUS_GROUP = 3


def placements_for_evaluation(user) -> QuerySet[Placement]:
    return Placement.objects.filter(
        Q(pk__in=placements_visible_to(user).values("pk"))
        | Q(student__in=students_followed_by(user))
    )


def kinds_visible(user, placement: Placement) -> set[str]:
    """The kinds of this placement's evaluations the person may read."""
    p = principal_for(user)
    if not p.roles:
        return set()
    kinds: set[str] = set()
    if p.is_admin or students_followed_by(user).filter(pk=placement.student_id).exists():
        if placement.student.user_id == getattr(user, "pk", None) and not (
            p.is_admin or placement.student.school_id in p.coordinator_school_ids
        ):
            kinds |= {EvaluationKind.STUDENT, EvaluationKind.ORGANISATION}
        else:
            kinds |= set(EvaluationKind.values)
    if placement.organisation_id in p.organisation_ids:
        kinds |= {EvaluationKind.ORGANISATION, EvaluationKind.SCHOOL}
    return kinds


def kinds_fillable(user, placement: Placement) -> set[str]:
    """The evaluations of this placement the person may fill in with their account."""
    p = principal_for(user)
    kinds: set[str] = set()
    if placement.student.user_id is not None and placement.student.user_id == getattr(
        user, "pk", None
    ):
        kinds.add(EvaluationKind.STUDENT)
    if p.is_admin or placement.student.school_id in p.coordinator_school_ids:
        kinds.add(EvaluationKind.SCHOOL)
    if placement.organisation_id in p.organisation_ids:
        kinds.add(EvaluationKind.ORGANISATION)
    return kinds


def evaluations_visible_to(user) -> QuerySet[Evaluation]:
    """Evaluations as whole documents (with names), by the rules above."""
    p = principal_for(user)
    if p.is_admin:
        return Evaluation.objects.all()
    if not p.roles:
        return Evaluation.objects.none()
    followed = students_followed_by(user)
    school_side = Q(placement__student__school_id__in=p.coordinator_school_ids) | Q(
        placement__student__in=followed.exclude(user_id=user.pk)
    )
    own = Q(
        placement__student__user_id=user.pk,
        kind__in=[EvaluationKind.STUDENT, EvaluationKind.ORGANISATION],
    )
    organisation = Q(
        placement__organisation_id__in=p.organisation_ids,
        kind__in=[EvaluationKind.ORGANISATION, EvaluationKind.SCHOOL],
    )
    return Evaluation.objects.filter(school_side | own | organisation)


def missing_evaluation_kinds(placement: Placement) -> list:
    done = set(placement.evaluations.values_list("kind", flat=True))
    return [kind.label for kind in EvaluationKind if kind.value not in done]


def evaluation_link_valid(token_hash: str) -> EvaluationLink | None:
    from django.utils import timezone

    link = (
        EvaluationLink.objects.select_related("placement__student", "placement__organisation")
        .filter(token_hash=token_hash)
        .first()
    )
    if link is None or link.used_at is not None or link.expires_at <= timezone.now():
        return None
    if link.placement.evaluations.filter(kind=EvaluationKind.ORGANISATION).exists():
        return None
    return link


def active_question_set(region_id: int, kind: str) -> QuestionSet | None:
    return (
        QuestionSet.objects.filter(region_id=region_id, kind=kind, active=True)
        .prefetch_related("questions")
        .first()
    )


# ---------------------------------------------------------------------------
# The broker's figures: per organisation and offer, over time, without names.
# ---------------------------------------------------------------------------


def organisation_summaries(organisations) -> list[dict]:
    rows = (
        Evaluation.objects.filter(organisation__in=organisations)
        .values("organisation_id", "kind")
        .annotate(n=Count("pk"), avg=Avg("average"))
    )
    by_org: dict[int, dict] = defaultdict(dict)
    for row in rows:
        by_org[row["organisation_id"]][row["kind"]] = {
            "n": row["n"],
            "avg": _round(row["avg"]),
        }
    open_flags = dict(
        AttentionFlag.objects.filter(organisation__in=organisations, resolved_at__isnull=True)
        .values("organisation_id")
        .annotate(n=Count("pk"))
        .values_list("organisation_id", "n")
    )
    out = []
    for org in organisations:
        figures = by_org.get(org.pk, {})
        if not figures and not open_flags.get(org.pk):
            continue
        out.append(
            {
                "organisation": org,
                "student": figures.get(EvaluationKind.STUDENT),
                "school": figures.get(EvaluationKind.SCHOOL),
                "organisation_eval": figures.get(EvaluationKind.ORGANISATION),
                "open_flags": open_flags.get(org.pk, 0),
            }
        )
    return out


def _round(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.1"))


def organisation_report(organisation) -> list[dict]:
    """Per offer (or "without offer"), per school year and kind: count, average, the
    average per question, and the comments. No student names, no dates finer than a month."""
    evaluations = (
        Evaluation.objects.filter(
            organisation=organisation,
            kind__in=[EvaluationKind.STUDENT, EvaluationKind.SCHOOL],
        )
        .select_related("vacancy")
        .prefetch_related("answers__question")
        .order_by("submitted_at")
    )
    groups: dict[tuple, dict] = {}
    for evaluation in evaluations:
        year = school_year_of(evaluation.submitted_at.date())
        key = (evaluation.vacancy_id or 0, year, evaluation.kind)
        group = groups.setdefault(
            key,
            {
                "vacancy": evaluation.vacancy,
                "school_year": school_year_label(year),
                "year": year,
                "kind": EvaluationKind(evaluation.kind).label,
                "kind_value": evaluation.kind,
                "averages": [],
                "questions": defaultdict(list),
                "comments": [],
            },
        )
        if evaluation.average is not None:
            group["averages"].append(evaluation.average)
        for answer in evaluation.answers.all():
            if answer.question.type == QuestionType.SCALE and answer.scale:
                group["questions"][answer.question.text].append(answer.scale)
            elif answer.text.strip():
                group["comments"].append(
                    {"month": evaluation.submitted_at.strftime("%m-%Y"), "text": answer.text}
                )
    out = []
    for _key, group in sorted(
        groups.items(), key=lambda item: (item[0][0], -item[0][1], item[0][2])
    ):
        values = group.pop("averages")
        group["count"] = len(values) or len(group["comments"])
        group["average"] = _round(sum(values) / len(values)) if values else None
        group["questions"] = [
            (text, _round(Decimal(sum(v)) / len(v))) for text, v in group["questions"].items()
        ]
        out.append(group)
    return out


def organisation_feedback(organisation_ids) -> dict:
    """What an organisation sees of students' evaluations: averages and comments without
    names, only from ``MIN_ANONYMOUS_GROUP`` evaluations on; school evaluations likewise."""
    out = {}
    for kind in (EvaluationKind.STUDENT, EvaluationKind.SCHOOL):
        evaluations = Evaluation.objects.filter(organisation_id__in=organisation_ids, kind=kind)
        count = evaluations.count()
        shown = count >= MIN_ANONYMOUS_GROUP
        questions, comments = [], []
        if shown:
            questions = [
                (row["question__text"], _round(row["avg"]))
                for row in Answer.objects.filter(
                    evaluation__in=evaluations, question__type=QuestionType.SCALE
                )
                .values("question__text")
                .annotate(avg=Avg("scale"))
                .order_by("question__text")
            ]
            # Sorted by text, not by date: the order must not reveal who wrote what.
            comments = sorted(
                a.text
                for a in Answer.objects.filter(
                    evaluation__in=evaluations, question__type=QuestionType.TEXT
                ).exclude(text="")
            )
        out[kind] = {
            "count": count,
            "shown": shown,
            "average": _round(evaluations.aggregate(a=Avg("average"))["a"]) if shown else None,
            "questions": questions,
            "comments": comments,
        }
    out["minimum"] = MIN_ANONYMOUS_GROUP
    return out


def flags_visible_to(user) -> QuerySet[AttentionFlag]:
    p = principal_for(user)
    if p.is_admin:
        return AttentionFlag.objects.all()
    return AttentionFlag.objects.filter(organisation__region_id__in=p.broker_region_ids)


def organisations_evaluated_for(user):
    """Organisations whose evaluation figures the person (broker, admin) may read."""
    from meedoen.directory.models import Organisation

    p = principal_for(user)
    if p.is_admin:
        return Organisation.objects.all()
    return Organisation.objects.filter(region_id__in=p.broker_region_ids)
