"""Writes of placements, agreements and signatures. One transaction per service.

Every change of a placement's state is a named service (``placement_accept``,
``placement_approve`` …) that locks the rows, checks the change against
``workflows.TRANSITIONS`` and the actor's capacity (``access.actor_kinds``), applies the
change's own rules (capacity of the offer, the school's criteria), records a
``PlacementEvent`` and queues e-mail for after the commit. Refusals raise
``ServiceError`` with a message for the user; nothing is changed then.

Capacity: the offer's row is locked (``select_for_update``) before its places are
counted, so two acceptances or approvals of the last free place are serialised and only
the first one succeeds.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from meedoen.core.errors import ServiceError
from meedoen.core.mail import mail_queue
from meedoen.directory.models import (
    ContactPerson,
    LegalForm,
    Membership,
    Organisation,
    Role,
)
from meedoen.stagebank.models import Kind, Vacancy
from meedoen.stagebank.workflows import VacancyStatus
from meedoen.students.models import Student

from . import agreements, criteria
from . import workflows as wf
from .access import actor_kinds, manages_school, may_place_by_hand
from .models import (
    TAKING_STATES,
    Agreement,
    AgreementKind,
    AgreementTemplate,
    AgreementVersion,
    Party,
    Placement,
    PlacementEvent,
    PlacementGroup,
    PlacementStatus,
    SchoolPlacementRules,
    SignatureRequest,
    Source,
)

S = PlacementStatus


class InvalidLink(Exception):
    """A signing or viewing link that is unknown, expired, revoked or used.

    Deliberately without detail: the page answers the same for each of these.
    """


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/") + path


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def _student_of(user) -> Student:
    student = Student.objects.select_related("school", "school_class__cohort").filter(
        user_id=getattr(user, "pk", None), active=True
    )
    student = student.first()
    if student is None:
        raise ServiceError(_("Only a student can do this."))
    return student


def _coordinator_emails(school) -> list[str]:
    return list(
        Membership.objects.filter(role=Role.COORDINATOR, school=school)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )


def _broker_emails(region) -> list[str]:
    return list(
        Membership.objects.filter(role=Role.BROKER, region=region)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )


def _organisation_emails(placement) -> list[str]:
    contact = placement.contact or (placement.vacancy.contact if placement.vacancy_id else None)
    if contact is not None and contact.email:
        return [contact.email]
    return list(
        ContactPerson.objects.filter(organisation_id=placement.organisation_id)
        .exclude(email="")
        .values_list("email", flat=True)[:3]
    )


def _student_email(student) -> str:
    if student.email:
        return student.email
    return student.user.email if student.user_id else ""


def _event(placement, *, action, by=None, label="", reason="", from_status="", to_status=""):
    return PlacementEvent.objects.create(
        placement=placement,
        action=action,
        actor=by if getattr(by, "is_authenticated", False) else None,
        actor_label=label or (_display_name(by) if by is not None else ""),
        reason=reason,
        from_status=from_status,
        to_status=to_status,
    )


def _display_name(user) -> str:
    if user is None:
        return ""
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or getattr(user, "username", "")


def _set_status(members, *, to, by, action, reason="", label=""):
    now = timezone.now()
    for p in members:
        _event(
            p, action=action, by=by, label=label, reason=reason, from_status=p.status, to_status=to
        )
        p.status = to
        p.status_changed_at = now
        if reason:
            p.status_reason = reason
        p.save(update_fields=["status", "status_changed_at", "status_reason"])


def _placement_url(placement) -> str:
    return _absolute(reverse("placements:detail", kwargs={"pk": placement.pk}))


def _notify(placement, *, to: list[str], subject: str, body: str) -> None:
    mail_queue(to=to, subject=subject, body=body + "\n\n" + _placement_url(placement))


def _lock_vacancy(vacancy_id) -> Vacancy | None:
    if vacancy_id is None:
        return None
    return Vacancy.objects.select_for_update().get(pk=vacancy_id)


def _lock_members(placement, *, group_wide: bool) -> list[Placement]:
    """Lock this placement, or every placement of its group in the same state as it."""
    locked = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("student__school", "student__school_class__cohort", "organisation")
        .get(pk=placement.pk)
    )
    if not (group_wide and locked.group_id):
        return [locked]
    members = list(
        Placement.objects.select_for_update(of=("self",))
        .select_related("student__school", "student__school_class__cohort", "organisation")
        .filter(group_id=locked.group_id, status=locked.status)
        .order_by("student__last_name", "student__first_name", "pk")
    )
    return members


def _check_transition(members, *, to, by, kinds: set[str] | None = None) -> None:
    placement = members[0]
    if kinds is None:
        kinds = actor_kinds(by, placement)
    may_ever = set().union(*(v for (_f, t), v in wf.TRANSITIONS.items() if t == to))
    if not kinds & may_ever:
        raise ServiceError(_("You may not make this change to this placement."))
    if not wf.allowed(placement.status, to, kinds):
        raise ServiceError(
            _("This step is not possible now: the placement is “%(status)s”.")
            % {"status": S(placement.status).label}
        )


def _units(vacancy, rows) -> int:
    """Places used by (pk, group_id) rows: groups count once on a group offer."""
    if vacancy.kind == Kind.GROUP:
        return len({("g", g) if g else ("p", pk) for pk, g in rows})
    return len(rows)


def places_taken(vacancy, *, start=None, end=None, exclude=()) -> int:
    overlap = Q(start_date__isnull=True) | Q(end_date__isnull=True)
    if start is not None and end is not None:
        overlap |= Q(start_date__lte=end, end_date__gte=start)
    else:
        overlap = Q()
    rows = (
        Placement.objects.filter(vacancy=vacancy, status__in=TAKING_STATES)
        .filter(overlap)
        .exclude(pk__in=list(exclude))
        .values_list("pk", "group_id")
    )
    return _units(vacancy, list(rows))


def _check_capacity(vacancy, members) -> None:
    """Call with the offer's row locked. Refuses when the members would not fit."""
    starts = [m.start_date for m in members if m.start_date]
    ends = [m.end_date for m in members if m.end_date]
    taken = places_taken(
        vacancy,
        start=min(starts) if starts else None,
        end=max(ends) if ends else None,
        exclude={m.pk for m in members},
    )
    needed = _units(vacancy, [(m.pk, m.group_id) for m in members])
    if taken + needed > vacancy.capacity:
        free = max(vacancy.capacity - taken, 0)
        raise ServiceError(
            _(
                "This offer is full: %(taken)s of its %(capacity)s places are taken for these "
                "dates, %(free)s left."
            )
            % {"taken": taken, "capacity": vacancy.capacity, "free": free}
        )


