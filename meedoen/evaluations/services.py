"""Writes of the evaluations app. One transaction each.

Poor results (the flag rule): an evaluation that judges the organisation (the student's
or the school's) with an average of ``POOR_SINGLE`` (2.0) or lower on the 1–5 scale, or
an offer whose last ``ROLLING_WINDOW`` (5) such evaluations average below
``POOR_ROLLING`` (3.0), once there are at least three, raises an attention flag on the
offer (on the organisation when the placement had no offer). One open flag per offer at
a time; the broker resolves it with a note.
"""

from __future__ import annotations

import datetime
import re
import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from meedoen.core.errors import ServiceError
from meedoen.core.mail import mail_queue
from meedoen.core.policy import principal_for
from meedoen.directory.models import Region
from meedoen.hours import services as hours_services
from meedoen.hours.selectors import contact_email_for, hash_token
from meedoen.placements.models import Placement, PlacementStatus

from .defaults import DEFAULT_QUESTIONS, KINDS_ABOUT_ORGANISATION
from .models import (
    SCALE_MAX,
    SCALE_MIN,
    Answer,
    AttentionFlag,
    Evaluation,
    EvaluationKind,
    EvaluationLink,
    Question,
    QuestionSet,
    QuestionType,
    scale_average,
)
from .selectors import evaluation_link_valid, kinds_fillable

POOR_SINGLE = Decimal("2.0")
POOR_ROLLING = Decimal("3.0")
ROLLING_WINDOW = 5
ROLLING_MINIMUM = 3
LINK_DAYS = 30
OPEN_STATES = {PlacementStatus.ACTIVE, PlacementStatus.COMPLETED}


# ---------------------------------------------------------------------------
# Question sets
# ---------------------------------------------------------------------------


@transaction.atomic
def question_set_for(*, region: Region, kind: str) -> QuestionSet:
    """The region's active set of this kind; the default set is created on first use."""
    existing = QuestionSet.objects.filter(region=region, kind=kind, active=True).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            qs = QuestionSet.objects.create(
                region=region,
                kind=kind,
                version=(QuestionSet.objects.filter(region=region, kind=kind).count() + 1),
            )
    except IntegrityError:  # created by a concurrent request
        return QuestionSet.objects.get(region=region, kind=kind, active=True)
    Question.objects.bulk_create(
        [
            Question(
                question_set=qs,
                order=i,
                code=code,
                type=qtype,
                text=text,
                text_en=text_en,
                required=required,
            )
            for i, (code, qtype, text, text_en, required) in enumerate(DEFAULT_QUESTIONS[kind])
        ]
    )
    return qs


OPEN_PREFIX = re.compile(r"^\s*\[(open|text)\]\s*", re.IGNORECASE)


@transaction.atomic
def question_set_replace(*, actor, region: Region, kind: str, lines: str) -> QuestionSet:
    """The broker writes a new version of a set: one question per line, ``[open]`` in
    front of an open question, other lines are scale questions (1–5). Answers already
    given keep the old version."""
    p = principal_for(actor)
    if not (p.is_admin or region.pk in p.broker_region_ids):
        raise ServiceError(_("Only the region's broker can change its questions."))
    if kind not in EvaluationKind.values:
        raise ServiceError(_("Unknown kind of evaluation."))
    questions = []
    for raw in (lines or "").splitlines():
        if not raw.strip():
            continue
        is_open = bool(OPEN_PREFIX.match(raw))
        text = OPEN_PREFIX.sub("", raw).strip()[:300]
        if text:
            questions.append((QuestionType.TEXT if is_open else QuestionType.SCALE, text))
    if not any(t == QuestionType.SCALE for t, _text in questions):
        raise ServiceError(_("A question set needs at least one scale question."))
    if len(questions) > 30:
        raise ServiceError(_("A question set has at most 30 questions."))
    sets = QuestionSet.objects.select_for_update().filter(region=region, kind=kind)
    version = max([s.version for s in sets], default=0) + 1
    sets.filter(active=True).update(active=False)
    qs = QuestionSet.objects.create(region=region, kind=kind, version=version, created_by=actor)
    used: set[str] = set()
    objects = []
    for i, (qtype, text) in enumerate(questions):
        code = slugify(text)[:30] or f"q{i}"
        while code in used:
            code = f"{code[:27]}-{i}"
        used.add(code)
        objects.append(
            Question(
                question_set=qs,
                order=i,
                code=code,
                type=qtype,
                text=text,
                required=qtype == QuestionType.SCALE,
            )
        )
    Question.objects.bulk_create(objects)
    return qs


