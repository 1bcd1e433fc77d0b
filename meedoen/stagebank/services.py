"""Writes of the placement bank: offers, their review workflow, and the quality criteria.

Every change of an offer's state is a named service (``vacancy_submit``,
``vacancy_publish`` …) built on one mechanism, ``_transition``: lock the row, check the
change is in ``TRANSITIONS`` and that the actor may make it, change it, record a
``VacancyEvent`` (who, when, why, the review checklist) and queue e-mail after commit.

Who may do what:

* *organisation* transitions (submit, pause, resume, close) and writing an offer: a
  contact of the offer's organisation (membership with role organisation), or the
  broker of the organisation's region on its behalf, or a platform administrator;
* *broker* transitions (publish, return, archive): the broker of the region or an
  administrator.

Refusals raise ``ServiceError`` with a message for the user and change nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from meedoen.core.errors import ServiceError
from meedoen.core.mail import mail_queue
from meedoen.core.policy import principal_for
from meedoen.directory.models import Organisation, Region, Sector
from meedoen.students.models import GuidanceLevel, Level

from .geo import NL_BOUNDS, postcode_coordinates
from .models import DayPart, Format, Kind, QualityCriterion, Vacancy, VacancyEvent
from .workflows import EDITABLE, TRANSITIONS, VacancyStatus

S = VacancyStatus

# The fields of an offer that its author writes (forms, API).
CONTENT_FIELDS = [
    "title",
    "description",
    "sector",
    "activities",
    "kind",
    "group_min",
    "group_max",
    "capacity",
    "min_age",
    "levels",
    "guidance_offered",
    "vog_required",
    "start_date",
    "end_date",
    "weekdays",
    "day_parts",
    "formats",
    "expected_hours",
    "contact",
    "photo",
    "street",
    "postcode",
    "city",
    "latitude",
    "longitude",
]
ADDRESS_FIELDS = ["street", "postcode", "city", "latitude", "longitude"]

DEFAULT_CRITERIA = [
    ("non-profit", gettext_noop("The organisation and the task serve a non-profit purpose.")),
    ("no-paid-work", gettext_noop("The task does not replace paid work.")),
    ("supervision", gettext_noop("A supervisor is present and named.")),
    ("safe-for-minors", gettext_noop("The place and the task are safe for minors.")),
    (
        "clear-task",
        gettext_noop("The task is clear and suits students of the stated age and levels."),
    ),
]


def bank_changed() -> None:
    """After the commit, make cached search results stale (see ``selectors.bank_version``)."""

    def bump() -> None:
        from django.core.cache import cache

        from .selectors import VERSION_KEY, new_bank_version

        try:
            cache.incr(VERSION_KEY)
        except ValueError:
            cache.set(VERSION_KEY, new_bank_version(), None)

    transaction.on_commit(bump)


# ---------------------------------------------------------------------------
# Who may do what.
# ---------------------------------------------------------------------------


def may_write_for(user, organisation: Organisation) -> bool:
    """A contact of the organisation, the broker of its region, or an administrator."""
    p = principal_for(user)
    return (
        p.is_admin
        or organisation.pk in p.organisation_ids
        or organisation.region_id in p.broker_region_ids
    )


def may_review_in(user, region_id: int) -> bool:
    p = principal_for(user)
    return p.is_admin or region_id in p.broker_region_ids


def _may(user, who: str, vacancy: Vacancy) -> bool:
    if who == "broker":
        return may_review_in(user, vacancy.organisation.region_id)
    return may_write_for(user, vacancy.organisation)


# ---------------------------------------------------------------------------
# Validation of an offer's content: one set of rules for forms, API and services.
# ---------------------------------------------------------------------------


def _as_list(value) -> list:
    if value is None or value == "":
        return []
    if isinstance(value, str | int):
        return [value]
    return list(value)


def vacancy_data_errors(data: Mapping[str, Any], *, organisation: Organisation) -> dict:
    """The rule violations in ``data`` (cleaned types), as {field: [messages]}; empty if none."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not str(data.get("title") or "").strip():
        add("title", _("Give the offer a title."))
    if not str(data.get("description") or "").strip():
        add("description", _("Describe what the student will do."))
    if data.get("sector") not in Sector.values:
        add("sector", _("Choose a sector from the list."))
    kind = data.get("kind")
    if kind not in Kind.values:
        add("kind", _("Choose individual or group."))
    group_min, group_max = data.get("group_min"), data.get("group_max")
    if kind == Kind.GROUP:
        if group_min is None or group_max is None:
            add("group_min", _("A group offer needs a minimum and a maximum group size."))
        elif group_min < 2:
            add("group_min", _("A group has at least 2 students."))
        elif group_min > group_max:
            add("group_max", _("The maximum group size cannot be smaller than the minimum."))
    capacity = data.get("capacity")
    if capacity is None or capacity < 1:
        add("capacity", _("Offer at least one place."))
    elif kind == Kind.GROUP and group_max is not None and capacity < (group_min or 0):
        add("capacity", _("The number of places cannot be smaller than the minimum group size."))
    min_age = data.get("min_age")
    if min_age is None or not 10 <= min_age <= 21:
        add("min_age", _("The minimum age must be between 10 and 21."))
    levels = _as_list(data.get("levels"))
    if not levels:
        add("levels", _("Choose at least one suitable level."))
    elif any(level not in Level.values for level in levels):
        add("levels", _("Choose levels from the list."))
    if data.get("guidance_offered") not in GuidanceLevel.values:
        add("guidance_offered", _("Choose the guidance you offer from the list."))
    start, end = data.get("start_date"), data.get("end_date")
    if not isinstance(start, datetime.date):
        add("start_date", _("Enter the first date the offer is available."))
    if not isinstance(end, datetime.date):
        add("end_date", _("Enter the last date the offer is available."))
    if isinstance(start, datetime.date) and isinstance(end, datetime.date):
        if end < start:
            add("end_date", _("The end date cannot be before the start date."))
        elif (end - start).days > 400:
            add("end_date", _("An offer runs for at most one school year."))
    weekdays = _as_list(data.get("weekdays"))
    try:
        if any(not 0 <= int(day) <= 6 for day in weekdays):
            raise ValueError
    except (TypeError, ValueError):
        add("weekdays", _("Weekdays run from Monday (0) to Sunday (6)."))
    if any(part not in DayPart.values for part in _as_list(data.get("day_parts"))):
        add("day_parts", _("Choose parts of the day from the list."))
    if any(f not in Format.values for f in _as_list(data.get("formats"))):
        add("formats", _("Choose formats from the list."))
    hours = data.get("expected_hours")
    if hours is None or not 1 <= hours <= 200:
        add("expected_hours", _("The expected hours must be between 1 and 200."))
    contact = data.get("contact")
    if contact is not None and contact.organisation_id != organisation.pk:
        add("contact", _("Choose a contact person of this organisation."))
    lat, lon = data.get("latitude"), data.get("longitude")
    if (lat is None) != (lon is None):
        add("latitude", _("Give both latitude and longitude, or neither."))
    elif lat is not None:
        (lat_min, lat_max), (lon_min, lon_max) = NL_BOUNDS
        if not (lat_min <= lat <= lat_max and lon_min <= lon <= lon_max):
            add("latitude", _("These coordinates are not in the Netherlands."))
    return errors