# ---------------------------------------------------------------------------
# Creating placements
# ---------------------------------------------------------------------------


def _create(
    *,
    student,
    organisation,
    vacancy,
    by,
    source,
    activity,
    tasks,
    start,
    end,
    hours,
    contact=None,
    motivation="",
    group=None,
    action="create",
) -> Placement:
    try:
        with transaction.atomic():
            placement = Placement.objects.create(
                student=student,
                organisation=organisation,
                vacancy=vacancy,
                group=group,
                source=source,
                activity=activity[:200],
                tasks=tasks,
                start_date=start,
                end_date=end,
                hours=hours,
                contact=contact,
                motivation=motivation,
                created_by=by if getattr(by, "is_authenticated", False) else None,
                status=S.PROPOSED,
                status_changed_at=timezone.now(),
            )
    except IntegrityError as exc:
        raise ServiceError(
            _("%(name)s already has an open placement for this offer.") % {"name": student}
        ) from exc
    _event(placement, action=action, by=by, to_status=S.PROPOSED)
    return placement


def _check_offer_open(vacancy) -> None:
    if vacancy.status != VacancyStatus.PUBLISHED:
        raise ServiceError(_("This offer is not open for applications."))


@transaction.atomic
def placement_apply(
    *,
    by,
    vacancy: Vacancy,
    motivation: str = "",
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
) -> Placement:
    """A student applies to a published offer of the bank; the organisation decides."""
    student = _student_of(by)
    vacancy = Vacancy.objects.select_related("organisation", "contact").get(pk=vacancy.pk)
    _check_offer_open(vacancy)
    if vacancy.kind == Kind.GROUP:
        raise ServiceError(_("A group offer is arranged by the school, not by one student."))
    if vacancy.organisation.region_id != student.school.region_id:
        raise ServiceError(_("This offer is not open for applications."))
    start = start_date or vacancy.start_date
    end = end_date or vacancy.end_date
    if start < vacancy.start_date or end > vacancy.end_date:
        raise ServiceError(_("The dates lie outside the period in which the offer is available."))
    problem = criteria.dates_problem(student=student, start=start, end=end)
    if problem:
        raise ServiceError(problem)
    rules = criteria.rules_for(student.school)
    if rules.check_age_level:
        problems = criteria.fit_problems(student=student, vacancy=vacancy, start=start)
        if problems:
            raise ServiceError(problems)
    if places_taken(vacancy, start=start, end=end) >= vacancy.capacity:
        raise ServiceError(_("This offer is full for these dates."))
    placement = _create(
        student=student,
        organisation=vacancy.organisation,
        vacancy=vacancy,
        by=by,
        source=Source.BANK,
        activity=vacancy.title,
        tasks=vacancy.activities,
        start=start,
        end=end,
        hours=vacancy.expected_hours,
        contact=vacancy.contact,
        motivation=motivation,
        action="apply",
    )
    _notify(
        placement,
        to=_organisation_emails(placement),
        subject=_("New application for “%(title)s”") % {"title": vacancy.title},
        body=_("A student applied for your offer “%(title)s”. Please accept or decline.")
        % {"title": vacancy.title},
    )
    return placement


@transaction.atomic
def placement_create(
    *,
    by,
    student: Student,
    activity: str,
    start_date: datetime.date | None,
    end_date: datetime.date | None,
    organisation: Organisation | None = None,
    vacancy: Vacancy | None = None,
    hours: int | None = None,
    tasks: str = "",
    contact: ContactPerson | None = None,
    source: str = Source.MANUAL,
) -> Placement:
    """The coordinator (or the broker, for a student shared with them) places by hand."""
    if not may_place_by_hand(by, student):
        raise ServiceError(_("You may not place this student."))
    return _propose(
        by=by,
        student=student,
        activity=activity,
        start_date=start_date,
        end_date=end_date,
        organisation=organisation,
        vacancy=vacancy,
        hours=hours,
        tasks=tasks,
        contact=contact,
        source=source,
    )


