"""Unit tests of the access policy and the student selectors."""

import datetime

import pytest
from django.utils import timezone

from meedoen.core.policy import (
    GUIDANCE,
    IDENTITY,
    PERSONAL,
    SUPPORT_NEEDS,
    may,
    student_field_groups,
)
from meedoen.placements.models import PlacementStatus
from meedoen.students import services
from meedoen.students.selectors import classes_visible_to, students_visible_to

pytestmark = pytest.mark.django_db


def visible(user):
    return set(students_visible_to(user).values_list("last_name", flat=True))


def test_coordinator_sees_only_own_school(personas):
    assert visible(personas.coordinator) == {"Jansen", "Bakker"}
    assert visible(personas.coordinator2) == {"Visser"}


def test_mentor_sees_only_granted_class(personas):
    assert visible(personas.mentor) == {"Jansen"}
    assert list(classes_visible_to(personas.mentor)) == [personas.class_a1]


def test_expired_or_revoked_grant_gives_nothing(personas):
    services.access_grant_revoke(actor=personas.coordinator, grant=personas.grant)
    assert visible(personas.mentor) == set()


def test_expired_grant(personas):
    personas.grant.expires_at = timezone.now() - datetime.timedelta(minutes=1)
    personas.grant.save()
    assert visible(personas.mentor) == set()


@pytest.mark.parametrize("name", ["broker", "municipality_user", "projectlead", "outsider"])
def test_aggregate_roles_see_no_student(personas, name):
    assert visible(getattr(personas, name)) == set()


def test_organisation_sees_only_its_placed_students_and_not_support_needs(personas):
    assert visible(personas.organisation) == {"Jansen"}
    assert visible(personas.organisation_y) == set()
    groups = student_field_groups(personas.organisation, personas.student)
    assert groups == {IDENTITY}
    personas.placement.share_support_needs = True
    personas.placement.save()
    groups = student_field_groups(personas.organisation, personas.student)
    assert SUPPORT_NEEDS in groups and PERSONAL not in groups


def test_organisation_loses_sight_after_cancellation(personas):
    personas.placement.status = PlacementStatus.CANCELLED
    personas.placement.save()
    assert visible(personas.organisation) == set()


def test_broker_sees_one_student_after_mediation_grant(personas):
    services.access_grant_create(
        actor=personas.coordinator,
        school=personas.school_a,
        grantee=personas.broker,
        student=personas.student_a2,
        expires_at=timezone.now() + datetime.timedelta(days=10),
    )
    assert visible(personas.broker) == {"Bakker"}
    groups = student_field_groups(personas.broker, personas.student_a2)
    assert GUIDANCE in groups and SUPPORT_NEEDS not in groups


def test_student_sees_self_without_support_notes(personas):
    assert visible(personas.student_user) == {"Jansen"}
    assert SUPPORT_NEEDS not in student_field_groups(personas.student_user, personas.student)


def test_coordinator_of_other_school_may_not_manage(personas):
    assert may(personas.coordinator, "school.manage_access", personas.school_a)
    assert not may(personas.coordinator2, "school.manage_access", personas.school_a)
    assert not may(personas.outsider, "school.manage_access", personas.school_a)
    assert not may(personas.coordinator, "no.such.action", personas.school_a)


def test_grant_to_other_schools_student_refused(personas):
    from meedoen.core.errors import ServiceError

    with pytest.raises(ServiceError):
        services.access_grant_create(
            actor=personas.coordinator,
            school=personas.school_a,
            grantee=personas.mentor,
            student=personas.student_b,
            expires_at=timezone.now() + datetime.timedelta(days=10),
        )
    with pytest.raises(ServiceError):
        services.access_grant_create(
            actor=personas.coordinator2,
            school=personas.school_a,
            grantee=personas.mentor,
            school_class=personas.class_a2,
            expires_at=timezone.now() + datetime.timedelta(days=10),
        )


def test_principal_reads_memberships_as_plain_rows(personas, django_assert_num_queries):
    from meedoen.core.policy import SCOPES, principal_for
    from meedoen.directory.models import Membership

    user = personas.coordinator
    expected = sorted(
        Membership.objects.filter(user=user).values_list("role", *(f"{s}_id" for s in SCOPES))
    )
    user.__dict__.pop("_meedoen_principal", None)
    with django_assert_num_queries(1):
        principal = principal_for(user)
        assert principal_for(user) is principal  # read once per request
    assert sorted(principal.rows) == expected
    assert principal.coordinator_school_ids == {personas.school_a.pk}
    # A person without memberships has no roles.
    personas.coordinator.memberships.all().delete()
    personas.coordinator.__dict__.pop("_meedoen_principal", None)
    assert principal_for(personas.coordinator).roles == set()
