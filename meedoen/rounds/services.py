"""Writes of matching rounds. One transaction each; refusals raise ``ServiceError`` and
change nothing.

State changes lock the round's row (``select_for_update``), check ``workflows.TRANSITIONS``
and record a ``RoundEvent`` (who, when). Choosing is only possible while the round is open
and between its dates. Runs of the engine are stored and change nothing else; publishing
one run creates the proposed placements through ``meedoen.placements.services`` and tells
every student their result (e-mail after the commit).

Region rounds use the same services: the broker creates (``region_round_create``), opens,
closes, runs and publishes them; coordinators enrol a period (``round_enrol``) or withdraw
it (``round_withdraw``) while the round is open, and handle their own students' choices,
mediation and hand adjustments. Publishing a region round creates the placements through
``placement_create_from_round``, which lets the broker place only students a school
enrolled in that round.
"""

from __future__ import annotations

import datetime
import secrets

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from meedoen.core.errors import ServiceError
from meedoen.core.mail import mail_queue
from meedoen.matching.engine import solve
from meedoen.placements import services as placement_services
from meedoen.placements.models import Source
from meedoen.planning.models import InternshipPeriod
from meedoen.stagebank.models import GUIDANCE_RANK, Vacancy
from meedoen.students.models import GuidanceLevel, Level, Student
from meedoen.students.selectors import students_visible_to

from . import presenters
from . import workflows as wf
from .engine_input import round_instance
from .models import (
    MAX_CHOICES,
    YEARS_OF_STUDY,
    Choice,
    Mediation,
    Mode,
    Round,
    RoundEnrolment,
    RoundEvent,
    RoundOffer,
    RoundRun,
    RoundStudent,
)
from .selectors import (
    candidate_offers,
    capacities,
    entry_problems,
    is_broker_for,
    manages,
    manages_entry,
    places_held,
)

S = wf.RoundStatus


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _lock(round_: Round) -> Round:
    return (
        Round.objects.select_for_update(of=("self",))
        .select_related("region", "school__region", "period__cohort", "period__school")
        .get(pk=round_.pk)
    )


def _event(round_, action, *, actor, from_status="", to_status="", note=""):
    RoundEvent.objects.create(
        round=round_,
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        from_status=from_status,
        to_status=to_status,
        note=note[:300],
    )


def _require_manager(actor, round_or_school) -> None:
    round_ = round_or_school if isinstance(round_or_school, Round) else None
    if round_ is not None:
        ok = manages(actor, round_)
    else:
        from meedoen.core.policy import may

        ok = may(actor, "school.manage", round_or_school)
    if not ok:
        if round_ is not None and round_.is_region_round:
            raise ServiceError(_("Only the region's broker can do this."))
        raise ServiceError(_("Only the school's coordinator can do this."))


def _require_entry_manager(actor, entry: RoundStudent) -> None:
    if not manages_entry(actor, entry):
        raise ServiceError(_("Only the student's coordinator can do this."))


def _require_not_final(round_: Round) -> None:
    if round_.status == S.PUBLISHED:
        raise ServiceError(_("This round has been published and can no longer be changed."))
    if round_.status == S.CANCELLED:
        raise ServiceError(_("This round has been cancelled."))


def _check_settings(*, end, max_choices, opens_on, closes_on) -> None:
    if not isinstance(max_choices, int) or not 1 <= max_choices <= MAX_CHOICES:
        raise ServiceError(
            _("The number of choices must be between 1 and %(n)s.") % {"n": MAX_CHOICES}
        )
    if not isinstance(opens_on, datetime.date) or not isinstance(closes_on, datetime.date):
        raise ServiceError(_("Enter the dates between which students can choose."))
    if closes_on < opens_on:
        raise ServiceError(_("The closing date lies before the opening date."))
    if closes_on > end:
        raise ServiceError(
            _("Choosing must close before the period ends (%(end)s).") % {"end": date_format(end)}
        )


def _period_students(period: InternshipPeriod, round_: Round | None = None) -> list[Student]:
    """The active students of the period's classes (its whole cohort when it names none);
    for a region round only those of its levels and years of study."""
    classes = list(period.classes.all())
    qs = Student.objects.filter(school=period.school, active=True)
    if classes:
        qs = qs.filter(school_class__in=classes)
    else:
        qs = qs.filter(school_class__cohort=period.cohort)
    if round_ is not None and round_.is_region_round:
        if round_.levels:
            qs = qs.filter(school_class__cohort__level__in=round_.levels)
        if round_.years:
            qs = qs.filter(school_class__cohort__year_of_study__in=round_.years)
    return list(qs.order_by("pk"))