@transaction.atomic
def placement_create_from_round(
    *,
    by,
    student: Student,
    vacancy: Vacancy,
    round_id: int,
    activity: str,
    start_date: datetime.date | None,
    end_date: datetime.date | None,
    tasks: str = "",
) -> Placement:
    """Publishing a region-wide matching round: the region's broker proposes a placement
    (source "matching") for a student whose school enrolled them in that round - the
    school's consent to the allocation, instead of a grant per student. Only for that
    round's students; every other check is ``placement_create``'s."""
    from meedoen.core.policy import principal_for
    from meedoen.rounds.selectors import student_in_region_round

    # The round must be a closed region round of the broker's own region offering this
    # vacancy, with the student in it through an enrolment that was not withdrawn (so the
    # school's region is the round's).
    enrolled = student_in_region_round(
        student_id=student.pk,
        round_id=round_id,
        region_ids=principal_for(by).broker_region_ids,
        vacancy_id=vacancy.pk,
    )
    if not (enrolled or may_place_by_hand(by, student)):
        raise ServiceError(_("You may not place this student."))
    return _propose(
        by=by,
        student=student,
        activity=activity,
        start_date=start_date,
        end_date=end_date,
        vacancy=vacancy,
        tasks=tasks,
        source=Source.MATCHING,
    )


def _propose(
    *,
    by,
    student,
    activity,
    start_date,
    end_date,
    organisation=None,
    vacancy=None,
    hours=None,
    tasks="",
    contact=None,
    source,
) -> Placement:
    """The checks and the proposal shared by the services that place a student."""
    if vacancy is not None:
        _check_offer_open(vacancy)
        organisation = vacancy.organisation
        contact = contact or vacancy.contact
        hours = hours or vacancy.expected_hours
    if organisation is None:
        raise ServiceError(_("Choose an organisation or an offer."))
    if organisation.region_id != student.school.region_id:
        raise ServiceError(_("The organisation is not in the school's region."))
    if contact is not None and contact.organisation_id != organisation.pk:
        raise ServiceError(_("The supervisor is not a contact of this organisation."))
    problem = criteria.dates_problem(student=student, start=start_date, end=end_date)
    if problem:
        raise ServiceError(problem)
    placement = _create(
        student=student,
        organisation=organisation,
        vacancy=vacancy,
        by=by,
        source=source,
        activity=activity,
        tasks=tasks,
        start=start_date,
        end=end_date,
        hours=hours,
        contact=contact,
    )
    _notify(
        placement,
        to=_organisation_emails(placement),
        subject=_("A student is proposed for a placement with you"),
        body=_("The school proposes a student for “%(activity)s”.") % {"activity": activity},
    )
    return placement


@transaction.atomic
def placement_group_create(
    *,
    by,
    students: list[Student],
    name: str,
    activity: str,
    start_date: datetime.date | None,
    end_date: datetime.date | None,
    organisation: Organisation | None = None,
    vacancy: Vacancy | None = None,
    school_class=None,
    hours: int | None = None,
    tasks: str = "",
    contact: ContactPerson | None = None,
) -> PlacementGroup:
    """A group placement of a class or part of one: one placement per student."""
    if not students:
        raise ServiceError(_("Choose at least one student."))
    school = students[0].school
    if not manages_school(by, school) or any(s.school_id != school.pk for s in students):
        raise ServiceError(_("You may not place these students."))
    if vacancy is not None:
        _check_offer_open(vacancy)
        organisation = vacancy.organisation
        contact = contact or vacancy.contact
        hours = hours or vacancy.expected_hours
        if vacancy.group_min and len(students) < vacancy.group_min:
            raise ServiceError(
                _("This offer needs a group of at least %(n)s students.") % {"n": vacancy.group_min}
            )
        if vacancy.group_max and len(students) > vacancy.group_max:
            raise ServiceError(
                _("This offer takes a group of at most %(n)s students.") % {"n": vacancy.group_max}
            )
    if organisation is None:
        raise ServiceError(_("Choose an organisation or an offer."))
    if organisation.region_id != school.region_id:
        raise ServiceError(_("The organisation is not in the school's region."))
    if start_date is None or end_date is None:
        raise ServiceError(_("Enter a start date and an end date."))
    for student in students:
        problem = criteria.dates_problem(student=student, start=start_date, end=end_date)
        if problem:
            raise ServiceError(problem)
    group = PlacementGroup.objects.create(
        school=school,
        school_class=school_class,
        organisation=organisation,
        vacancy=vacancy,
        name=name,
        activity=activity,
        tasks=tasks,
        start_date=start_date,
        end_date=end_date,
        hours=hours,
        contact=contact,
        created_by=by,
    )
    for student in students:
        _create(
            student=student,
            organisation=organisation,
            vacancy=vacancy,
            by=by,
            source=Source.GROUP,
            activity=activity,
            tasks=tasks,
            start=start_date,
            end=end_date,
            hours=hours,
            contact=contact,
            group=group,
        )
    mail_queue(
        to=list({*(_organisation_emails(group.placements.first()))}),
        subject=_("A group is proposed for a placement with you"),
        body=_("The school %(school)s proposes a group of %(n)s students for “%(activity)s”.")
        % {"school": school.name, "n": len(students), "activity": activity},
    )
    return group


