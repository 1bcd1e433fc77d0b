"""The app's demo seeding on a small world: history for existing placements, offers."""

import random

import pytest

from meedoen.core.demo import DemoContext
from meedoen.placements import demo
from meedoen.placements.models import Placement, PlacementEvent
from meedoen.stagebank.models import Vacancy

pytestmark = pytest.mark.django_db


def test_seed_and_delete(personas, capsys):
    w = personas
    ctx = DemoContext(
        rng=random.Random(1),
        region=w.region,
        municipalities=[w.municipality],
        schools=[w.school_a, w.school_b],
        locations_by_school={},
        organisations=[w.org_x, w.org_y],
        students_by_school={},
        users={},
    )
    demo.seed(ctx)
    assert capsys.readouterr().out == ""
    actions = list(
        PlacementEvent.objects.filter(placement=w.placement).values_list("action", flat=True)
    )
    assert actions == ["create", "approve"]
    assert Vacancy.objects.filter(organisation=w.org_x, status="published").count() == 2
    demo.delete(w.region)
    assert not Placement.objects.filter(organisation__region=w.region).exists()
    assert not Vacancy.objects.filter(organisation=w.org_x).exists()