def _clean_years(years) -> list[int]:
    """A region round's years of study: whole numbers 1-6, sorted, each once (none: all)."""
    if years is None:
        return []
    if isinstance(years, (str, bytes)) or not isinstance(years, (list, tuple, set)):
        raise ServiceError(_("The year of study must be a number from 1 to 6."))
    out = set()
    for year in years:
        if isinstance(year, bool) or not isinstance(year, int) or year not in YEARS_OF_STUDY:
            raise ServiceError(_("The year of study must be a number from 1 to 6."))
        out.add(year)
    return sorted(out)


def _add_students(round_: Round, students, enrolment: RoundEnrolment | None = None) -> None:
    RoundStudent.objects.bulk_create(
        [
            RoundStudent(
                round=round_, student=s, lottery=round_.lottery_for(s.pk), enrolment=enrolment
            )
            for s in students
        ]
    )


# ---------------------------------------------------------------------------
# Rounds
# ---------------------------------------------------------------------------


@transaction.atomic
def round_create(
    *,
    actor,
    period: InternshipPeriod,
    name: str = "",
    max_choices: int = 5,
    opens_on: datetime.date,
    closes_on: datetime.date,
    seed: int | None = None,
    students: list[Student] | None = None,
    follow_up_of: Round | None = None,
) -> Round:
    """The coordinator opens a round (as a draft) for one of the school's periods.

    Students: those given, or the active students of the period's classes (its whole
    cohort when it names no classes). Offers: every published individual offer of the
    region available in the period and fitting the cohort's level (``candidate_offers``);
    the coordinator can narrow them while the round is a draft or open."""
    period = InternshipPeriod.objects.select_related("school__region", "cohort").get(pk=period.pk)
    _require_manager(actor, period.school)
    _check_settings(
        end=period.end_date, max_choices=max_choices, opens_on=opens_on, closes_on=closes_on
    )
    students = _period_students(period) if students is None else list(students)
    if not students:
        raise ServiceError(_("This period has no students to take part."))
    if any(s.school_id != period.school_id for s in students):
        raise ServiceError(_("Every student must be of the round's school."))
    round_ = Round.objects.create(
        region_id=period.school.region_id,
        school=period.school,
        period=period,
        name=(name or "").strip()[:120] or _("Matching round %(period)s") % {"period": period},
        max_choices=max_choices,
        opens_on=opens_on,
        closes_on=closes_on,
        seed=secrets.randbelow(2**31) if seed is None else seed,
        follow_up_of=follow_up_of,
        created_by=actor,
    )
    _add_students(round_, students)
    if follow_up_of is not None:
        offers = list(follow_up_of.offers.values_list("vacancy_id", flat=True))
        if follow_up_of.is_region_round:  # of the region's offers, those for this period
            fitting = {v.pk for v in candidate_offers(period)}
            offers = [v for v in offers if v in fitting]
    else:
        offers = [v.pk for v in candidate_offers(period)]
    RoundOffer.objects.bulk_create([RoundOffer(round=round_, vacancy_id=v) for v in offers])
    _event(round_, "create", actor=actor, to_status=round_.status)
    return round_


@transaction.atomic
def region_round_create(
    *,
    actor,
    region,
    name: str = "",
    window_start: datetime.date,
    window_end: datetime.date,
    levels: list[str] | None = None,
    years: list[int] | None = None,
    max_choices: int = 5,
    opens_on: datetime.date,
    closes_on: datetime.date,
    seed: int | None = None,
) -> Round:
    """The broker opens a round (as a draft) for the whole region: the internship periods
    schools will enrol must lie between ``window_start`` and ``window_end`` and be of one
    of ``levels`` (none: every level) and of one of the ``years`` of study (none: every
    year). Offers: the region's published individual offers available in the window and
    suiting one of the levels; the broker can narrow them."""
    from meedoen.core.policy import principal_for

    p = principal_for(actor)
    if not (p.is_admin or region.pk in p.broker_region_ids):
        raise ServiceError(_("Only the region's broker can do this."))
    if not isinstance(window_start, datetime.date) or not isinstance(window_end, datetime.date):
        raise ServiceError(_("Enter the dates between which the internship periods lie."))
    if window_end < window_start:
        raise ServiceError(_("The end of the window lies before its start."))
    levels = list(dict.fromkeys(levels or []))
    if any(level not in Level.values for level in levels):
        raise ServiceError(_("Choose levels from the list."))
    years = _clean_years(years)
    _check_settings(end=window_end, max_choices=max_choices, opens_on=opens_on, closes_on=closes_on)
    round_ = Round.objects.create(
        region=region,
        window_start=window_start,
        window_end=window_end,
        levels=levels,
        years=years,
        name=(name or "").strip()[:120]
        or _("Region round %(start)s") % {"start": date_format(window_start)},
        max_choices=max_choices,
        opens_on=opens_on,
        closes_on=closes_on,
        seed=secrets.randbelow(2**31) if seed is None else seed,
        created_by=actor,
    )
    RoundOffer.objects.bulk_create(
        [RoundOffer(round=round_, vacancy_id=v.pk) for v in candidate_offers(round_)]
    )
    _event(round_, "create", actor=actor, to_status=round_.status)
    return round_


