"""Reads of placements, scoped by the access policy.

``placements_visible_to`` and ``placements_sharing_with`` are used by the core policy;
``placement_is_active`` is the one question the hours app asks (hours can be logged only
on an active placement).
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from meedoen.core.policy import principal_for

from .models import (
    ORGANISATION_VISIBLE_STATES,
    Agreement,
    Party,
    Placement,
    PlacementStatus,
    SignatureRequest,
    Source,
)

S = PlacementStatus


def placements_visible_to(user) -> QuerySet[Placement]:
    p = principal_for(user)
    if p.is_admin:
        return Placement.objects.all()
    if not p.roles:
        return Placement.objects.none()
    condition = Q(student__school_id__in=p.coordinator_school_ids)
    condition |= Q(organisation_id__in=p.organisation_ids, status__in=ORGANISATION_VISIBLE_STATES)
    if getattr(user, "pk", None):
        condition |= Q(student__user_id=user.pk)
    return Placement.objects.filter(condition)


def placements_sharing_with(organisation_ids: set[int], student) -> bool | None:
    """None: the organisations have no visible placement of this student.
    True/False: they have one, and whether the school shared support needs on it."""
    rows = list(
        Placement.objects.filter(
            student=student,
            organisation_id__in=organisation_ids,
            status__in=ORGANISATION_VISIBLE_STATES,
        ).values_list("share_support_needs", flat=True)
    )
    if not rows:
        return None
    return any(rows)


def placement_is_active(placement: Placement | int) -> bool:
    """May hours be logged on this placement? Only while it is active."""
    pk = placement.pk if isinstance(placement, Placement) else placement
    return Placement.objects.filter(pk=pk, status=S.ACTIVE).exists()


def status_counts(placements: QuerySet[Placement]) -> dict[str, int]:
    rows = placements.order_by().values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def agreement_of(placement: Placement) -> Agreement | None:
    if placement.group_id:
        return Agreement.objects.filter(group_id=placement.group_id).first()
    return Agreement.objects.filter(placement=placement).first()


def current_version(agreement: Agreement | None):
    if agreement is None:
        return None
    return agreement.versions.order_by("-number").first()


def signature_rows(version, *, student_id: int | None = None) -> list[SignatureRequest]:
    """The requests of a version, with a ``display_state`` for the page."""
    if version is None:
        return []
    rows = list(version.signature_requests.exclude(requirement="withdrawn").order_by("pk"))
    if student_id is not None:
        rows = [r for r in rows if r.student_id in (None, student_id)]
    met = {r.requirement for r in rows if r.signed_at}
    now = timezone.now()
    for r in rows:
        state = r.state(now)
        if state != "signed" and r.requirement in met:
            state = "not_needed"
        r.display_state = state
    return rows


PARTY_WAITING = {
    Party.STUDENT: _("student"),
    Party.GUARDIAN: _("parent"),
    Party.ORGANISATION: _("organisation"),
    Party.SCHOOL: _("school"),
}


def waiting_for(placement: Placement, pending: dict[int, set[str]] | None = None) -> str:
    """Whom the placement is waiting for, in a few words."""
    status = placement.status
    if status == S.PROPOSED:
        if placement.source == Source.BANK:
            return _("organisation: accept or decline")
        return _("school: approve or reject")
    if status == S.ACCEPTED:
        return _("school: approve or reject")
    if status == S.APPROVED:
        return _("school: issue the agreement")
    if status == S.AGREEMENT_ISSUED:
        parties = (pending or {}).get(placement.pk)
        if parties:
            labels = [str(PARTY_WAITING[Party(p)]) for p in Party.values if p in parties]
            return _("signatures: %(parties)s") % {"parties": ", ".join(labels)}
        return _("signatures")
    if status == S.SIGNED:
        return _("school: activate")
    if status == S.ACTIVE:
        return _("student: hours and completion")
    return "—"


def pending_parties(placements: list[Placement]) -> dict[int, set[str]]:
    """For placements waiting for signatures: which parties have not signed yet."""
    waiting = [p for p in placements if p.status == S.AGREEMENT_ISSUED]
    if not waiting:
        return {}
    by_group = {p.group_id: p for p in waiting if p.group_id}
    singles = {p.pk: p for p in waiting if not p.group_id}
    requests = SignatureRequest.objects.filter(
        version__superseded_at__isnull=True,
    ).exclude(requirement="withdrawn")
    requests = requests.filter(
        Q(version__agreement__placement_id__in=list(singles))
        | Q(version__agreement__group_id__in=list(by_group))
    ).values_list(
        "version__agreement__placement_id",
        "version__agreement__group_id",
        "student_id",
        "party",
        "requirement",
        "signed_at",
    )
    met: set[tuple] = set()
    rows = list(requests)
    for placement_id, group_id, _student, _party, requirement, signed in rows:
        if signed:
            met.add((placement_id, group_id, requirement))
    out: dict[int, set[str]] = {}
    for placement_id, group_id, student_id, party, requirement, _signed in rows:
        if (placement_id, group_id, requirement) in met:
            continue
        if placement_id:
            out.setdefault(placement_id, set()).add(party)
        else:
            for p in waiting:
                if p.group_id == group_id and (student_id is None or student_id == p.student_id):
                    out.setdefault(p.pk, set()).add(party)
    return out


def organisation_incoming(user) -> QuerySet[Placement]:
    """The organisation's students: applying, coming, here now (not those finished)."""
    p = principal_for(user)
    return (
        placements_visible_to(user)
        .filter(organisation_id__in=p.organisation_ids)
        .exclude(status=S.COMPLETED)
        .select_related("student", "student__school", "organisation", "vacancy", "group")
        .order_by("start_date", "student__last_name")
    )
