"""Writes of the period planning. Each service is one transaction and records its history.

Refused changes raise ``ServiceError`` with a message for the user and write nothing.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from meedoen.core.audit import audit_record
from meedoen.core.errors import ServiceError
from meedoen.core.policy import may
from meedoen.directory.models import Region, School, Sector
from meedoen.stagebank.models import Format, Kind
from meedoen.students.models import Cohort, SchoolClass, school_year_label

from .models import InternshipPeriod, PeriodEvent, PlanningYear, ShiftDecision, school_year_bounds
from .selectors import is_broker_of
from .workflows import EDITABLE, TRANSITIONS, PeriodStatus

# The fields of a period a coordinator fills in (besides cohort and classes).
PERIOD_FIELDS = (
    "format",
    "kind",
    "start_date",
    "end_date",
    "weekdays",
    "students",
    "hours_per_student",
    "sectors",
    "note",
)
MAX_SHIFT_WEEKS = 8


def _require_school(actor, school: School) -> None:
    if not may(actor, "school.manage", school):
        raise ServiceError(_("You may not plan internship periods for this school."))


def _check_period(
    *,
    school: School,
    cohort: Cohort,
    classes: list[SchoolClass],
    values: dict,
    exclude_pk: int | None = None,
) -> dict:
    """Validate a period's fields; return them cleaned (raises ServiceError)."""
    if cohort.school_id != school.pk:
        raise ServiceError(_("That cohort is not of this school."))
    if any(c.cohort_id != cohort.pk for c in classes):
        raise ServiceError(_("Every class must belong to the chosen cohort."))
    fmt, kind = values.get("format"), values.get("kind") or Kind.INDIVIDUAL
    if fmt not in Format.values:
        raise ServiceError(_("Choose a MaS format."))
    if kind not in Kind.values:
        raise ServiceError(_("Choose individual or group."))
    start, end = values.get("start_date"), values.get("end_date")
    if not isinstance(start, datetime.date) or not isinstance(end, datetime.date):
        raise ServiceError(_("Enter a start date and an end date."))
    if end < start:
        raise ServiceError(_("The end date is before the start date."))
    first, last = school_year_bounds(cohort.school_year)
    if start < first or end > last:
        raise ServiceError(
            _("The period must fall within school year %(year)s (%(first)s to %(last)s).")
            % {
                "year": school_year_label(cohort.school_year),
                "first": date_format(first),
                "last": date_format(last),
            }
        )
    students = values.get("students")
    if not isinstance(students, int) or students < 1:
        raise ServiceError(_("The expected number of students must be at least 1."))
    hours = values.get("hours_per_student")
    if not isinstance(hours, int) or not 1 <= hours <= 500:
        raise ServiceError(_("The hours per student must be between 1 and 500."))
    weekdays = sorted(set(values.get("weekdays") or []))
    if any(not isinstance(d, int) or not 0 <= d <= 6 for d in weekdays):
        raise ServiceError(_("Weekdays are numbered 0 (Monday) to 6 (Sunday)."))
    if fmt == Format.RIBBON and not weekdays:
        raise ServiceError(_("Choose the weekdays on which the students of a ribbon go."))
    if fmt != Format.RIBBON:
        weekdays = []
    sectors = sorted(set(values.get("sectors") or []))
    if any(s not in Sector.values for s in sectors):
        raise ServiceError(_("Choose sectors from the list."))
    _check_overlap(cohort=cohort, classes=classes, start=start, end=end, exclude_pk=exclude_pk)
    return {
        "format": fmt,
        "kind": kind,
        "start_date": start,
        "end_date": end,
        "weekdays": weekdays,
        "students": students,
        "hours_per_student": hours,
        "sectors": sectors,
        "note": (values.get("note") or "").strip()[:300],
    }


def _check_overlap(*, cohort, classes, start, end, exclude_pk) -> None:
    """Two periods of one cohort may not overlap for the same classes (none: all classes)."""
    mine = {c.pk for c in classes}
    others = (
        InternshipPeriod.objects.filter(cohort=cohort, start_date__lte=end, end_date__gte=start)
        .exclude(pk=exclude_pk)
        .prefetch_related("classes")
    )
    for other in others:
        theirs = {c.pk for c in other.classes.all()}
        if not mine or not theirs or mine & theirs:
            raise ServiceError(
                _("This period overlaps the period of %(start)s to %(end)s for the same classes.")
                % {"start": date_format(other.start_date), "end": date_format(other.end_date)}
            )