def _enrol_problem(round_: Round, period: InternshipPeriod, today: datetime.date) -> str | None:
    if not round_.is_region_round:
        return _("Only a region round takes enrolments.")
    if round_.status != S.OPEN or today > round_.closes_on:
        return _("This round is not open for enrolment.")
    if period.school.region_id != round_.region_id:
        return _("This period's school is not in the round's region.")
    if period.start_date < round_.window_start or period.end_date > round_.window_end:
        return _("The period must lie between %(a)s and %(b)s.") % {
            "a": date_format(round_.window_start),
            "b": date_format(round_.window_end),
        }
    if round_.levels and period.cohort.level not in round_.levels:
        return _("The round is not meant for this period's level.")
    if round_.years and period.cohort.year_of_study not in round_.years:
        return _("The round is not meant for this period's year of study.")
    if period.end_date < round_.closes_on:
        return _("The period ends before choosing closes.")
    return None


@transaction.atomic
def round_enrol(*, actor, round: Round, period: InternshipPeriod) -> RoundEnrolment:  # noqa: A002
    """A coordinator enrols one of the school's periods in an open region round: the
    period's students take part and the broker runs the allocation for them. Recorded
    (who, when) as the school's consent."""
    round_ = _lock(round)
    period = InternshipPeriod.objects.select_related("school__region", "cohort").get(pk=period.pk)
    _require_manager(actor, period.school)
    problem = _enrol_problem(round_, period, timezone.localdate())
    if problem:
        raise ServiceError(problem)
    if RoundEnrolment.objects.filter(
        round=round_, period=period, withdrawn_at__isnull=True
    ).exists():
        raise ServiceError(_("This period has already been enrolled."))
    students = _period_students(period, round_)
    if not students:
        raise ServiceError(_("This period has no students to take part."))
    if RoundStudent.objects.filter(round=round_, student__in=students).exists():
        raise ServiceError(_("Some of this period's students already take part in this round."))
    enrolment = RoundEnrolment.objects.create(
        round=round_, school=period.school, period=period, enrolled_by=actor
    )
    _add_students(round_, students, enrolment)
    _event(round_, "enrol", actor=actor, note=f"school {period.school_id} period {period.pk}")
    return enrolment


@transaction.atomic
def round_withdraw(*, actor, enrolment: RoundEnrolment) -> RoundEnrolment:
    """The coordinator takes the school's period out of a region round before it closes:
    its students and their choices leave the round."""
    round_ = _lock(enrolment.round)
    enrolment = RoundEnrolment.objects.select_for_update().get(pk=enrolment.pk, round=round_)
    _require_manager(actor, enrolment.school)
    if enrolment.withdrawn_at is not None:
        raise ServiceError(_("This period has already been withdrawn."))
    if round_.status != S.OPEN:
        raise ServiceError(_("A period can only be withdrawn while the round is open."))
    if enrolment.entries.filter(mediation_placement__isnull=False).exists():
        raise ServiceError(
            _("A student of this period has been placed through mediation in this round.")
        )
    enrolment.entries.all().delete()
    enrolment.withdrawn_at = timezone.now()
    enrolment.withdrawn_by = actor
    enrolment.save(update_fields=["withdrawn_at", "withdrawn_by"])
    _event(
        round_,
        "withdraw",
        actor=actor,
        note=f"school {enrolment.school_id} period {enrolment.period_id}",
    )
    return enrolment