@transaction.atomic
def placement_propose_self_found(
    *,
    by,
    organisation_name: str,
    legal_form: str,
    non_profit: bool,
    street: str,
    postcode: str,
    city: str,
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
    activity: str,
    description: str,
    start_date: datetime.date | None,
    end_date: datetime.date | None,
    hours: int | None,
) -> Placement:
    """A student proposes a place they found; the organisation starts unverified."""
    student = _student_of(by)
    rules = criteria.rules_for(student.school)
    if rules.forbid_commercial and legal_form == LegalForm.COMPANY:
        raise ServiceError(
            _(
                "Your school does not allow placements at a company. A maatschappelijke stage "
                "is done at a non-profit organisation: a foundation, an association, a church "
                "or a public body."
            )
        )
    if rules.require_non_profit and not non_profit:
        raise ServiceError(_("Your school only allows placements at non-profit organisations."))
    problem = criteria.dates_problem(student=student, start=start_date, end=end_date)
    if problem:
        raise ServiceError(problem)
    region = student.school.region
    organisation = Organisation.objects.filter(
        region=region, name__iexact=organisation_name.strip(), postcode=postcode
    ).first()
    if organisation is None:
        organisation = Organisation.objects.create(
            region=region,
            name=organisation_name.strip(),
            legal_form=legal_form,
            non_profit=non_profit,
            street=street,
            postcode=postcode,
            city=city,
            verified=False,
        )
    contact = ContactPerson.objects.create(
        organisation=organisation, name=contact_name, email=contact_email, phone=contact_phone
    )
    placement = _create(
        student=student,
        organisation=organisation,
        vacancy=None,
        by=by,
        source=Source.SELF_FOUND,
        activity=activity,
        tasks=description,
        start=start_date,
        end=end_date,
        hours=hours,
        contact=contact,
        action="propose",
    )
    if not organisation.verified:
        mail_queue(
            to=_broker_emails(region),
            subject=_("New organisation proposed by a student: %(name)s")
            % {"name": organisation.name},
            body=_(
                "A student of %(school)s found a placement at %(name)s (%(address)s). The "
                "organisation was added unverified; please check it.\n\nContact: %(contact)s, "
                "%(email)s"
            )
            % {
                "school": student.school.name,
                "name": organisation.name,
                "address": organisation.address_line,
                "contact": contact_name,
                "email": contact_email,
            }
            + "\n\n"
            + _absolute(reverse("directory:organisation", kwargs={"pk": organisation.pk})),
        )
    _notify(
        placement,
        to=_coordinator_emails(student.school),
        subject=_("A student proposes a self-found placement"),
        body=_("%(name)s proposes a placement at %(org)s. Please review it.")
        % {"name": student.full_name, "org": organisation.name},
    )
    return placement


# ---------------------------------------------------------------------------
# State changes
# ---------------------------------------------------------------------------


def _transition(
    placement,
    *,
    by,
    action: str,
    reason: str = "",
    not_paid_work: bool = False,
    group_wide: bool | None = None,
) -> Placement:
    to = wf.ACTIONS[action]
    reason = (reason or "").strip()
    if action in wf.REASON_REQUIRED and not reason:
        raise ServiceError(_("Give a reason."))
    with transaction.atomic():
        vacancy = None
        if to in (S.ACCEPTED, S.APPROVED):
            vacancy = _lock_vacancy(placement.vacancy_id)
        if group_wide is None:
            group_wide = action in wf.GROUP_WIDE
        members = _lock_members(placement, group_wide=group_wide)
        # No person: a scheduled job or an automatic rule of the platform.
        _check_transition(members, to=to, by=by, kinds={wf.SYSTEM} if by is None else None)
        current = members[0]
        if action == "approve":
            if current.status == S.PROPOSED and current.source == Source.BANK:
                raise ServiceError(_("The organisation has not accepted the application yet."))
            rules = criteria.rules_for(current.student.school)
            problems = []
            for member in members:
                for problem in criteria.approval_problems(
                    placement=member, rules=rules, not_paid_work=not_paid_work
                ):
                    if problem not in problems:
                        problems.append(problem)
            if problems:
                raise ServiceError(problems)
        if vacancy is not None:
            _check_capacity(vacancy, members)
        if to in (S.CANCELLED, S.NO_SHOW):
            _withdraw_signature_requests(current)
        _set_status(members, to=to, by=by, action=action, reason=reason)
        _after_transition(members, action=action, reason=reason)
        if to in (S.CANCELLED, S.NO_SHOW) and current.group_id:
            _complete_if_signed(_open_version_of(current), by_label="")
    current.refresh_from_db()
    return current


def _after_transition(members, *, action, reason) -> None:
    p = members[0]
    student_mails = [_student_email(m.student) for m in members]
    school_mails = _coordinator_emails(p.student.school)
    org_mails = _organisation_emails(p)
    status = S(p.status).label
    subject = _("Placement at %(org)s: %(status)s") % {"org": p.organisation.name, "status": status}
    body = _("The placement “%(activity)s” at %(org)s is now: %(status)s.") % {
        "activity": p.activity,
        "org": p.organisation.name,
        "status": status,
    }
    if reason:
        body += "\n" + _("Reason: %(reason)s") % {"reason": reason}
    recipients = {
        "accept": student_mails + school_mails,
        "decline": student_mails + school_mails,
        "approve": student_mails + org_mails,
        "reject": student_mails,
        "activate": student_mails + org_mails,
        "complete": student_mails + org_mails,
        "no_show": student_mails + school_mails,
        "cancel": student_mails + school_mails + org_mails,
    }[action]
    _notify(p, to=sorted(set(recipients)), subject=subject, body=body)


def placement_accept(*, placement: Placement, by) -> Placement:
    """The organisation accepts an application (takes one of the offer's places)."""
    return _transition(placement, by=by, action="accept")


def placement_decline(*, placement: Placement, by, reason: str) -> Placement:
    return _transition(placement, by=by, action="decline", reason=reason)


def placement_approve(*, placement: Placement, by, not_paid_work: bool = False) -> Placement:
    """The school approves against its criteria (and the offer's capacity)."""
    return _transition(placement, by=by, action="approve", not_paid_work=not_paid_work)