def _check(data: Mapping[str, Any], organisation: Organisation) -> None:
    errors = vacancy_data_errors(data, organisation=organisation)
    if errors:
        raise ServiceError(errors)


def _fill_location(vacancy: Vacancy, organisation: Organisation) -> None:
    """Without an address of its own an offer is at the organisation's address; with a
    postcode but no coordinates, the postcode area's coordinates approximate them."""
    if not any(getattr(vacancy, f) not in (None, "") for f in ADDRESS_FIELDS):
        for f in ADDRESS_FIELDS:
            setattr(vacancy, f, getattr(organisation, f))
    elif vacancy.latitude is None and vacancy.postcode:
        found = postcode_coordinates(vacancy.postcode)
        if found is not None:
            vacancy.latitude, vacancy.longitude = found.latitude, found.longitude


def _normalise(data: Mapping[str, Any]) -> dict:
    clean = {k: data[k] for k in CONTENT_FIELDS if k in data}
    for key in ("levels", "day_parts", "formats"):
        if key in clean:
            clean[key] = sorted({str(v) for v in _as_list(clean[key])})
    if "weekdays" in clean:
        clean["weekdays"] = sorted({int(v) for v in _as_list(clean["weekdays"])})
    if clean.get("kind") == Kind.INDIVIDUAL:
        clean["group_min"] = clean["group_max"] = None
    if clean.get("postcode"):
        pc = str(clean["postcode"]).upper().replace(" ", "")
        clean["postcode"] = f"{pc[:4]} {pc[4:]}".strip()
    if "photo" in clean and clean["photo"] is None:
        clean.pop("photo")
    elif clean.get("photo") is False:  # "clear" ticked in the form
        clean["photo"] = ""
    return clean


