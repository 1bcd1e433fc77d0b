"""What each role's dashboard shows: reads only, built on the scoped selectors.

Broker, municipality and project lead see counts, never a student's name.
"""

from django.db.models import Count, Q

from meedoen.directory.models import Organisation, School
from meedoen.directory.selectors import (
    municipalities_visible_to,
    organisations_visible_to,
    schools_visible_to,
)
from meedoen.placements.models import ORGANISATION_VISIBLE_STATES, PlacementStatus
from meedoen.placements.selectors import placements_visible_to
from meedoen.students.selectors import classes_visible_to, classes_with_counts, students_visible_to

from .policy import principal_for


def _placement_counts(placements) -> dict[str, int]:
    rows = placements.values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def coordinator_dashboard(user) -> dict:
    p = principal_for(user)
    schools = School.objects.filter(pk__in=p.coordinator_school_ids).order_by("name")
    classes = list(
        classes_with_counts(classes_visible_to(user).filter(school__in=schools)).annotate(
            placed=Count(
                "students",
                filter=Q(students__placements__status__in=ORGANISATION_VISIBLE_STATES),
                distinct=True,
            ),
            completed=Count(
                "students",
                filter=Q(students__placements__status=PlacementStatus.COMPLETED),
                distinct=True,
            ),
        )
    )
    for c in classes:
        c.progress_pct = round(100 * c.completed / c.student_count) if c.student_count else 0
    students = students_visible_to(user).filter(school__in=schools)
    return {
        "schools": schools,
        "classes": classes,
        "student_total": students.count(),
        "placement_counts": _placement_counts(
            placements_visible_to(user).filter(student__school__in=schools)
        ),
        "status_labels": dict(PlacementStatus.choices),
    }


def mentor_dashboard(user) -> dict:
    return {"classes": list(classes_with_counts(classes_visible_to(user)))}


def organisation_dashboard(user) -> dict:
    p = principal_for(user)
    organisations = Organisation.objects.filter(pk__in=p.organisation_ids)
    placements = (
        placements_visible_to(user)
        .filter(organisation__in=organisations)
        .select_related("student", "student__school", "organisation")
        .order_by("start_date", "student__last_name")
    )
    return {"organisations": organisations, "placements": placements[:200]}


def _school_figures(schools):
    return schools.annotate(
        location_count=Count("locations", distinct=True),
        student_count=Count("students", filter=Q(students__active=True), distinct=True),
    ).order_by("name")


def broker_dashboard(user) -> dict:
    """The broker's region; the platform administrator sees all regions."""
    p = principal_for(user)
    schools = schools_visible_to(user)
    organisations = organisations_visible_to(user)
    if not p.is_admin:
        schools = schools.filter(region_id__in=p.broker_region_ids)
        organisations = organisations.filter(region_id__in=p.broker_region_ids)
    schools = _school_figures(schools)
    organisations = organisations.annotate(
        placement_count=Count(
            "placements", filter=Q(placements__status__in=ORGANISATION_VISIBLE_STATES)
        )
    ).order_by("name")
    return {
        "schools": schools,
        "organisations": organisations,
        "organisation_total": organisations.count(),
        "unverified": organisations.filter(verified=False).count(),
    }


def municipality_dashboard(user) -> dict:
    p = principal_for(user)
    municipalities = municipalities_visible_to(user).filter(pk__in=p.municipality_ids)
    schools = _school_figures(
        School.objects.filter(locations__municipality__in=municipalities).distinct()
    )
    organisations = Organisation.objects.filter(municipality__in=municipalities)
    sector_counts: dict[str, int] = {}
    for sectors in organisations.values_list("sectors", flat=True):
        for s in sectors:
            sector_counts[s] = sector_counts.get(s, 0) + 1
    return {
        "municipalities": municipalities,
        "schools": schools,
        "organisation_total": organisations.count(),
        "sector_counts": sorted(sector_counts.items()),
        "student_total": sum(s.student_count for s in schools),
    }


def project_lead_dashboard(user) -> dict:
    p = principal_for(user)
    schools = _school_figures(School.objects.filter(board_id__in=p.board_ids))
    return {"schools": schools, "student_total": sum(s.student_count for s in schools)}


def student_dashboard(user) -> dict:
    student = (
        students_visible_to(user)
        .filter(user=user)
        .select_related("school", "school_class", "school_class__cohort")
        .first()
    )
    placements = (
        placements_visible_to(user).filter(student=student).select_related("organisation")
        if student
        else []
    )
    return {"student": student, "placements": placements}