@transaction.atomic
def round_update(
    *,
    actor,
    round: Round,  # noqa: A002 - the domain word
    name: str,
    max_choices: int,
    opens_on: datetime.date,
    closes_on: datetime.date,
    offer_ids: list[int] | None = None,
    years: list[int] | None = None,
) -> Round:
    """Change a round's settings and offers (while a draft or open). Removing an offer
    removes it from the students' lists (the choices below move up). A region round's
    years of study (``years``; None: unchanged) may change as long as every enrolled
    period stays of one of them."""
    round_ = _lock(round)
    _require_manager(actor, round_)
    _require_not_final(round_)
    if round_.status not in wf.EDITABLE:
        raise ServiceError(_("A closed round can no longer be changed: reopen it first."))
    _check_settings(
        end=round_.end_date, max_choices=max_choices, opens_on=opens_on, closes_on=closes_on
    )
    if years is not None:
        if not round_.is_region_round:
            raise ServiceError(_("Only a region round chooses its years of study."))
        years = _clean_years(years)
        outside = (
            RoundEnrolment.objects.filter(round=round_, withdrawn_at__isnull=True)
            .exclude(period__cohort__year_of_study__in=years)
            .exists()
        )
        if years and outside:
            raise ServiceError(
                _("A period of another year of study is enrolled: it must be withdrawn first.")
            )
        round_.years = years
    over = (
        RoundStudent.objects.filter(round=round_, choices__rank__gt=max_choices).distinct().count()
    )
    if over:
        raise ServiceError(
            _("%(n)s students have already chosen more than %(max)s offers.")
            % {"n": over, "max": max_choices}
        )
    if offer_ids is not None:
        wanted = set(offer_ids)
        current = set(round_.offers.values_list("vacancy_id", flat=True))
        allowed = current | {v.pk for v in candidate_offers(round_)}
        if not wanted <= allowed:
            raise ServiceError(_("Choose offers that suit this round's period and level."))
        if not wanted:
            raise ServiceError(_("A round needs at least one offer."))
        removed = current - wanted
        RoundOffer.objects.filter(round=round_, vacancy_id__in=removed).delete()
        RoundOffer.objects.bulk_create(
            [RoundOffer(round=round_, vacancy_id=v) for v in sorted(wanted - current)]
        )
        if removed:
            touched = list(
                RoundStudent.objects.filter(
                    round=round_, choices__vacancy_id__in=removed
                ).distinct()
            )
            Choice.objects.filter(entry__round=round_, vacancy_id__in=removed).delete()
            for entry in touched:
                _renumber(entry)
    round_.name = (name or "").strip()[:120] or round_.name
    round_.max_choices = max_choices
    round_.opens_on, round_.closes_on = opens_on, closes_on
    round_.save()
    _event(round_, "change", actor=actor)
    return round_


def _renumber(entry: RoundStudent) -> None:
    choices = list(entry.choices.order_by("rank"))
    for c in choices:  # two passes: the unique (entry, rank) must hold at each save
        c.rank += 1000
        c.save(update_fields=["rank"])
    for i, c in enumerate(choices, start=1):
        c.rank = i
        c.save(update_fields=["rank"])


@transaction.atomic
def round_transition(*, actor, round: Round, action: str) -> Round:  # noqa: A002
    """Open, close, reopen or cancel a round, as ``workflows.TRANSITIONS`` allows."""
    round_ = _lock(round)
    _require_manager(actor, round_)
    target = wf.ACTIONS.get(action)
    if target is None or action not in wf.actions_for(round_.status, {wf.SCHOOL}):
        raise ServiceError(
            _("A round that is “%(status)s” cannot do this.")
            % {"status": round_.get_status_display()}
        )
    if target == S.OPEN:
        if not round_.offers.exists():
            raise ServiceError(_("A round needs at least one offer before it opens."))
        if not round_.participants.exists() and not round_.is_region_round:
            raise ServiceError(_("A round needs students before it opens."))
    from_status, round_.status = round_.status, target
    round_.save(update_fields=["status", "updated_at"])
    _event(round_, action, actor=actor, from_status=from_status, to_status=target)
    return round_


# ---------------------------------------------------------------------------
# Choices
# ---------------------------------------------------------------------------


def may_choose_for(actor, entry: RoundStudent) -> bool:
    """The student, a mentor of their class (with the school's grant), the coordinator
    (of the student's school, in a region round - never the broker)."""
    if manages_entry(actor, entry):
        return True
    if entry.student.user_id is not None and entry.student.user_id == getattr(actor, "pk", None):
        return True
    from meedoen.core.policy import principal_for
    from meedoen.directory.models import Role

    if Role.MENTOR not in principal_for(actor).roles:
        return False
    return students_visible_to(actor).filter(pk=entry.student_id).exists()


def choosing_problem(round_: Round, today: datetime.date | None = None) -> str | None:
    """Why choices cannot be changed now (None: they can)."""
    today = today or timezone.localdate()
    if round_.status != S.OPEN:
        return _("This round is not open for choices.")
    if today < round_.opens_on:
        return _("Choosing opens on %(date)s.") % {"date": date_format(round_.opens_on)}
    if today > round_.closes_on:
        return _("Choosing closed on %(date)s.") % {"date": date_format(round_.closes_on)}
    return None


