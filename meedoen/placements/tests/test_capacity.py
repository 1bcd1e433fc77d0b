"""Capacity: acceptance and approval never exceed an offer's places for the dates.

The concurrency test runs on PostgreSQL only (SQLite serialises writers anyway): fifty
threads, each with its own database connection, try to take the last free place at once;
exactly one succeeds and the others get the clear "full" answer. Repeated five times.
"""

import threading

import pytest
from django.db import connection
from django.utils import translation

from meedoen.core.errors import ServiceError
from meedoen.core.policy import principal_for
from meedoen.core.tests import factories as f
from meedoen.placements import services
from meedoen.placements.models import Placement, PlacementStatus
from meedoen.stagebank.models import Kind

from .conftest import END, START, make_vacancy

S = PlacementStatus


def propose(world, vacancy, n):
    students = [f.StudentFactory(school_class=world.class_a1) for _ in range(n)]
    return [
        services.placement_create(
            by=world.coordinator,
            student=s,
            vacancy=vacancy,
            activity="Koffie",
            start_date=START,
            end_date=END,
        )
        for s in students
    ]


@pytest.mark.django_db
def test_acceptance_stops_at_capacity(world):
    placements = propose(world, world.vacancy, 3)
    services.placement_accept(placement=placements[0], by=world.organisation)
    services.placement_accept(placement=placements[1], by=world.organisation)
    with pytest.raises(ServiceError, match="full"):
        services.placement_accept(placement=placements[2], by=world.organisation)
    placements[2].refresh_from_db()
    assert placements[2].status == S.PROPOSED


@pytest.mark.django_db
def test_approval_stops_at_capacity(world):
    """Placed by hand (no acceptance step), the school's approval checks the places."""
    placements = propose(world, world.vacancy, 3)
    for p in placements[:2]:
        services.placement_approve(placement=p, by=world.coordinator, not_paid_work=True)
    with pytest.raises(ServiceError, match="full"):
        services.placement_approve(
            placement=placements[2], by=world.coordinator, not_paid_work=True
        )
    assert Placement.objects.filter(vacancy=world.vacancy, status=S.APPROVED).count() == 2


@pytest.mark.django_db
def test_places_are_counted_per_period(world):
    import datetime

    vacancy = make_vacancy(world.org_x, capacity=1)
    early = propose(world, vacancy, 1)[0]
    services.placement_accept(placement=early, by=world.organisation)
    late_student = f.StudentFactory(school_class=world.class_a1)
    late = services.placement_create(
        by=world.coordinator,
        student=late_student,
        vacancy=vacancy,
        activity="Koffie",
        start_date=datetime.date(2027, 4, 10),
        end_date=datetime.date(2027, 5, 10),
    )
    assert services.placement_accept(placement=late, by=world.organisation).status == S.ACCEPTED


@pytest.mark.django_db
def test_full_offer_refuses_applications(world):
    placements = propose(world, world.vacancy, 2)
    for p in placements:
        services.placement_accept(placement=p, by=world.organisation)
    with pytest.raises(ServiceError, match="full"):
        services.placement_apply(
            by=world.student_user, vacancy=world.vacancy, start_date=START, end_date=END
        )


@pytest.mark.django_db
def test_group_offer_counts_groups(world):
    vacancy = make_vacancy(world.org_x, kind=Kind.GROUP, capacity=1, group_min=1, group_max=30)
    first = services.placement_group_create(
        by=world.coordinator,
        students=[world.student, world.student_a2],
        name="Groep 1",
        vacancy=vacancy,
        activity="Tuin",
        start_date=START,
        end_date=END,
    )
    services.placement_approve(
        placement=first.placements.first(), by=world.coordinator, not_paid_work=True
    )
    extra = [f.StudentFactory(school_class=world.class_a2) for _ in range(2)]
    second = services.placement_group_create(
        by=world.coordinator,
        students=extra,
        name="Groep 2",
        vacancy=vacancy,
        activity="Tuin",
        start_date=START,
        end_date=END,
    )
    with pytest.raises(ServiceError, match="full"):
        services.placement_approve(
            placement=second.placements.first(), by=world.coordinator, not_paid_work=True
        )
    assert set(second.placements.values_list("status", flat=True)) == {S.PROPOSED}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(5))
def test_fifty_concurrent_attempts_on_the_last_place(world, round_):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL")
    vacancy = make_vacancy(world.org_x, capacity=3, title=f"Laatste plek {round_}")
    taken = propose(world, vacancy, 2)
    for p in taken:
        services.placement_accept(placement=p, by=world.organisation)
    contenders = propose(world, vacancy, 50)
    principal_for(world.organisation)  # read the memberships once, before the threads
    barrier = threading.Barrier(len(contenders))
    results: list[str] = []
    lock = threading.Lock()

    def attempt(placement):
        translation.activate("en")  # each thread has its own language
        try:
            barrier.wait()
            services.placement_accept(placement=placement, by=world.organisation)
            outcome = "ok"
        except ServiceError as exc:
            outcome = "full" if "full" in exc.messages[0] else exc.messages[0]
        except Exception as exc:  # noqa: BLE001 - report, do not hide, anything unexpected
            outcome = repr(exc)
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=attempt, args=(p,)) for p in contenders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 1, results
    assert results.count("full") == 49, results
    assert Placement.objects.filter(vacancy=vacancy, status=S.ACCEPTED).count() == 3
