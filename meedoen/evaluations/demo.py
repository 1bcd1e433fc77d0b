"""Demo data of the evaluations app: all three evaluations for most completed placements,
a few poor ones that flag an offer for the broker, and the region's default question sets."""

from __future__ import annotations

from meedoen.placements.models import Placement, PlacementStatus

from . import services
from .models import (
    Answer,
    AttentionFlag,
    Evaluation,
    EvaluationKind,
    EvaluationLink,
    QuestionSet,
    QuestionType,
    scale_average,
)

COMMENTS = {
    EvaluationKind.STUDENT: [
        "Leuke begeleiders, ik mocht veel zelf doen.",
        "Soms wist ik niet wat ik moest doen.",
        "Heel gezellig, ik ga er zeker terug.",
        "",
    ],
    EvaluationKind.ORGANISATION: [
        "Altijd op tijd en behulpzaam.",
        "Kan nog wat meer initiatief nemen.",
        "Fijne stagiair!",
        "",
    ],
    EvaluationKind.SCHOOL: [
        "Goede afspraken, snel contact.",
        "Contactpersoon was lastig bereikbaar.",
        "",
    ],
}


def seed(ctx) -> None:
    rng = ctx.rng
    sets = {
        kind: services.question_set_for(region=ctx.region, kind=kind) for kind in EvaluationKind
    }
    questions = {kind: list(qs.questions.all()) for kind, qs in sets.items()}
    placements = list(
        Placement.objects.filter(
            organisation__region=ctx.region, status=PlacementStatus.COMPLETED
        ).order_by("pk")
    )
    # A few organisations do poorly, so the broker has something to look at.
    poor_orgs = {o.pk for o in ctx.organisations[5:8]}
    evaluations, answers = [], []
    for placement in placements:
        if rng.random() < 0.15:
            continue  # some evaluations are still missing
        poor = placement.organisation_id in poor_orgs
        for kind in EvaluationKind:
            scores, rows = [], []
            for q in questions[kind]:
                if q.type == QuestionType.SCALE:
                    score = rng.choice([1, 2, 2, 3]) if poor else rng.choice([3, 4, 4, 5, 5])
                    scores.append(score)
                    rows.append((q, score, ""))
                else:
                    rows.append((q, None, rng.choice(COMMENTS[kind])))
            evaluation = Evaluation(
                placement=placement,
                kind=kind,
                question_set=sets[kind],
                organisation_id=placement.organisation_id,
                vacancy_id=placement.vacancy_id,
                average=scale_average(scores),
                respondent="demo",
            )
            evaluations.append(evaluation)
            answers.append((evaluation, rows))
    Evaluation.objects.bulk_create(evaluations, batch_size=1000)
    Answer.objects.bulk_create(
        [
            Answer(evaluation=e, question=q, scale=scale, text=text)
            for e, rows in answers
            for q, scale, text in rows
        ],
        batch_size=2000,
    )
    for evaluation in evaluations:
        if evaluation.kind != EvaluationKind.ORGANISATION and evaluation.organisation_id in (
            poor_orgs
        ):
            services._flag_if_poor(evaluation)


def delete(region) -> None:
    AttentionFlag.objects.filter(organisation__region=region).delete()
    EvaluationLink.objects.filter(placement__organisation__region=region).delete()
    Evaluation.objects.filter(organisation__region=region).delete()
    QuestionSet.objects.filter(region=region).delete()