def vacancy_create(
    *, actor, organisation: Organisation, data: Mapping[str, Any], school_year: int | None = None
) -> Vacancy:
    """Write a new offer as a draft of ``organisation``."""
    from meedoen.students.models import current_school_year

    if not may_write_for(actor, organisation):
        raise ServiceError(_("You may not write offers for this organisation."))
    _check(data, organisation)
    with transaction.atomic():
        vacancy = Vacancy(
            organisation=organisation,
            school_year=school_year or current_school_year(data.get("start_date")),
            created_by=actor,
            **_normalise(data),
        )
        _fill_location(vacancy, organisation)
        vacancy.save()
        VacancyEvent.objects.create(vacancy=vacancy, to_status=vacancy.status, actor=actor)
        bank_changed()
    return vacancy


def vacancy_update(*, actor, vacancy: Vacancy, data: Mapping[str, Any]) -> Vacancy:
    """Change the content of a draft or returned offer."""
    with transaction.atomic():
        locked = (
            Vacancy.objects.select_for_update().select_related("organisation").get(pk=vacancy.pk)
        )
        if not may_write_for(actor, locked.organisation):
            raise ServiceError(_("You may not change this offer."))
        if locked.status not in EDITABLE:
            raise ServiceError(
                _("An offer can only be changed while it is a draft or returned for changes.")
            )
        merged = {f: getattr(locked, f) for f in CONTENT_FIELDS}
        merged.update(data)
        _check(merged, locked.organisation)
        for key, value in _normalise(merged).items():
            setattr(locked, key, value)
        _fill_location(locked, locked.organisation)
        locked.save()
        bank_changed()
    return locked


# ---------------------------------------------------------------------------
# The review workflow.
# ---------------------------------------------------------------------------


def _transition(
    *,
    actor,
    vacancy: Vacancy,
    to: str,
    reason: str = "",
    checklist: dict | None = None,
    precheck=None,
) -> Vacancy:
    with transaction.atomic():
        locked = (
            Vacancy.objects.select_for_update(of=("self",))
            .select_related("organisation", "contact")
            .get(pk=vacancy.pk)
        )
        who = TRANSITIONS.get((locked.status, to))
        if who is None:
            raise ServiceError(
                _("An offer that is “%(state)s” cannot become “%(target)s”.")
                % {"state": locked.get_status_display(), "target": S(to).label}
            )
        if not _may(actor, who, locked):
            raise ServiceError(_("You may not make this change to the offer."))
        if precheck is not None:
            precheck(locked)
        now = timezone.now()
        from_status = locked.status
        locked.status = to
        if to == S.SUBMITTED:
            locked.submitted_at = now
        elif to == S.RETURNED:
            locked.return_reason = reason
        elif to == S.PUBLISHED and from_status == S.SUBMITTED:
            locked.published_at = now
            locked.return_reason = ""
        locked.save(
            update_fields=[
                "status",
                "submitted_at",
                "published_at",
                "return_reason",
                "updated_at",
            ]
        )
        VacancyEvent.objects.create(
            vacancy=locked,
            from_status=from_status,
            to_status=to,
            actor=actor,
            reason=reason,
            checklist=checklist or {},
        )
        if to in (S.PUBLISHED, S.RETURNED) and from_status == S.SUBMITTED:
            _notify_organisation(locked, reason=reason)
        bank_changed()
    return locked


