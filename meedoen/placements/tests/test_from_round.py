"""``placement_create_from_round``: the broker may propose a matching placement for a
student a school enrolled in the broker's region round - and for no one else; by hand the
broker still needs the school's grant (``placement_create``)."""

import datetime

import pytest

from meedoen.core.errors import ServiceError
from meedoen.core.tests import factories as f
from meedoen.directory.models import Role
from meedoen.placements import services
from meedoen.placements.models import Placement, Source
from meedoen.rounds import services as round_services
from meedoen.rounds.tests.factories import make_region_world, make_world

pytestmark = pytest.mark.django_db


def _place(by, student, rnd, vacancy):
    return services.placement_create_from_round(
        by=by,
        student=student,
        vacancy=vacancy,
        round_id=rnd.pk,
        activity=vacancy.title,
        start_date=max(vacancy.start_date, datetime.date(2026, 9, 1)),
        end_date=min(vacancy.end_date, datetime.date(2026, 9, 5)),
    )


def test_broker_places_an_enrolled_student_of_the_round(personas):
    w = personas
    rnd = make_region_world(w, status="closed").round
    placement = _place(w.broker, w.student_a2, rnd, w.care)
    assert placement.source == Source.MATCHING and placement.vacancy == w.care
    assert placement.created_by == w.broker


def test_broker_still_cannot_place_an_enrolled_student_by_hand(personas):
    w = personas
    make_region_world(w, status="closed")
    with pytest.raises(ServiceError):
        services.placement_create(
            by=w.broker,
            student=w.student_a2,
            vacancy=w.care,
            activity="x",
            start_date=datetime.date(2026, 9, 1),
            end_date=datetime.date(2026, 9, 5),
            source=Source.MATCHING,
        )
    assert not Placement.objects.filter(student=w.student_a2).exists()


def test_not_for_students_outside_the_round_or_other_rounds(personas):
    w = personas
    region_round = make_region_world(w, status="closed").round
    school_round = make_world(w, status="closed").round
    outside = f.StudentFactory(school_class=w.class_b1, first_name="Buiten")  # not enrolled
    cases = [
        (w.broker, outside, region_round),  # not in the round
        (w.broker, w.student_a2, school_round),  # a school round: no consent to the broker
        (w.coordinator2, w.student_a2, region_round),  # not the broker, not the school
        (w.municipality_user, w.student_a2, region_round),
    ]
    other_region = f.RegionFactory(name="Elders")
    other_broker = f.UserFactory(username="broker_elders")
    f.MembershipFactory(user=other_broker, role=Role.BROKER, region=other_region)
    cases.append((other_broker, w.student_a2, region_round))
    for by, student, rnd in cases:
        with pytest.raises(ServiceError):
            _place(by, student, rnd, w.care)
    assert not Placement.objects.filter(source=Source.MATCHING).exists()


def test_not_after_the_school_withdrew_nor_before_closing(personas):
    w = personas
    made = make_region_world(w, status="open")
    with pytest.raises(ServiceError):  # still open for choices
        _place(w.broker, w.student_b, made.round, w.care)
    round_services.round_withdraw(actor=w.coordinator, enrolment=made.enrolments["a"])
    round_services.round_transition(actor=w.broker, round=made.round, action="close")
    with pytest.raises(ServiceError):
        _place(w.broker, w.student_a2, made.round, w.care)
    assert not Placement.objects.filter(source=Source.MATCHING).exists()


def test_not_for_an_offer_outside_the_round(personas):
    w = personas
    rnd = make_region_world(w, status="closed").round
    with pytest.raises(ServiceError):  # havo only: not an offer of this vmbo-t round
        _place(w.broker, w.student_a2, rnd, w.havo_only)
    assert not Placement.objects.filter(source=Source.MATCHING).exists()