def placement_reject(*, placement: Placement, by, reason: str) -> Placement:
    return _transition(placement, by=by, action="reject", reason=reason)


def placement_activate(*, placement: Placement, by) -> Placement:
    return _transition(placement, by=by, action="activate")


def placement_complete(
    *, placement: Placement, by, reason: str = "", group_wide: bool = True
) -> Placement:
    """Complete an active placement: by the coordinator, or by the platform (``by=None``)
    when hours and evaluations are in; the platform completes one student at a time."""
    return _transition(
        placement, by=by, action="complete", reason=reason, group_wide=group_wide and by is not None
    )


def placement_no_show(*, placement: Placement, by, reason: str) -> Placement:
    return _transition(placement, by=by, action="no_show", reason=reason)


def placement_cancel(*, placement: Placement, by, reason: str) -> Placement:
    return _transition(placement, by=by, action="cancel", reason=reason)


SERVICES = {
    "accept": lambda p, by, reason, npw: placement_accept(placement=p, by=by),
    "decline": lambda p, by, reason, npw: placement_decline(placement=p, by=by, reason=reason),
    "approve": lambda p, by, reason, npw: placement_approve(placement=p, by=by, not_paid_work=npw),
    "reject": lambda p, by, reason, npw: placement_reject(placement=p, by=by, reason=reason),
    "activate": lambda p, by, reason, npw: placement_activate(placement=p, by=by),
    "complete": lambda p, by, reason, npw: placement_complete(placement=p, by=by),
    "no_show": lambda p, by, reason, npw: placement_no_show(placement=p, by=by, reason=reason),
    "cancel": lambda p, by, reason, npw: placement_cancel(placement=p, by=by, reason=reason),
}


def placement_transition(
    *, placement: Placement, by, action: str, reason: str = "", not_paid_work: bool = False
) -> Placement:
    """Dispatch a named action (from a form or the API) to its service."""
    service = SERVICES.get(action)
    if service is None:
        raise ServiceError(_("Unknown action."))
    return service(placement, by, reason, not_paid_work)


def activate_started(*, today: datetime.date | None = None) -> int:
    """Activate signed placements whose start date has come (run daily by the worker)."""
    today = today or timezone.localdate()
    count = 0
    for placement in Placement.objects.filter(status=S.SIGNED, start_date__lte=today):
        with transaction.atomic():
            locked = _lock_members(placement, group_wide=False)
            if locked[0].status != S.SIGNED:
                continue
            _check_transition(locked, to=S.ACTIVE, by=None, kinds={wf.SYSTEM})
            _set_status(
                locked, to=S.ACTIVE, by=None, action="activate", label=_("Start date reached")
            )
            _after_transition(locked, action="activate", reason="")
            count += 1
    return count


# ---------------------------------------------------------------------------
# Agreements
# ---------------------------------------------------------------------------


@transaction.atomic
def agreement_template_save(*, by, school, kind: str, **fields) -> AgreementTemplate:
    """The coordinator edits the school's model text; the fixed clauses stay."""
    if not manages_school(by, school):
        raise ServiceError(_("You may not change this school's agreement."))
    for key in agreements.EDITABLE_CLAUSES + ["title"]:
        if not (fields.get(key) or "").strip():
            raise ServiceError(_("Every required clause needs a text."))
    template = (
        AgreementTemplate.objects.select_for_update().filter(school=school, kind=kind).first()
    )
    template = template or AgreementTemplate(school=school, kind=kind)
    for key in ["title", "intro", "extra", *agreements.EDITABLE_CLAUSES]:
        setattr(template, key, (fields.get(key) or "").strip())
    template.updated_by = by
    template.save()
    return template


@transaction.atomic
def school_rules_save(*, by, school, **fields) -> SchoolPlacementRules:
    """The coordinator sets the school's criteria and signing rules."""
    if not manages_school(by, school):
        raise ServiceError(_("You may not change this school's rules."))
    rules = criteria.rules_for(school)
    rules = SchoolPlacementRules.objects.select_for_update().get(pk=rules.pk)
    if not 1 <= int(fields.get("signing_link_days") or 0) <= 90:
        raise ServiceError(_("Signing links are valid for 1 to 90 days."))
    for key, value in fields.items():
        setattr(rules, key, value)
    rules.save()
    return rules


