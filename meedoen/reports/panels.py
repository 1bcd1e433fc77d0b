"""Dashboard panels of the reports: the subsidy deadlines in time, and the report links.

The deadlines (application 1 June, final report 15 September in the seed) are read from
the additional-funding scheme that applies today, so a new version can move them. A
deadline shows from ``WARN_DAYS`` before it until the day itself.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meedoen.core.errors import ServiceError
from meedoen.directory.models import Role, School
from meedoen.students.models import current_school_year, school_year_label

from .models import SchemeKind
from .selectors import scheme_for
from .subsidy import parse_day

WARN_DAYS = 56  # eight weeks
DEADLINES = [
    ("application_deadline", _("Application for the additional funding")),
    ("report_deadline", _("Final report (eindrapportage) of the school year")),
]


def upcoming_deadlines(today: datetime.date | None = None) -> list[dict]:
    """The scheme deadlines that fall within the next ``WARN_DAYS`` days (today included)."""
    today = today or timezone.localdate()
    scheme = scheme_for(SchemeKind.ADDITIONAL, today)
    if scheme is None:
        return []
    out = []
    for key, label in DEADLINES:
        try:
            month, day = parse_day(scheme.parameters.get(key, ""))
        except ServiceError:
            continue
        for year in (today.year, today.year + 1):
            try:
                when = datetime.date(year, month, day)
            except ValueError:  # 29-02 outside a leap year
                when = datetime.date(year, month, 28)
            if when >= today:
                break
        days = (when - today).days
        if days <= WARN_DAYS:
            out.append({"key": key, "label": label, "date": when, "days": days})
    return sorted(out, key=lambda d: d["date"])


def panels(user, principal) -> list[tuple[str, dict]]:
    p = principal
    if not (p.coordinator_school_ids or p.board_ids):
        return []
    year = current_school_year()
    schools = list(School.objects.filter(pk__in=p.coordinator_school_ids).order_by("name"))
    return [
        (
            "reports/panel_deadlines.html",
            {
                "deadlines": upcoming_deadlines(),
                "schools": schools,
                "boards": [m.board for m in p.memberships if m.role == Role.PROJECT_LEAD],
                "year": year,
                "last_year": year - 1,
                "year_label": school_year_label(year),
                "last_year_label": school_year_label(year - 1),
            },
        )
    ]
