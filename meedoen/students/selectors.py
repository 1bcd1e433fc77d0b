"""Reads of students and classes, scoped by the access policy."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from meedoen.core.policy import principal_for
from meedoen.placements.models import ORGANISATION_VISIBLE_STATES

from .models import AccessGrant, Cohort, SchoolClass, Student


def students_visible_to(user) -> QuerySet[Student]:
    """Students whose record (some fields of it) the person may open."""
    p = principal_for(user)
    if p.is_admin:
        return Student.objects.all()
    if not p.roles:
        return Student.objects.none()
    now = timezone.now()
    condition = Q(school_id__in=p.coordinator_school_ids)
    grants = AccessGrant.objects.active(now).filter(grantee=user)
    condition |= Q(school_class__grants__in=grants.filter(school_class__isnull=False))
    condition |= Q(grants__in=grants.filter(student__isnull=False))
    if p.organisation_ids:
        condition |= Q(
            placements__organisation_id__in=p.organisation_ids,
            placements__status__in=ORGANISATION_VISIBLE_STATES,
        )
    if getattr(user, "pk", None):
        condition |= Q(user_id=user.pk)
    ids = Student.objects.filter(condition).values("pk")
    return Student.objects.filter(pk__in=ids)


def classes_visible_to(user) -> QuerySet[SchoolClass]:
    p = principal_for(user)
    if p.is_admin:
        return SchoolClass.objects.all()
    if not p.roles:
        return SchoolClass.objects.none()
    grants = AccessGrant.objects.active().filter(grantee=user, school_class__isnull=False)
    ids = SchoolClass.objects.filter(
        Q(school_id__in=p.coordinator_school_ids) | Q(grants__in=grants)
    ).values("pk")
    return SchoolClass.objects.filter(pk__in=ids)


def classes_with_counts(queryset: QuerySet[SchoolClass]) -> QuerySet[SchoolClass]:
    return (
        queryset.select_related("cohort", "school", "location")
        .annotate(student_count=Count("students", filter=Q(students__active=True)))
        .order_by("school__name", "cohort__year_of_study", "name")
    )


def cohorts_of_school(school) -> QuerySet[Cohort]:
    return Cohort.objects.filter(school=school)


def active_grants_for(user, student: Student) -> list[AccessGrant]:
    """The person's active grants that cover this student (by class or by name)."""
    if not getattr(user, "pk", None):
        return []
    return list(
        AccessGrant.objects.active()
        .filter(grantee=user)
        .filter(
            Q(student=student)
            | Q(school_class_id=student.school_class_id, school_class__isnull=False)
        )
    )


def grants_visible_to(user) -> QuerySet[AccessGrant]:
    """Grants a coordinator manages for their schools, and the ones given to the person."""
    p = principal_for(user)
    if p.is_admin:
        qs = AccessGrant.objects.all()
    else:
        qs = AccessGrant.objects.filter(
            Q(school_id__in=p.coordinator_school_ids) | Q(grantee_id=getattr(user, "pk", None))
        )
    return qs.select_related("grantee", "school_class", "student", "granted_by", "school")


def grants_managed_by(user) -> QuerySet[AccessGrant]:
    """Grants the person may change: those of the schools they coordinate."""
    p = principal_for(user)
    qs = (
        AccessGrant.objects.all()
        if p.is_admin
        else AccessGrant.objects.filter(school_id__in=p.coordinator_school_ids)
    )
    return qs.select_related("grantee", "school_class", "student", "school")