@transaction.atomic
def choices_set(*, actor, entry: RoundStudent, vacancy_ids: list[int]) -> list[Choice]:
    """Replace a student's ranked list (first = most wanted)."""
    round_ = _lock(entry.round)
    entry = RoundStudent.objects.select_related(
        "student__school_class__cohort", "enrolment__period"
    ).get(pk=entry.pk)
    entry.round = round_
    if not may_choose_for(actor, entry):
        raise ServiceError(_("You may not choose for this student."))
    problem = choosing_problem(round_)
    if problem:
        raise ServiceError(problem)
    if entry.in_mediation:
        raise ServiceError(
            _("This student is placed through mediation and does not choose in this round.")
        )
    try:
        ids = [int(v) for v in vacancy_ids]
    except (TypeError, ValueError) as exc:
        raise ServiceError(_("Choose offers from this round.")) from exc
    if len(ids) != len(set(ids)):
        raise ServiceError(_("Each offer can be chosen only once."))
    if len(ids) > round_.max_choices:
        raise ServiceError(
            _("You can choose at most %(n)s offers in this round.") % {"n": round_.max_choices}
        )
    offers = _round_vacancies(round_, ids)
    if set(ids) - set(offers):
        raise ServiceError(_("You can only choose offers of this round."))
    for vid in ids:
        problems = entry_problems(entry, offers[vid])
        if problems:
            raise ServiceError(
                _("“%(title)s” does not fit: %(why)s.")
                % {"title": offers[vid].title, "why": ", ".join(problems)}
            )
    Choice.objects.filter(entry=entry).delete()
    made = Choice.objects.bulk_create(
        [Choice(entry=entry, vacancy_id=vid, rank=i) for i, vid in enumerate(ids, start=1)]
    )
    entry.choices_changed_at = timezone.now()
    entry.choices_changed_by = actor if getattr(actor, "is_authenticated", False) else None
    entry.save(update_fields=["choices_changed_at", "choices_changed_by"])
    return made


def _round_vacancies(round_: Round, ids) -> dict[int, Vacancy]:
    rows = RoundOffer.objects.filter(round=round_, vacancy_id__in=list(ids)).values("vacancy_id")
    return {v.pk: v for v in Vacancy.objects.filter(pk__in=rows).defer("search_vector")}


CHOICE_ACTIONS = ("add", "remove", "up", "down")


def choice_change(*, actor, entry: RoundStudent, action: str, vacancy_id) -> list[Choice]:
    """One step of the up/down page: add an offer at the bottom, remove it, or move it."""
    current = list(entry.choices.order_by("rank").values_list("vacancy_id", flat=True))
    try:
        vid = int(vacancy_id)
    except (TypeError, ValueError) as exc:
        raise ServiceError(_("Choose offers from this round.")) from exc
    if action == "add":
        if vid in current:
            raise ServiceError(_("Each offer can be chosen only once."))
        wanted = [*current, vid]
    elif action in ("remove", "up", "down"):
        if vid not in current:
            raise ServiceError(_("That offer is not on the list."))
        i = current.index(vid)
        wanted = list(current)
        if action == "remove":
            wanted.pop(i)
        elif action == "up" and i > 0:
            wanted[i - 1], wanted[i] = wanted[i], wanted[i - 1]
        elif action == "down" and i < len(wanted) - 1:
            wanted[i + 1], wanted[i] = wanted[i], wanted[i + 1]
    else:
        raise ServiceError(_("Unknown action."))
    return choices_set(actor=actor, entry=entry, vacancy_ids=wanted)


# ---------------------------------------------------------------------------
# Mediation
# ---------------------------------------------------------------------------


def _lock_entry(entry: RoundStudent) -> RoundStudent:
    return (
        RoundStudent.objects.select_for_update(of=("self",))
        .select_related(
            "student__school__region", "student__school_class__cohort", "enrolment__period"
        )
        .get(pk=entry.pk)
    )


def may_route(round_: Round, entry: RoundStudent) -> bool:
    """Mediation first for a guidance need; after publishing, for anyone left without a place."""
    if entry.student.guidance_level != GuidanceLevel.STANDARD:
        return True
    return round_.status == S.PUBLISHED and not entry.result_placement_id


@transaction.atomic
def mediation_route(*, actor, entry: RoundStudent, routed: bool = True) -> RoundStudent:
    """The coordinator routes a student to the broker's mediation (out of the automatic
    run), or takes them back: before publishing a student with a targeted or intensive
    guidance need ("mediation first"), after publishing any student left without a place."""
    round_ = _lock(entry.round)
    entry = _lock_entry(entry)
    entry.round = round_
    _require_entry_manager(actor, entry)
    if round_.status == S.CANCELLED:
        raise ServiceError(_("This round has been cancelled."))
    if round_.status == S.PUBLISHED and entry.result_placement_id:
        raise ServiceError(_("This student already has a place from this round."))
    if entry.mediation_placement_id:
        raise ServiceError(_("This student has already been placed through mediation."))
    if routed and not may_route(round_, entry):
        raise ServiceError(
            _(
                "Before publishing, only students who need targeted or intensive guidance go "
                "to mediation; after publishing, every student without a place can."
            )
        )
    entry.mediation = Mediation.ROUTED if routed else Mediation.NONE
    entry.save(update_fields=["mediation"])
    _event(
        round_,
        "mediation" if routed else "mediation_undo",
        actor=actor,
        note=f"student {entry.student_id}",
    )
    return entry