def _event(period, kind, *, actor, reason="", changes=None, from_status="", to_status=""):
    return PeriodEvent.objects.create(
        period=period,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason,
        changes=changes or {},
        from_status=from_status,
        to_status=to_status,
    )


@transaction.atomic
def period_create(
    *, actor, school: School, cohort: Cohort, classes: list[SchoolClass] = (), **values
) -> InternshipPeriod:
    """A coordinator enters an internship period for one of the school's cohorts (a draft)."""
    _require_school(actor, school)
    classes = list(classes)
    clean = _check_period(school=school, cohort=cohort, classes=classes, values=values)
    period = InternshipPeriod.objects.create(
        school=school, school_year=cohort.school_year, cohort=cohort, created_by=actor, **clean
    )
    period.classes.set(classes)
    _event(period, PeriodEvent.Kind.CREATED, actor=actor, to_status=period.status)
    return period


def _snapshot(period: InternshipPeriod) -> dict:
    out = {name: getattr(period, name) for name in PERIOD_FIELDS}
    out["cohort"] = period.cohort_id
    out["classes"] = sorted(c.pk for c in period.classes.all())
    return {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in out.items()}


@transaction.atomic
def period_update(
    *, actor, period: InternshipPeriod, cohort: Cohort, classes: list[SchoolClass] = (), **values
) -> InternshipPeriod:
    """Change a draft period; the changed fields are recorded."""
    period = InternshipPeriod.objects.select_for_update().get(pk=period.pk)
    _require_school(actor, period.school)
    if period.status not in EDITABLE:
        raise ServiceError(_("Only a draft period can be changed: take it back to draft first."))
    if cohort.school_year != period.school_year:
        raise ServiceError(_("A period stays in its school year; copy it to another year."))
    classes = list(classes)
    clean = _check_period(
        school=period.school, cohort=cohort, classes=classes, values=values, exclude_pk=period.pk
    )
    before = _snapshot(period)
    period.cohort = cohort
    for name, value in clean.items():
        setattr(period, name, value)
    period.save()
    period.classes.set(classes)
    after = _snapshot(period)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changes:
        _event(period, PeriodEvent.Kind.CHANGED, actor=actor, changes=changes)
    return period


@transaction.atomic
def period_delete(*, actor, period: InternshipPeriod) -> None:
    """Remove a draft period (recorded in the audit trail)."""
    period = InternshipPeriod.objects.select_for_update().get(pk=period.pk)
    _require_school(actor, period.school)
    if period.status not in EDITABLE:
        raise ServiceError(_("Only a draft period can be deleted: take it back to draft first."))
    audit_record(actor=actor, action="delete", obj=period, note=str(period))
    period.delete()


def _actor_sides(actor, period: InternshipPeriod) -> set[str]:
    sides = set()
    if may(actor, "school.manage", period.school):
        sides.add("school")
    if is_broker_of(actor, period.school.region_id):
        sides.add("broker")
    return sides


def allowed_transitions(actor, period: InternshipPeriod) -> list[str]:
    """The states this person may move the period to now."""
    sides = _actor_sides(actor, period)
    return [to for (frm, to), who in TRANSITIONS.items() if frm == period.status and who & sides]


@transaction.atomic
def period_transition(
    *, actor, period: InternshipPeriod, to_status: str, reason: str = ""
) -> InternshipPeriod:
    """Submit, confirm or take back a period, as ``workflows.TRANSITIONS`` allows."""
    period = (
        InternshipPeriod.objects.select_for_update()
        .select_related("school", "cohort")
        .get(pk=period.pk)
    )
    who = TRANSITIONS.get((period.status, to_status))
    if who is None:
        raise ServiceError(
            _("A period that is “%(status)s” cannot become “%(to)s”.")
            % {
                "status": period.get_status_display(),
                "to": dict(PeriodStatus.choices).get(to_status, to_status),
            }
        )
    sides = _actor_sides(actor, period)
    if not who & sides:
        raise ServiceError(_("You may not make this change."))
    reason = (reason or "").strip()
    if (period.status, to_status) == (PeriodStatus.SUBMITTED, PeriodStatus.DRAFT) and (
        "school" not in sides and not reason
    ):
        raise ServiceError(_("Give the school a reason when you send a period back."))
    if to_status == PeriodStatus.SUBMITTED:
        # Still valid now (for instance after a copy or a change of the rules)?
        _check_period(
            school=period.school,
            cohort=period.cohort,
            classes=list(period.classes.all()),
            values={name: getattr(period, name) for name in PERIOD_FIELDS},
            exclude_pk=period.pk,
        )
        period.submitted_at = timezone.now()
    if to_status == PeriodStatus.CONFIRMED:
        period.confirmed_at = timezone.now()
    if to_status == PeriodStatus.DRAFT:
        period.confirmed_at = None
    from_status, period.status = period.status, to_status
    period.save(update_fields=["status", "submitted_at", "confirmed_at", "updated_at"])
    _event(
        period,
        PeriodEvent.Kind.STATUS,
        actor=actor,
        reason=reason,
        from_status=from_status,
        to_status=to_status,
    )
    return period