def _signers(agreement, placements, *, by) -> list[dict]:
    """Who must sign: students, a parent of each minor, the organisation and the school."""
    school = agreement.school
    rules = criteria.rules_for(school)
    signers: list[dict] = []
    group = agreement.kind == AgreementKind.GROUP
    problems = []
    if not group or rules.group_students_sign:
        for p in placements:
            student = p.student
            email = _student_email(student)
            if not email:
                problems.append(_("%(name)s has no e-mail address.") % {"name": student})
            signers.append(
                {
                    "party": Party.STUDENT,
                    "requirement": f"student:{student.pk}",
                    "name": student.full_name,
                    "email": email,
                    "student": student,
                }
            )
            day = p.start_date or timezone.localdate()
            if student.age_on(day) < school.guardian_signature_age:
                guardians = [g for g in student.guardians.all() if g.email]
                if not guardians:
                    problems.append(
                        _(
                            "%(name)s is a minor without a parent or guardian with an e-mail "
                            "address."
                        )
                        % {"name": student}
                    )
                for g in guardians:
                    key = f"guardian:{student.pk}"
                    if rules.require_both_guardians:
                        key += f":{g.pk}"
                    signers.append(
                        {
                            "party": Party.GUARDIAN,
                            "requirement": key,
                            "name": g.name,
                            "email": g.email,
                            "student": student,
                            "guardian": g,
                        }
                    )
    first = placements[0]
    source = first.group if group else first
    contact = source.contact or (first.vacancy.contact if first.vacancy_id else None)
    contact = contact or first.organisation.contacts.exclude(email="").order_by("pk").first()
    if contact is None or not contact.email:
        problems.append(_("The organisation has no contact person with an e-mail address."))
    else:
        signers.append(
            {
                "party": Party.ORGANISATION,
                "requirement": "organisation",
                "name": contact.name,
                "email": contact.email,
                "user": contact.user,
            }
        )
    if not getattr(by, "email", ""):
        problems.append(_("Your account has no e-mail address for your signing link."))
    signers.append(
        {
            "party": Party.SCHOOL,
            "requirement": "school",
            "name": _display_name(by),
            "email": getattr(by, "email", ""),
            "user": by,
        }
    )
    if problems:
        raise ServiceError(problems)
    return signers


def _new_version(agreement, placements, *, by, reason: str) -> AgreementVersion:
    """Render, store and send a new version; the previous one stops being signable."""
    now = timezone.now()
    previous = agreement.versions.select_for_update().filter(superseded_at__isnull=True)
    for old in previous:
        old.superseded_at = now
        old.save(update_fields=["superseded_at"])
        old.signature_requests.filter(signed_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=now
        )
    number = (
        agreement.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    signers = _signers(agreement, placements, by=by)
    template = agreements.template_for(agreement.school, agreement.kind)
    data = agreements.snapshot(
        agreement=agreement, placements=placements, version_number=number, signers=signers
    )
    html = agreements.render_html(data=data, template=template)
    pdf = agreements.render_pdf(html=html, title=template.title)
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=number,
        html=html,
        pdf=pdf,
        sha256=agreements.sha256(pdf),
        data=data,
        reason=reason,
        created_by=by,
        created_at=now,
    )
    rules = criteria.rules_for(agreement.school)
    for signer in signers:
        _create_request(version, signer, days=rules.signing_link_days, title=template.title)
    return version


