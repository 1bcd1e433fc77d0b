"""``CompiledQuery``: the ORM's SQL written once, executed with other values."""

import pytest
from django.db.models import Count

from meedoen.core.sql import CompiledQuery
from meedoen.directory.models import Membership, Role

pytestmark = pytest.mark.django_db


def orm_rows(queryset):
    return sorted(tuple(row) for row in queryset)


def test_same_rows_as_the_orm_for_values_and_lists(personas, django_assert_num_queries):
    by_user = CompiledQuery(
        Membership,
        lambda user_id: Membership.objects.filter(user_id=user_id).values_list("role", "school_id"),
    )
    per_role = CompiledQuery(
        Membership,
        lambda user_ids: (
            Membership.objects.filter(user_id__in=user_ids, role__in=[Role.MENTOR])
            .values("school_id")
            .annotate(n=Count("pk"))
            .values_list("school_id", "n")
        ),
    )
    users = [personas.coordinator, personas.mentor, personas.student_user, personas.outsider]
    for user in users:
        expected = orm_rows(Membership.objects.filter(user=user).values_list("role", "school_id"))
        with django_assert_num_queries(1):
            assert sorted(by_user.rows(user.pk)) == expected
    for ids in ([u.pk for u in users], [personas.mentor.pk], [personas.mentor.pk] * 2, [-5, 0]):
        expected = orm_rows(
            Membership.objects.filter(user_id__in=ids, role__in=[Role.MENTOR])
            .values("school_id")
            .annotate(n=Count("pk"))
            .values_list("school_id", "n")
        )
        assert sorted(per_role.rows(ids)) == expected
    # One compilation per shape (list length), reused after.
    assert len(per_role._compiled) == 3
    assert len(by_user._compiled) == 1


def test_a_value_that_does_not_reach_the_sql_once_is_refused(db):
    twice = CompiledQuery(
        Membership,
        lambda user_id: Membership.objects.filter(user_id=user_id, school_id=user_id),
    )
    with pytest.raises(ValueError, match="once each"):
        twice.rows(1)
    ignored = CompiledQuery(Membership, lambda user_id: Membership.objects.all())
    with pytest.raises(ValueError, match="once each"):
        ignored.rows(1)