@transaction.atomic
def periods_submit_all(*, actor, school: School, school_year: int) -> int:
    """Submit every draft period of the school for the year; all or nothing."""
    _require_school(actor, school)
    drafts = list(
        InternshipPeriod.objects.filter(
            school=school, school_year=school_year, status=PeriodStatus.DRAFT
        ).order_by("start_date", "pk")
    )
    if not drafts:
        raise ServiceError(_("There are no draft periods to submit."))
    for period in drafts:
        period_transition(actor=actor, period=period, to_status=PeriodStatus.SUBMITTED)
    return len(drafts)


def _same_week_next_year(day: datetime.date, years: int) -> datetime.date:
    """The same weekday of the same ISO week ``years`` later (week 53 becomes week 52)."""
    iso_year, week, weekday = day.isocalendar()
    try:
        return datetime.date.fromisocalendar(iso_year + years, week, weekday)
    except ValueError:
        return datetime.date.fromisocalendar(iso_year + years, 52, weekday)


@transaction.atomic
def periods_copy_year(
    *, actor, school: School, from_year: int, to_year: int
) -> tuple[list[InternshipPeriod], list[str]]:
    """Copy a school's periods of one year into another as drafts.

    Each period moves to the same week and weekday of the new year and to the cohort of
    the same year of study and level; classes of the same name follow. A period whose
    cohort does not exist yet, that was already copied, or that would overlap is skipped
    with a note. Returns the new periods and the notes.
    """
    _require_school(actor, school)
    if to_year <= from_year:
        raise ServiceError(_("Copy into a later school year."))
    sources = list(
        InternshipPeriod.objects.filter(school=school, school_year=from_year)
        .select_related("cohort")
        .prefetch_related("classes")
        .order_by("start_date", "pk")
    )
    if not sources:
        raise ServiceError(
            _("School year %(year)s has no periods to copy.")
            % {"year": school_year_label(from_year)}
        )
    cohorts = {
        (c.year_of_study, c.level): c
        for c in Cohort.objects.filter(school=school, school_year=to_year)
    }
    class_by_name = {
        (c.cohort_id, c.name): c
        for c in SchoolClass.objects.filter(school=school, cohort__school_year=to_year)
    }
    copied_already = set(
        InternshipPeriod.objects.filter(
            school=school, school_year=to_year, copied_from__in=sources
        ).values_list("copied_from_id", flat=True)
    )
    created, notes = [], []
    years = to_year - from_year
    first, last = school_year_bounds(to_year)
    for source in sources:
        if source.pk in copied_already:
            notes.append(_("%(period)s was copied before.") % {"period": source})
            continue
        cohort = cohorts.get((source.cohort.year_of_study, source.cohort.level))
        if cohort is None:
            notes.append(
                _("%(period)s: there is no cohort %(cohort)s in the new year yet.")
                % {
                    "period": source,
                    "cohort": f"{source.cohort.get_level_display()} {source.cohort.year_of_study}",
                }
            )
            continue
        start = max(first, _same_week_next_year(source.start_date, years))
        end = min(last, _same_week_next_year(source.end_date, years))
        classes = [
            class_by_name[(cohort.pk, c.name)]
            for c in source.classes.all()
            if (cohort.pk, c.name) in class_by_name
        ]
        values = {name: getattr(source, name) for name in PERIOD_FIELDS}
        values.update(start_date=start, end_date=end)
        try:
            clean = _check_period(school=school, cohort=cohort, classes=classes, values=values)
        except ServiceError as exc:
            notes.append(f"{source}: {exc.messages[0]}")
            continue
        period = InternshipPeriod.objects.create(
            school=school,
            school_year=to_year,
            cohort=cohort,
            copied_from=source,
            created_by=actor,
            **clean,
        )
        period.classes.set(classes)
        _event(
            period,
            PeriodEvent.Kind.COPIED,
            actor=actor,
            to_status=period.status,
            changes={"copied_from": source.pk},
        )
        created.append(period)
    return created, notes


