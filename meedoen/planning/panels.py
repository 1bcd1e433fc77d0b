"""Dashboard panels of the period planning: the student's own period, the coordinator's
submission status and the broker's round."""

from meedoen.directory.models import Region, Role, School
from meedoen.students.models import current_school_year, school_year_label

from .selectors import periods_of_student, planning_year_of, schools_not_submitted
from .workflows import PeriodStatus


def panels(user, principal) -> list[tuple[str, dict]]:
    p = principal
    year = current_school_year()
    out = []
    if Role.STUDENT in p.roles:
        out.append(
            (
                "planning/panel_student.html",
                {
                    "periods": list(periods_of_student(user)[:5]),
                    "year_label": school_year_label(year),
                },
            )
        )
    if p.coordinator_school_ids:
        for school in School.objects.filter(pk__in=p.coordinator_school_ids).select_related(
            "region"
        ):
            periods = school.internship_periods.filter(school_year=year)
            out.append(
                (
                    "planning/panel_coordinator.html",
                    {
                        "school": school,
                        "year": year,
                        "year_label": school_year_label(year),
                        "planning_year": planning_year_of(school.region, year),
                        "drafts": periods.filter(status=PeriodStatus.DRAFT).count(),
                        "submitted": periods.exclude(status=PeriodStatus.DRAFT).count(),
                    },
                )
            )
    if p.broker_region_ids:
        for region in Region.objects.filter(pk__in=p.broker_region_ids):
            out.append(
                (
                    "planning/panel_broker.html",
                    {
                        "region": region,
                        "year": year,
                        "year_label": school_year_label(year),
                        "planning_year": planning_year_of(region, year),
                        "missing": schools_not_submitted(region, year),
                    },
                )
            )
    return out