# ---------------------------------------------------------------------------
# Submitting an evaluation
# ---------------------------------------------------------------------------


def _clean_answers(question_set: QuestionSet, raw: dict) -> list[tuple[Question, int | None, str]]:
    """Validate answers keyed by question id (or code): scale 1–5, text up to 2000."""
    cleaned = []
    for question in question_set.questions.all():
        value = raw.get(question.pk, raw.get(str(question.pk), raw.get(question.code)))
        if question.type == QuestionType.SCALE:
            if value in (None, ""):
                if question.required:
                    raise ServiceError(
                        _("Answer every scaled question (%(question)s).")
                        % {"question": question.label}
                    )
                cleaned.append((question, None, ""))
                continue
            try:
                scale = int(value)
            except (TypeError, ValueError) as exc:
                raise ServiceError(_("A scaled answer is a number from 1 to 5.")) from exc
            if not SCALE_MIN <= scale <= SCALE_MAX:
                raise ServiceError(_("A scaled answer is a number from 1 to 5."))
            cleaned.append((question, scale, ""))
        else:
            text = str(value or "").strip()[:2000]
            if question.required and not text:
                raise ServiceError(
                    _("Answer every question (%(question)s).") % {"question": question.label}
                )
            cleaned.append((question, None, text))
    return cleaned


def _submit(
    *, placement: Placement, kind: str, answers: dict, actor, respondent: str, via_link: bool
) -> Evaluation:
    if placement.status not in OPEN_STATES:
        raise ServiceError(_("Evaluations are filled in during or after an active placement."))
    if Evaluation.objects.filter(placement=placement, kind=kind).exists():
        raise ServiceError(_("This evaluation has already been filled in."))
    region = placement.organisation.region
    question_set = question_set_for(region=region, kind=kind)
    cleaned = _clean_answers(question_set, answers)
    average = scale_average([scale for _q, scale, _t in cleaned if scale is not None])
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(
                placement=placement,
                kind=kind,
                question_set=question_set,
                organisation=placement.organisation,
                vacancy=placement.vacancy,
                average=average,
                submitted_by=actor,
                respondent=(respondent or str(actor or ""))[:254],
                via_link=via_link,
            )
    except IntegrityError as exc:
        raise ServiceError(_("This evaluation has already been filled in.")) from exc
    Answer.objects.bulk_create(
        [
            Answer(evaluation=evaluation, question=q, scale=scale, text=text)
            for q, scale, text in cleaned
        ]
    )
    if kind in KINDS_ABOUT_ORGANISATION:
        _flag_if_poor(evaluation)
    return evaluation


@transaction.atomic
def evaluation_submit(*, actor, placement: Placement, kind: str, answers: dict) -> Evaluation:
    """The student, the coordinator or the organisation (with an account) evaluates."""
    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("student", "organisation__region", "vacancy")
        .get(pk=placement.pk)
    )
    if kind not in kinds_fillable(actor, placement):
        raise ServiceError(_("You may not fill in this evaluation."))
    evaluation = _submit(
        placement=placement, kind=kind, answers=answers, actor=actor, respondent="", via_link=False
    )
    hours_services.placement_complete_if_ready(placement=placement)
    return evaluation


def link_unusable_message() -> str:
    return hours_services.link_unusable_message()