def _create_request(version, signer: dict, *, days: int, title: str) -> SignatureRequest:
    token, token_hash = _new_token()
    view_token = view_hash = None
    if signer["party"] == Party.GUARDIAN:
        view_token, view_hash = _new_token()
    request = SignatureRequest.objects.create(
        version=version,
        party=signer["party"],
        requirement=signer["requirement"],
        student=signer.get("student"),
        guardian=signer.get("guardian"),
        user=signer.get("user"),
        name=signer["name"],
        email=signer["email"],
        token_hash=token_hash,
        view_token_hash=view_hash,
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    _mail_link(request, token, title=title, view_token=view_token)
    return request


def _mail_link(request, token: str, *, title: str, view_token: str | None = None, reminder=False):
    link = _absolute(reverse("placements:sign", kwargs={"token": token}))
    body = _(
        "Dear %(name)s,\n\nPlease read and sign the agreement “%(title)s” (version "
        "%(version)s) through this personal link:\n\n%(link)s\n\nThe link is only for you "
        "and is valid until %(expires)s. Earlier links for this agreement no longer work."
    ) % {
        "name": request.name,
        "title": title,
        "version": request.version.number,
        "link": link,
        "expires": date_format(timezone.localtime(request.expires_at), "DATETIME_FORMAT"),
    }
    if view_token:
        view = _absolute(reverse("placements:guardian_view", kwargs={"token": view_token}))
        body += "\n\n" + _(
            "You can follow the placement, the agreement and the signatures here:\n%(link)s"
        ) % {"link": view}
    subject = (
        _("Reminder: please sign the agreement") if reminder else _("Please sign the agreement")
    )
    mail_queue(to=[request.email], subject=f"{subject}: {title}", body=body)


def _open_version_of(placement) -> AgreementVersion | None:
    agreement = (
        Agreement.objects.filter(group_id=placement.group_id).first()
        if placement.group_id
        else Agreement.objects.filter(placement=placement).first()
    )
    if agreement is None:
        return None
    return agreement.versions.filter(superseded_at__isnull=True).order_by("-number").first()


def _withdraw_signature_requests(placement) -> None:
    """A cancelled student no longer signs; their requests stop working."""
    version = _open_version_of(placement)
    if version is None:
        return
    now = timezone.now()
    requests = version.signature_requests.filter(signed_at__isnull=True, revoked_at__isnull=True)
    if placement.group_id:
        requests = requests.filter(student=placement.student)
    requests.update(revoked_at=now, requirement="withdrawn")


def _members_for_agreement(placement, status) -> list[Placement]:
    if placement.group_id:
        return list(
            Placement.objects.select_for_update(of=("self",))
            .select_related("student__school", "student__school_class__cohort", "organisation")
            .filter(group_id=placement.group_id, status=status)
            .order_by("student__last_name", "student__first_name", "pk")
        )
    return _lock_members(placement, group_wide=False)


@transaction.atomic
def agreement_issue(*, placement: Placement, by) -> Agreement:
    """The school issues the agreement (individual, or one for the whole group)."""
    locked = _lock_members(placement, group_wide=False)[0]
    members = _members_for_agreement(locked, locked.status)
    _check_transition(members, to=S.AGREEMENT_ISSUED, by=by)
    if locked.status != S.APPROVED:
        raise ServiceError(_("Revise the agreement instead: it has been issued already."))
    if locked.group_id:
        agreement, _created = Agreement.objects.get_or_create(
            group=locked.group,
            defaults={"school": locked.student.school, "kind": AgreementKind.GROUP},
        )
    else:
        agreement, _created = Agreement.objects.get_or_create(
            placement=locked,
            defaults={"school": locked.student.school, "kind": AgreementKind.INDIVIDUAL},
        )
    _new_version(agreement, members, by=by, reason="")
    _set_status(members, to=S.AGREEMENT_ISSUED, by=by, action="issue")
    return agreement


@transaction.atomic
def agreement_revise(
    *,
    placement: Placement,
    by,
    reason: str,
    start_date: datetime.date,
    end_date: datetime.date,
    hours: int | None,
    activity: str,
    tasks: str,
) -> AgreementVersion:
    """A change after issuing: a new version that every party signs again."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give a reason."))
    locked = _lock_members(placement, group_wide=False)[0]
    if wf.COORDINATOR not in actor_kinds(by, locked):
        raise ServiceError(_("You may not make this change to this placement."))
    if locked.status not in (S.AGREEMENT_ISSUED, S.SIGNED):
        raise ServiceError(
            _("This step is not possible now: the placement is “%(status)s”.")
            % {"status": S(locked.status).label}
        )
    members = _members_for_agreement(locked, locked.status)
    for m in members:
        problem = criteria.dates_problem(student=m.student, start=start_date, end=end_date)
        if problem:
            raise ServiceError(problem)
    changes = {
        "start_date": start_date,
        "end_date": end_date,
        "hours": hours,
        "activity": activity,
        "tasks": tasks,
    }
    for m in members:
        for key, value in changes.items():
            setattr(m, key, value)
        m.save(update_fields=list(changes))
    if locked.group_id:
        PlacementGroup.objects.filter(pk=locked.group_id).update(**changes)
        members[0].group.refresh_from_db()
    agreement = locked.group.agreement if locked.group_id else locked.agreement
    version = _new_version(agreement, members, by=by, reason=reason)
    if locked.status == S.SIGNED:
        _check_transition(members, to=S.AGREEMENT_ISSUED, by=by)
        _set_status(members, to=S.AGREEMENT_ISSUED, by=by, action="revise", reason=reason)
    else:
        for m in members:
            _event(m, action="revise", by=by, reason=reason)
    return version


def signature_request_for_manager(*, by, request: SignatureRequest) -> SignatureRequest:
    if not manages_school(by, request.version.agreement.school):
        raise ServiceError(_("You may not manage this agreement."))
    return request


@transaction.atomic
def signature_request_resend(*, by, request: SignatureRequest) -> SignatureRequest:
    """A new personal link (the old one stops working), valid for the school's period."""
    request = (
        SignatureRequest.objects.select_for_update()
        .select_related("version__agreement__school")
        .get(pk=request.pk)
    )
    signature_request_for_manager(by=by, request=request)
    if request.signed_at:
        raise ServiceError(_("This party has signed already."))
    if request.version.superseded_at or request.requirement == "withdrawn":
        raise ServiceError(
            _("This link belongs to an agreement version that is no longer current.")
        )
    rules = criteria.rules_for(request.version.agreement.school)
    token, request.token_hash = _new_token()
    request.revoked_at = None
    request.expires_at = timezone.now() + datetime.timedelta(days=rules.signing_link_days)
    request.sent_at = timezone.now()
    request.save(update_fields=["token_hash", "revoked_at", "expires_at", "sent_at"])
    title = agreements.template_for(
        request.version.agreement.school, request.version.agreement.kind
    ).title
    _mail_link(request, token, title=title)
    return request


@transaction.atomic
def signature_request_revoke(*, by, request: SignatureRequest) -> SignatureRequest:
    request = (
        SignatureRequest.objects.select_for_update()
        .select_related("version__agreement__school")
        .get(pk=request.pk)
    )
    signature_request_for_manager(by=by, request=request)
    if request.signed_at:
        raise ServiceError(_("This party has signed already."))
    request.revoked_at = timezone.now()
    request.save(update_fields=["revoked_at"])
    return request


def _valid_request(token: str, *, lock: bool = False) -> SignatureRequest:
    if not token or len(token) > 100:
        raise InvalidLink
    qs = SignatureRequest.objects.select_related("version__agreement__school")
    if lock:
        qs = qs.select_for_update(of=("self",))
    request = qs.filter(token_hash=hash_token(token)).first()
    if (
        request is None
        or request.signed_at is not None
        or request.revoked_at is not None
        or request.expires_at <= timezone.now()
        or request.version.superseded_at is not None
    ):
        raise InvalidLink
    return request


def signing_request_for_token(token: str) -> SignatureRequest:
    """The open request of a signing link, or ``InvalidLink`` (no matter why)."""
    return _valid_request(token)


def _normalise(name: str) -> str:
    return " ".join(name.split()).casefold()


def _requirements_met(version) -> tuple[set[str], set[str]]:
    rows = version.signature_requests.exclude(requirement="withdrawn").values_list(
        "requirement", "signed_at"
    )
    required = {r for r, _s in rows}
    met = {r for r, s in rows if s is not None}
    return required, met


def agreement_sign(
    *, token: str, typed_name: str, confirmed: bool, ip: str | None, user_agent: str = ""
) -> SignatureRequest:
    """Place a signature through a personal link; the last one makes the placement signed."""
    with transaction.atomic():
        request = _valid_request(token)
        # Lock the version first: two guardians of whom one suffices are serialised here.
        version = AgreementVersion.objects.select_for_update().get(pk=request.version_id)
        request = _valid_request(token, lock=True)
        if not confirmed:
            raise ServiceError(_("Tick the box to confirm that you have read the agreement."))
        if _normalise(typed_name) != _normalise(request.name):
            raise ServiceError(
                _("Type your name exactly as shown: %(name)s.") % {"name": request.name}
            )
        _required, met = _requirements_met(version)
        if request.requirement in met:
            raise ServiceError(
                _(
                    "This agreement has already been signed for this party; it needs no second "
                    "signature."
                )
            )
        request.signed_at = timezone.now()
        request.signed_name = " ".join(typed_name.split())[:200]
        request.signed_ip = ip
        request.signed_user_agent = (user_agent or "")[:300]
        request.signed_document_sha256 = version.sha256
        request.save(
            update_fields=[
                "signed_at",
                "signed_name",
                "signed_ip",
                "signed_user_agent",
                "signed_document_sha256",
            ]
        )
        label = f"{request.name} ({request.get_party_display()})"
        for placement in _placements_of(version):
            if request.student_id and request.student_id != placement.student_id:
                continue
            _event(placement, action="sign", label=label, reason=f"v{version.number}")
        _complete_if_signed(version, by_label=label)
    return request


def _placements_of(version) -> list[Placement]:
    agreement = version.agreement
    if agreement.group_id:
        return list(
            Placement.objects.select_for_update(of=("self",))
            .filter(group_id=agreement.group_id, status=S.AGREEMENT_ISSUED)
            .select_related("student__school", "organisation")
        )
    return list(
        Placement.objects.select_for_update(of=("self",))
        .filter(pk=agreement.placement_id, status=S.AGREEMENT_ISSUED)
        .select_related("student__school", "organisation")
    )


def _complete_if_signed(version, *, by_label: str) -> None:
    if version is None or version.completed_at:
        return
    required, met = _requirements_met(version)
    if not required or required - met:
        return
    placements = _placements_of(version)
    if not placements:
        return
    version.completed_at = timezone.now()
    version.save(update_fields=["completed_at"])
    _check_transition(placements, to=S.SIGNED, by=None, kinds={wf.SYSTEM})
    _set_status(
        placements, to=S.SIGNED, by=None, action="signed", label=_("All signatures received")
    )
    emails = set(version.signature_requests.exclude(email="").values_list("email", flat=True))
    first = placements[0]
    _notify(
        first,
        to=sorted(emails | set(_coordinator_emails(first.student.school))),
        subject=_("The agreement is signed"),
        body=_("Every party has signed the agreement for “%(activity)s” at %(org)s.")
        % {"activity": first.activity, "org": first.organisation.name},
    )


def guardian_view_for_token(token: str) -> SignatureRequest:
    """The guardian's request behind a viewing link, or ``InvalidLink``.

    Valid until 60 days after the placement's end, unless the request was withdrawn.
    """
    if not token or len(token) > 100:
        raise InvalidLink
    request = (
        SignatureRequest.objects.select_related("version__agreement", "student", "guardian")
        .filter(view_token_hash=hash_token(token), party=Party.GUARDIAN)
        .first()
    )
    if request is None or request.requirement == "withdrawn":
        raise InvalidLink
    placement = _placement_of_student(request.version.agreement, request.student_id)
    if placement is None:
        raise InvalidLink
    end = placement.end_date or placement.created_at.date()
    if timezone.localdate() > end + datetime.timedelta(days=60):
        raise InvalidLink
    return request


def _placement_of_student(agreement, student_id) -> Placement | None:
    if agreement.group_id:
        return Placement.objects.filter(group_id=agreement.group_id, student_id=student_id).first()
    return Placement.objects.filter(pk=agreement.placement_id).first()


# ---------------------------------------------------------------------------
# Reminders
# ---------------------------------------------------------------------------


def send_signing_reminders(*, now: datetime.datetime | None = None) -> int:
    """Send a fresh link to each party that has not signed within the school's days.

    Each reminder claims its row with a conditional UPDATE, so two workers running at
    once send one reminder, not two.
    """
    now = now or timezone.now()
    sent = 0
    candidates = (
        SignatureRequest.objects.filter(
            signed_at__isnull=True,
            version__superseded_at__isnull=True,
            version__completed_at__isnull=True,
        )
        .exclude(requirement="withdrawn")
        .exclude(email="")
        .select_related("version__agreement__school")
    )
    for request in candidates:
        agreement = request.version.agreement
        rules = criteria.rules_for(agreement.school)
        if request.sent_at > now - datetime.timedelta(days=rules.reminder_days):
            continue
        if request.revoked_at is not None:
            continue  # revoked on purpose by the coordinator: no reminders
        if request.requirement in _requirements_met(request.version)[1]:
            continue
        with transaction.atomic():
            token, token_hash = _new_token()
            claimed = SignatureRequest.objects.filter(
                pk=request.pk, sent_at=request.sent_at, signed_at__isnull=True
            ).update(
                token_hash=token_hash,
                sent_at=now,
                expires_at=now + datetime.timedelta(days=rules.signing_link_days),
                reminder_count=request.reminder_count + 1,
            )
            if not claimed:
                continue
            request.refresh_from_db()
            title = agreements.template_for(agreement.school, agreement.kind).title
            _mail_link(request, token, title=title, reminder=True)
            sent += 1
    return sent
