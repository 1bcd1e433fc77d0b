"""A school's criteria for placements: what the coordinator's approval checks.

From the Leiden covenant: schools approve every placement, found by the student or
through the bank, against clear criteria they set themselves. The criteria here are
per school (``SchoolPlacementRules``): a non-profit organisation, no substitute for paid
work (the coordinator confirms it), dates inside the internship period, and age and
level that fit the offer.

Internship periods: the planning app is built separately. Until it offers a selector
for a school's periods, the dates must lie inside the student's school year (1 August
to 31 July) — see ``dates_problem``.
"""

from __future__ import annotations

import datetime
from importlib import import_module

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from meedoen.directory.models import LegalForm
from meedoen.students.models import Student, current_school_year, school_year_label

from .models import SchoolPlacementRules


def rules_for(school) -> SchoolPlacementRules:
    rules = getattr(school, "_placement_rules_cache", None)
    if rules is None:
        rules, _created = SchoolPlacementRules.objects.get_or_create(school=school)
        school._placement_rules_cache = rules
    return rules


def school_year_of(student: Student, day: datetime.date) -> int:
    if student.school_class_id:
        return student.school_class.cohort.school_year
    return current_school_year(day)


def _planning_check(student: Student, start: datetime.date, end: datetime.date):
    """The planning app's answer, if it offers one (``period_problem``), else None."""
    try:
        planning = import_module("meedoen.planning.selectors")
    except ImportError:
        return None
    check = getattr(planning, "period_problem", None)
    if check is None:
        return None
    return check(student=student, start_date=start, end_date=end)


def dates_problem(
    *, student: Student, start: datetime.date | None, end: datetime.date | None
) -> str | None:
    """Why these dates cannot be used for this student's placement, or None."""
    if start is None or end is None:
        return _("Enter a start date and an end date.")
    if end < start:
        return _("The end date lies before the start date.")
    planned = _planning_check(student, start, end)
    if planned is not None:
        return planned or None
    year = school_year_of(student, start)
    first, last = datetime.date(year, 8, 1), datetime.date(year + 1, 7, 31)
    if start < first or end > last:
        return _(
            "The dates lie outside the internship period of the school year %(year)s "
            "(%(first)s to %(last)s)."
        ) % {
            "year": school_year_label(year),
            "first": date_format(first),
            "last": date_format(last),
        }
    return None


def fit_problems(*, student: Student, vacancy, start: datetime.date | None) -> list[str]:
    """Age and level of the student against the offer."""
    problems = []
    if vacancy is None:
        return problems
    day = start or vacancy.start_date
    if student.age_on(day) < vacancy.min_age:
        problems.append(
            _("%(name)s is younger than the offer's minimum age of %(age)s.")
            % {"name": student.full_name, "age": vacancy.min_age}
        )
    level = student.school_class.cohort.level if student.school_class_id else None
    if vacancy.levels and level and level not in vacancy.levels:
        problems.append(
            _("The offer is not meant for %(name)s's level.") % {"name": student.full_name}
        )
    return problems


def organisation_problems(*, rules: SchoolPlacementRules, organisation) -> list[str]:
    problems = []
    if rules.forbid_commercial and organisation.legal_form == LegalForm.COMPANY:
        problems.append(_("Your school does not allow placements at a company."))
    elif rules.require_non_profit and not organisation.non_profit:
        problems.append(_("The organisation is not non-profit."))
    return problems


def approval_problems(*, placement, rules: SchoolPlacementRules, not_paid_work: bool) -> list[str]:
    """Every criterion of the school that this placement does not meet."""
    problems = organisation_problems(rules=rules, organisation=placement.organisation)
    if rules.require_no_paid_work and not not_paid_work:
        problems.append(_("Confirm that the placement does not replace paid work."))
    if rules.check_dates:
        problem = dates_problem(
            student=placement.student, start=placement.start_date, end=placement.end_date
        )
        if problem:
            problems.append(problem)
    if rules.check_age_level:
        problems += fit_problems(
            student=placement.student, vacancy=placement.vacancy, start=placement.start_date
        )
    return problems