@transaction.atomic
def evaluation_link_send(
    *, actor, placement: Placement, base_url: str | None = None
) -> tuple[EvaluationLink, str]:
    """The coordinator asks the organisation's contact to evaluate the student by link."""
    placement = Placement.objects.select_related("student", "organisation", "vacancy").get(
        pk=placement.pk
    )
    p = principal_for(actor)
    if not (p.is_admin or placement.student.school_id in p.coordinator_school_ids):
        raise ServiceError(_("Only the school's coordinator can send this request."))
    if placement.status not in OPEN_STATES:
        raise ServiceError(_("Evaluations are filled in during or after an active placement."))
    if placement.evaluations.filter(kind=EvaluationKind.ORGANISATION).exists():
        raise ServiceError(_("This evaluation has already been filled in."))
    email = contact_email_for(placement)
    if not email:
        raise ServiceError(_("The organisation has no contact e-mail address."))
    token = secrets.token_urlsafe(32)
    link = EvaluationLink.objects.create(
        token_hash=hash_token(token),
        placement=placement,
        email=email,
        created_by=actor,
        expires_at=timezone.now() + datetime.timedelta(days=LINK_DAYS),
    )
    url = hours_services.absolute_url(
        reverse("evaluations:link", kwargs={"token": token}), base_url
    )
    with translation.override("nl"):
        mail_queue(
            to=[email],
            subject=_("How did %(student)s do? A short evaluation")
            % {"student": placement.student.first_name},
            body=render_to_string(
                "evaluations/mail/evaluate_request.txt",
                {"placement": placement, "url": url, "expires": link.expires_at},
            ),
        )
    return link, token


@transaction.atomic
def evaluation_link_submit(
    *,
    token: str,
    answers: dict,
    respondent: str = "",
    follow_up_role: str = "",
    follow_up_description: str = "",
) -> Evaluation:
    """The organisation's contact evaluates the student through the link (no account);
    optionally offering a follow-up volunteer role. A bad link changes nothing."""
    link = evaluation_link_valid(hash_token(token or ""))
    if link is None:
        raise ServiceError(link_unusable_message())
    link = EvaluationLink.objects.select_for_update().get(pk=link.pk)
    if link.used_at is not None:
        raise ServiceError(link_unusable_message())
    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("student", "organisation__region", "vacancy")
        .get(pk=link.placement_id)
    )
    evaluation = _submit(
        placement=placement,
        kind=EvaluationKind.ORGANISATION,
        answers=answers,
        actor=None,
        respondent=(respondent or link.email),
        via_link=True,
    )
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    if (follow_up_role or "").strip():
        hours_services.follow_up_offer(
            actor=None,
            placement=placement,
            role=follow_up_role,
            description=follow_up_description,
            label=respondent or link.email,
        )
    hours_services.placement_complete_if_ready(placement=placement)
    return evaluation


# ---------------------------------------------------------------------------
# Attention flags
# ---------------------------------------------------------------------------


def _flag_if_poor(evaluation: Evaluation) -> AttentionFlag | None:
    scope = {"organisation": evaluation.organisation, "vacancy": evaluation.vacancy}
    if AttentionFlag.objects.filter(**scope, resolved_at__isnull=True).exists():
        return None
    reason, average = "", evaluation.average
    if average is not None and average <= POOR_SINGLE:
        reason = _("A poor evaluation (average %(avg)s of 5).") % {"avg": average}
    else:
        recent = list(
            Evaluation.objects.filter(**scope, kind__in=list(KINDS_ABOUT_ORGANISATION))
            .exclude(average__isnull=True)
            .order_by("-submitted_at", "-pk")
            .values_list("average", flat=True)[:ROLLING_WINDOW]
        )
        if len(recent) >= ROLLING_MINIMUM:
            rolling = (sum(recent) / len(recent)).quantize(Decimal("0.01"))
            if rolling < POOR_ROLLING:
                reason = _("The last %(n)s evaluations average %(avg)s of 5.") % {
                    "n": len(recent),
                    "avg": rolling,
                }
                average = rolling
    if not reason:
        return None
    return AttentionFlag.objects.create(
        **scope, evaluation=evaluation, reason=reason[:300], average=average
    )


@transaction.atomic
def flag_resolve(*, actor, flag: AttentionFlag, resolution: str) -> AttentionFlag:
    flag = (
        AttentionFlag.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=flag.pk)
    )
    p = principal_for(actor)
    if not (p.is_admin or flag.organisation.region_id in p.broker_region_ids):
        raise ServiceError(_("Only the region's broker can resolve this."))
    if flag.resolved_at is not None:
        raise ServiceError(_("This was resolved already."))
    resolution = (resolution or "").strip()
    if not resolution:
        raise ServiceError(_("Write down what was done about it."))
    flag.resolved_at = timezone.now()
    flag.resolved_by = actor
    flag.resolution = resolution[:2000]
    flag.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    return flag