def _notify_organisation(vacancy: Vacancy, *, reason: str) -> None:
    if vacancy.contact is not None:
        recipients = [vacancy.contact.email]
    else:
        recipients = list(vacancy.organisation.contacts.values_list("email", flat=True))
    if vacancy.status == S.PUBLISHED:
        subject = _("Your placement offer “%(title)s” is published") % {"title": vacancy.title}
        body = _(
            "The broker has reviewed your placement offer “%(title)s” and published it in "
            "the placement bank. Students can find it now."
        ) % {"title": vacancy.title}
    else:
        subject = _("Your placement offer “%(title)s” needs changes") % {"title": vacancy.title}
        body = _(
            "The broker has returned your placement offer “%(title)s” with this reason:\n\n"
            "%(reason)s\n\nPlease change the offer and submit it again."
        ) % {"title": vacancy.title, "reason": reason}
    mail_queue(to=recipients, subject=subject, body=body)


def vacancy_submit(*, actor, vacancy: Vacancy) -> Vacancy:
    """The organisation offers a draft (or a returned offer, changed) for review."""
    return _transition(actor=actor, vacancy=vacancy, to=S.SUBMITTED)


def vacancy_publish(*, actor, vacancy: Vacancy, checklist: Iterable[str] | Mapping) -> Vacancy:
    """The broker publishes a submitted offer; every active quality criterion of the
    region must be ticked (``checklist``: the ticked criterion codes, or {code: bool})."""
    if isinstance(checklist, Mapping):
        ticked = {str(code) for code, ok in checklist.items() if ok}
    else:
        ticked = {str(code) for code in checklist}
    criteria = list(quality_criteria_for(vacancy.organisation.region))

    def all_ticked(locked: Vacancy) -> None:
        if locked.status != S.SUBMITTED:
            raise ServiceError(_("Only an offer that is waiting for review can be published."))
        missing = [c.label for c in criteria if c.code not in ticked]
        if missing:
            raise ServiceError(
                _("Tick every quality criterion before publishing. Not ticked: %(list)s")
                % {"list": "; ".join(missing)}
            )

    return _transition(
        actor=actor,
        vacancy=vacancy,
        to=S.PUBLISHED,
        checklist={c.code: True for c in criteria},
        precheck=all_ticked,
    )


def vacancy_return(*, actor, vacancy: Vacancy, reason: str) -> Vacancy:
    """The broker returns a submitted offer to the organisation, saying why."""
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ServiceError(_("Say why the offer is returned, so the organisation can change it."))
    return _transition(actor=actor, vacancy=vacancy, to=S.RETURNED, reason=reason[:2000])


def vacancy_pause(*, actor, vacancy: Vacancy, reason: str = "") -> Vacancy:
    return _transition(actor=actor, vacancy=vacancy, to=S.PAUSED, reason=reason)


def vacancy_resume(*, actor, vacancy: Vacancy) -> Vacancy:
    def paused(locked: Vacancy) -> None:
        # Publishing from any other state is the broker's review, not a resume.
        if locked.status != S.PAUSED:
            raise ServiceError(_("Only a paused offer can be resumed."))

    return _transition(actor=actor, vacancy=vacancy, to=S.PUBLISHED, precheck=paused)