def mediation_offers(entry: RoundStudent) -> list[Vacancy]:
    """Offers of the region, available in the period, that fit the student and give at
    least the guidance they need, with a free place."""
    round_ = entry.round
    offers = [v for v in candidate_offers(round_) if not entry_problems(entry, v)]
    held = places_held(round_, [v.pk for v in offers])
    return [v for v in offers if v.capacity - held.get(v.pk, 0) > 0]


@transaction.atomic
def mediation_place(*, actor, entry: RoundStudent, vacancy: Vacancy):
    """The broker (with the school's grant for this student) or the coordinator places a
    student routed to mediation by hand, in an offer that gives the guidance they need.
    The placement is proposed (source "placed by hand") and takes one of the offer's places."""
    round_ = _lock(entry.round)
    entry = _lock_entry(entry)
    entry.round = round_
    is_manager = manages_entry(actor, entry)
    if not is_manager:
        granted = students_visible_to(actor).filter(pk=entry.student_id).exists()
        if not (is_broker_for(actor, round_) and granted):
            raise ServiceError(_("You may not place this student."))
    if round_.status == S.CANCELLED:
        raise ServiceError(_("This round has been cancelled."))
    if entry.mediation != Mediation.ROUTED:
        raise ServiceError(_("This student has not been routed to mediation."))
    if entry.mediation_placement_id or entry.result_placement_id:
        raise ServiceError(_("This student already has a place from this round."))
    vacancy = Vacancy.objects.select_for_update().select_related("organisation").get(pk=vacancy.pk)
    if vacancy.pk not in {v.pk for v in candidate_offers(round_)}:
        raise ServiceError(_("This offer is not available in the round's period."))
    problems = entry_problems(entry, vacancy)
    if problems:
        raise ServiceError(
            _("“%(title)s” does not fit this student: %(why)s.")
            % {"title": vacancy.title, "why": ", ".join(problems)}
        )
    if vacancy.capacity - places_held(round_, [vacancy.pk]).get(vacancy.pk, 0) <= 0:
        raise ServiceError(_("“%(title)s” has no free place left.") % {"title": vacancy.title})
    placement = _create_placement(actor, entry, vacancy, Source.MANUAL)
    entry.mediation_placement = placement
    entry.save(update_fields=["mediation_placement"])
    _event(round_, "mediated", actor=actor, note=f"student {entry.student_id} → {vacancy.pk}")
    return placement


def _create_placement(actor, entry: RoundStudent, vacancy: Vacancy, source: str):
    period = entry.period
    dates = {
        "start_date": max(period.start_date, vacancy.start_date),
        "end_date": min(period.end_date, vacancy.end_date),
    }
    try:
        if entry.round.is_region_round and source == Source.MATCHING:
            # The broker places students the schools enrolled; nothing else.
            return placement_services.placement_create_from_round(
                by=actor,
                student=entry.student,
                vacancy=vacancy,
                round_id=entry.round_id,
                activity=vacancy.title,
                tasks=vacancy.activities,
                **dates,
            )
        return placement_services.placement_create(
            by=actor,
            student=entry.student,
            vacancy=vacancy,
            activity=vacancy.title,
            tasks=vacancy.activities,
            source=source,
            **dates,
        )
    except ServiceError as exc:
        raise ServiceError(f"{entry.student.full_name}: {exc.messages[0]}") from exc


# ---------------------------------------------------------------------------
# Runs, adjustments, publishing
# ---------------------------------------------------------------------------


def _stats(assignment: dict, ranks: dict, dropped: int = 0, adjusted: int = 0) -> dict:
    assigned = [sid for sid, offer in assignment.items() if offer is not None]
    hist: dict[str, int] = {}
    for sid in assigned:
        r = ranks.get(sid)
        key = str(r) if r else "other"
        hist[key] = hist.get(key, 0) + 1
    order = sorted((k for k in hist if k != "other"), key=int) + (
        ["other"] if "other" in hist else []
    )
    return {
        "assigned": len(assigned),
        "unassigned": len(assignment) - len(assigned),
        "rank_histogram": {k: hist[k] for k in order},
        "rank_sum": sum(int(ranks[s]) for s in assigned if ranks.get(s)),
        "dropped_ineligible": dropped,
        "adjusted": adjusted,
    }