@transaction.atomic
def period_shift(
    *,
    actor,
    period: InternshipPeriod,
    weeks: int,
    peak_week: datetime.date,
    accept: bool,
) -> InternshipPeriod:
    """Accept (the period moves ``weeks`` weeks) or ignore a piece of shifting advice."""
    period = (
        InternshipPeriod.objects.select_for_update()
        .select_related("school", "cohort")
        .get(pk=period.pk)
    )
    _require_school(actor, period.school)
    if not isinstance(weeks, int) or weeks == 0 or abs(weeks) > MAX_SHIFT_WEEKS:
        raise ServiceError(_("A period can be moved by 1 to %(n)s weeks.") % {"n": MAX_SHIFT_WEEKS})
    decision = ShiftDecision(
        period=period,
        shift_weeks=weeks,
        peak_week=peak_week,
        from_start=period.start_date,
        from_end=period.end_date,
        decided_by=actor,
    )
    if not accept:
        decision.decision = ShiftDecision.Decision.IGNORED
        decision.save()
        return period
    start = period.start_date + datetime.timedelta(weeks=weeks)
    end = period.end_date + datetime.timedelta(weeks=weeks)
    first, last = school_year_bounds(period.school_year)
    if start < first or end > last:
        raise ServiceError(
            _("Moved %(n)+d weeks the period would fall outside school year %(year)s.")
            % {"n": weeks, "year": school_year_label(period.school_year)}
        )
    _check_overlap(
        cohort=period.cohort,
        classes=list(period.classes.all()),
        start=start,
        end=end,
        exclude_pk=period.pk,
    )
    changes = {
        "start_date": [period.start_date.isoformat(), start.isoformat()],
        "end_date": [period.end_date.isoformat(), end.isoformat()],
    }
    period.start_date, period.end_date = start, end
    period.save(update_fields=["start_date", "end_date", "updated_at"])
    decision.decision = ShiftDecision.Decision.ACCEPTED
    decision.save()
    _event(
        period,
        PeriodEvent.Kind.SHIFTED,
        actor=actor,
        changes=changes,
        reason=_("Moved %(n)+d weeks on the overview's advice (peak in week %(week)s).")
        % {"n": weeks, "week": peak_week.isocalendar()[1]},
    )
    return period


def _require_broker(actor, region: Region) -> None:
    if not is_broker_of(actor, region.pk):
        raise ServiceError(_("Only the region's broker can do this."))


@transaction.atomic
def planning_year_update(
    *,
    actor,
    region: Region,
    school_year: int,
    submission_deadline: datetime.date | None,
    peak_share: int,
) -> PlanningYear:
    """The broker sets the deadline for submission and the peak threshold."""
    _require_broker(actor, region)
    if not isinstance(peak_share, int) or not 10 <= peak_share <= 200:
        raise ServiceError(_("The peak threshold must be between 10% and 200% of supply."))
    first, last = school_year_bounds(school_year)
    if submission_deadline is not None and not (
        first - datetime.timedelta(days=184) <= submission_deadline <= last
    ):
        raise ServiceError(_("The deadline must lie in or just before the school year."))
    year, _created = PlanningYear.objects.select_for_update().get_or_create(
        region=region, school_year=school_year
    )
    year.submission_deadline = submission_deadline
    year.peak_share = peak_share
    year.save()
    audit_record(
        actor=actor,
        action="change",
        obj=year,
        note=f"deadline {submission_deadline} threshold {peak_share}%",
    )
    return year


@transaction.atomic
def overview_publish(
    *, actor, region: Region, school_year: int, publish: bool = True
) -> PlanningYear:
    """Publish the yearly overview to the region's schools and organisations (or withdraw)."""
    _require_broker(actor, region)
    year, _created = PlanningYear.objects.select_for_update().get_or_create(
        region=region, school_year=school_year
    )
    year.published_at = timezone.now() if publish else None
    year.published_by = actor if publish else None
    year.save()
    audit_record(
        actor=actor,
        action="change",
        obj=year,
        note="overview published" if publish else "overview withdrawn",
    )
    return year
