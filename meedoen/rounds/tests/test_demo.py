"""The app's demo seeding on the small world: a published round the demo student is in,
and a closed region round with both schools' periods enrolled and both runs."""

import random

import pytest

from meedoen.core.demo import DemoContext
from meedoen.placements.models import Placement, Source
from meedoen.rounds import demo
from meedoen.rounds.models import Round, RoundStudent
from meedoen.rounds.tests.factories import block_period
from meedoen.rounds.workflows import RoundStatus

pytestmark = pytest.mark.django_db


def test_seed_publishes_a_round_with_the_student_and_delete_removes_it(world):
    w = world
    w.extra[0].guidance_level = "intensive"
    w.extra[0].save()
    block_period(
        w.coordinator2,
        w.school_b,
        w.class_b1.cohort,
        w.period.start_date,
        w.period.end_date,
        students=1,
    )
    ctx = DemoContext(
        rng=random.Random(3),
        region=w.region,
        municipalities=[w.municipality],
        schools=[w.school_a, w.school_b],
        locations_by_school={},
        organisations=[w.org_x, w.org_y],
        students_by_school={},
        users={
            "coordinator": w.coordinator,
            "coordinator2": w.coordinator2,
            "broker": w.broker,
            "student": w.student_user,
        },
    )
    demo.seed(ctx)
    rnd = Round.objects.get(name="Matchingronde (demo)")
    assert rnd.status == RoundStatus.PUBLISHED
    assert {r.mode for r in rnd.runs.all()} == {"da", "optimal"}
    own = RoundStudent.objects.get(round=rnd, student=w.student)
    assert own.explanation  # the student sees their result and why
    mediated = RoundStudent.objects.get(round=rnd, student=w.extra[0])
    assert mediated.mediation_placement.vacancy == w.intensive
    assert mediated.mediation_placement.source == Source.MANUAL
    assert Placement.objects.filter(source=Source.MATCHING).exists()
    region_round = Round.objects.get(name="Regioronde (demo)")
    assert region_round.is_region_round and region_round.status == RoundStatus.CLOSED
    assert region_round.years == [3]  # the year of study of both enrolled periods
    assert {e.school_id for e in region_round.enrolments.all()} == {w.school_a.pk, w.school_b.pk}
    assert {r.mode for r in region_round.runs.all()} == {"da", "optimal"}
    assert region_round.participants.filter(choices__isnull=False).exists()
    demo.delete(w.region)
    assert not Round.objects.filter(region=w.region).exists()