@transaction.atomic
def round_run(*, actor, round: Round, mode: str) -> RoundRun:  # noqa: A002
    """Run the engine on the closed round; the run is stored and changes nothing else."""
    round_ = _lock(round)
    _require_manager(actor, round_)
    _require_not_final(round_)
    if round_.status not in wf.RUNNABLE:
        raise ServiceError(_("Close the round before running the matching."))
    if mode not in Mode.values:
        raise ServiceError(_("Choose a mode: fair lottery or most students placed."))
    data = round_instance(round_)
    if not data.entries:
        raise ServiceError(_("No students take part in the automatic run."))
    result = solve(data.instance, mode)
    assignment = {str(k): v for k, v in result.assignment().items()}
    ranks = {
        str(sid): int(r) or None
        for sid, r in zip(data.instance.student_ids, result.rank.tolist(), strict=True)
    }
    explanations = {str(e.student): e.as_dict() for e in result.explain()}
    run = RoundRun.objects.create(
        round=round_,
        mode=mode,
        capacities={str(k): v for k, v in data.capacities.items()},
        assignment=assignment,
        ranks=ranks,
        stats=_stats(assignment, ranks, dropped=data.instance.dropped_ineligible),
        explanations=explanations,
        created_by=actor,
    )
    _event(round_, "run", actor=actor, note=f"{mode} run {run.pk}")
    return run


@transaction.atomic
def run_adjust(*, actor, run: RoundRun, student_id, vacancy_id) -> RoundRun:
    """Move one student of a run by hand to another offer of the round (or to none).
    Capacity (as given to the engine, round-wide) and eligibility are still enforced. In a
    region round each school's coordinator adjusts only their own students."""
    round_ = _lock(run.round)
    _require_not_final(round_)
    if round_.status not in wf.RUNNABLE:
        raise ServiceError(_("Close the round before running the matching."))
    run = RoundRun.objects.select_for_update().get(pk=run.pk, round=round_)
    key = str(student_id)
    if key not in run.assignment:
        raise ServiceError(_("That student is not part of this run."))
    try:
        entry = RoundStudent.objects.select_related(
            "student__school_class__cohort", "enrolment__period"
        ).get(round=round_, student_id=int(key))
    except (RoundStudent.DoesNotExist, ValueError) as exc:
        raise ServiceError(_("That student is not part of this run.")) from exc
    entry.round = round_
    if not manages_entry(actor, entry):
        if manages(actor, round_):
            raise ServiceError(_("Only the student's coordinator can do this."))
        # Another school's student looks like one not in the run.
        raise ServiceError(_("That student is not part of this run."))
    new = None
    if vacancy_id not in (None, ""):
        try:
            new = int(vacancy_id)
        except (TypeError, ValueError) as exc:
            raise ServiceError(_("Choose offers from this round.")) from exc
        vacancy = _round_vacancies(round_, [new]).get(new)
        if vacancy is None:
            raise ServiceError(_("You can only choose offers of this round."))
        problems = entry_problems(entry, vacancy)
        if problems:
            raise ServiceError(
                _("“%(title)s” does not fit %(name)s: %(why)s.")
                % {
                    "title": vacancy.title,
                    "name": entry.student.full_name,
                    "why": ", ".join(problems),
                }
            )
        load = sum(1 for s, o in run.assignment.items() if o == new and s != key)
        capacity = int(run.capacities.get(str(new), 0))
        if load + 1 > capacity:
            raise ServiceError(
                _("“%(title)s” is full: all %(n)s of its free places are given.")
                % {"title": vacancy.title, "n": capacity}
            )
    old = run.assignment[key]
    if old == new:
        return run
    ranks_of = dict(entry.choices.values_list("vacancy_id", "rank"))
    run.assignment[key] = new
    run.ranks[key] = ranks_of.get(new) if new is not None else None
    run.explanations[key] = {
        "offer": new,
        "rank": run.ranks[key],
        "higher_choices": [],
        "adjusted": True,
    }
    run.adjustments.append(
        {
            "by": actor.pk,
            "by_name": actor.get_full_name() or actor.username,
            "at": timezone.now().isoformat(),
            "student": int(key),
            "from": old,
            "to": new,
        }
    )
    run.stats = _stats(
        run.assignment,
        run.ranks,
        dropped=run.stats.get("dropped_ineligible", 0),
        adjusted=len({a["student"] for a in run.adjustments}),
    )
    run.save(update_fields=["assignment", "ranks", "explanations", "adjustments", "stats"])
    return run


