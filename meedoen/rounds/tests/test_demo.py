"""The app's demo seeding on the small world: a published round the demo student is in."""

import random

import pytest

from meedoen.core.demo import DemoContext
from meedoen.placements.models import Placement, Source
from meedoen.rounds import demo
from meedoen.rounds.models import Round, RoundStudent
from meedoen.rounds.workflows import RoundStatus

pytestmark = pytest.mark.django_db


def test_seed_publishes_a_round_with_the_student_and_delete_removes_it(world):
    w = world
    w.extra[0].guidance_level = "intensive"
    w.extra[0].save()
    ctx = DemoContext(
        rng=random.Random(3),
        region=w.region,
        municipalities=[w.municipality],
        schools=[w.school_a, w.school_b],
        locations_by_school={},
        organisations=[w.org_x, w.org_y],
        students_by_school={},
        users={"coordinator": w.coordinator, "broker": w.broker, "student": w.student_user},
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
    demo.delete(w.region)
    assert not Round.objects.filter(school__region=w.region).exists()