def vacancy_close(*, actor, vacancy: Vacancy, reason: str = "") -> Vacancy:
    return _transition(actor=actor, vacancy=vacancy, to=S.CLOSED, reason=reason)


def vacancy_archive(*, actor, vacancy: Vacancy) -> Vacancy:
    return _transition(actor=actor, vacancy=vacancy, to=S.ARCHIVED)


def _shift_year(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def vacancy_renew(*, actor, vacancy: Vacancy) -> Vacancy:
    """Copy an offer into the next school year as a new draft, dates a year later.

    The original is not changed; an offer is renewed at most once into the same year."""
    with transaction.atomic():
        source = (
            Vacancy.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=vacancy.pk)
        )
        if not may_write_for(actor, source.organisation):
            raise ServiceError(_("You may not renew this offer."))
        if source.status in (S.DRAFT, S.SUBMITTED, S.RETURNED):
            raise ServiceError(_("Only an offer that has been published can be renewed."))
        if source.renewals.filter(school_year=source.school_year + 1).exists():
            raise ServiceError(_("This offer has already been renewed for the next school year."))
        copy = Vacancy(
            organisation=source.organisation,
            school_year=source.school_year + 1,
            created_by=actor,
            renewed_from=source,
            status=S.DRAFT,
            **{f: getattr(source, f) for f in CONTENT_FIELDS},
        )
        copy.start_date = _shift_year(source.start_date)
        copy.end_date = _shift_year(source.end_date)
        copy.save()
        VacancyEvent.objects.create(
            vacancy=copy,
            to_status=S.DRAFT,
            actor=actor,
            reason=_("Renewed from offer %(id)s") % {"id": source.pk},
        )
        bank_changed()
    return copy


ACTIONS = {
    "submit": vacancy_submit,
    "pause": vacancy_pause,
    "resume": vacancy_resume,
    "close": vacancy_close,
    "archive": vacancy_archive,
    "renew": vacancy_renew,
}


# ---------------------------------------------------------------------------
# Quality criteria of a region.
# ---------------------------------------------------------------------------


def quality_criteria_for(region: Region, *, include_inactive: bool = False):
    """The region's review checklist; a region without criteria gets the default five."""
    criteria = QualityCriterion.objects.filter(region=region)
    if not criteria.exists():
        # Region data, stored in the platform's first language (Dutch), then editable.
        with translation.override(settings.LANGUAGE_CODE):
            QualityCriterion.objects.bulk_create(
                [
                    QualityCriterion(region=region, code=code, label=_(label), order=i)
                    for i, (code, label) in enumerate(DEFAULT_CRITERIA)
                ],
                ignore_conflicts=True,
            )
    return criteria if include_inactive else criteria.filter(active=True)


def quality_criterion_save(
    *,
    actor,
    region: Region,
    label: str,
    active: bool = True,
    order: int = 0,
    criterion: QualityCriterion | None = None,
) -> QualityCriterion:
    """Add a criterion to the region's checklist, or change one."""
    from django.utils.text import slugify

    if not may_review_in(actor, region.pk):
        raise ServiceError(_("Only the broker of the region may change its quality criteria."))
    label = (label or "").strip()
    if not label:
        raise ServiceError({"label": [_("Describe the criterion.")]})
    with transaction.atomic():
        if criterion is None:
            base = slugify(label)[:30] or "criterion"
            code, n = base, 1
            while QualityCriterion.objects.filter(region=region, code=code).exists():
                n += 1
                code = f"{base}-{n}"
            criterion = QualityCriterion(region=region, code=code)
        elif criterion.region_id != region.pk:
            raise ServiceError(_("This criterion belongs to another region."))
        criterion.label = label[:200]
        criterion.active = active
        criterion.order = max(0, min(int(order), 999))
        criterion.save()
    return criterion