@transaction.atomic
def round_publish(*, actor, round: Round, run: RoundRun) -> Round:  # noqa: A002
    """Publish one run: a proposed placement (source "matching") for every assigned
    student, each student's result and explanation stored and mailed. All or nothing."""
    round_ = _lock(round)
    _require_manager(actor, round_)
    _require_not_final(round_)
    if not wf.allowed(round_.status, S.PUBLISHED, {wf.SCHOOL}):
        raise ServiceError(_("Close the round before publishing."))
    run = RoundRun.objects.filter(pk=run.pk, round=round_).first()
    if run is None:
        raise ServiceError(_("That run is not of this round."))
    entries = {
        e.student_id: e
        for e in RoundStudent.objects.filter(round=round_).select_related(
            "student__school__region",
            "student__school_class__cohort",
            "student__user",
            "enrolment__period",
        )
    }
    in_run = {int(k) for k in run.assignment}
    automatic = {sid for sid, e in entries.items() if not e.in_mediation}
    if in_run != automatic:
        raise ServiceError(
            _("The students of the round have changed since this run (mediation): run again.")
        )
    load: dict[int, int] = {}
    for offer in run.assignment.values():
        if offer is not None:
            load[offer] = load.get(offer, 0) + 1
    # Lock the offers' rows (in a fixed order) before counting their places, as the
    # placements app does, so a concurrent acceptance or mediation cannot take one between.
    list(Vacancy.objects.select_for_update().filter(pk__in=list(load)).order_by("pk"))
    caps = capacities(round_)
    if any(n > caps.get(offer, 0) for offer, n in load.items()):
        raise ServiceError(
            _("Places have been taken since this run, so it no longer fits: run again.")
        )
    offers = {
        v.pk: v
        for v in Vacancy.objects.filter(pk__in=list(load)).select_related("organisation", "contact")
    }
    titles = presenters.offer_titles(round_)
    for sid in sorted(in_run):
        entry = entries[sid]
        entry.round = round_
        offer = run.assignment[str(sid)]
        entry.explanation = run.explanations.get(str(sid), {})
        entry.result_rank = run.ranks.get(str(sid))
        if offer is not None:
            vacancy = offers[offer]
            entry.result_vacancy = vacancy
            entry.result_placement = _create_placement(actor, entry, vacancy, Source.MATCHING)
        entry.save(
            update_fields=["explanation", "result_rank", "result_vacancy", "result_placement"]
        )
        _mail_result(entry, round_, titles)
    from_status = round_.status
    round_.status = S.PUBLISHED
    round_.published_run = run
    round_.published_at = timezone.now()
    round_.published_by = actor
    round_.save()
    _event(
        round_,
        "publish",
        actor=actor,
        from_status=from_status,
        to_status=S.PUBLISHED,
        note=f"{run.mode} run {run.pk}",
    )
    return round_


def _mail_result(entry: RoundStudent, round_: Round, titles: dict) -> None:
    student = entry.student
    to = student.email or (student.user.email if student.user_id else "")
    if not to:
        return
    lines = presenters.explanation_lines(entry.explanation, titles)
    url = presenters.absolute(reverse("rounds:detail", kwargs={"pk": round_.pk}))
    mail_queue(
        to=[to],
        subject=_("Your result in “%(round)s”") % {"round": round_.name},
        body="\n".join([*lines, "", presenters.next_step_text(entry), "", url]),
    )


@transaction.atomic
def round_follow_up(
    *,
    actor,
    round: Round,
    opens_on: datetime.date,
    closes_on: datetime.date,  # noqa: A002
    period: InternshipPeriod | None = None,
) -> Round:
    """A second round for the students a published round left without a place (and not
    placed through mediation), with the same offers; capacity is what is left.

    After a region round each school's coordinator opens their own (school) second round
    for their enrolled period's students without a place, with the region round's offers
    that suit the period (``period``: which enrolled period, when the school has several)."""
    round_ = _lock(round)
    if round_.is_region_round:
        from meedoen.core.policy import principal_for

        p = principal_for(actor)
        enrolments = RoundEnrolment.objects.filter(
            round=round_, withdrawn_at__isnull=True
        ).select_related("period")
        if not p.is_admin:
            enrolments = enrolments.filter(school_id__in=p.coordinator_school_ids)
        if period is not None:
            enrolments = enrolments.filter(period=period)
        enrolments = list(enrolments[:2])
        if not enrolments:
            raise ServiceError(_("Only the coordinator of an enrolled school can do this."))
        if len(enrolments) > 1:
            raise ServiceError(_("Choose which of your periods the second round is for."))
        entries = RoundStudent.objects.filter(round=round_, enrolment=enrolments[0])
        target = enrolments[0].period
    else:
        _require_manager(actor, round_)
        entries = round_.participants.all()
        target = round_.period
    if round_.status != S.PUBLISHED:
        raise ServiceError(_("A second round can follow only a published round."))
    students = [
        e.student
        for e in entries.select_related("student").order_by("student_id")
        if e.result_placement_id is None and e.mediation_placement_id is None
    ]
    if not students:
        raise ServiceError(_("Every student of this round has a place."))
    return round_create(
        actor=actor,
        period=target,
        name=_("%(name)s - second round") % {"name": round_.name},
        max_choices=round_.max_choices,
        opens_on=opens_on,
        closes_on=closes_on,
        students=students,
        follow_up_of=round_,
    )


def guidance_rank(value: str) -> int:
    return GUIDANCE_RANK.get(value, 0)
