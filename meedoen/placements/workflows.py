"""The workflow of a placement, as data.

    proposed ─(organisation accepts)→ accepted ─(school approves)→ approved
    proposed ─(school approves; not for bank applications)→ approved
    approved ─(school issues the agreement)→ agreement_issued ─(last signature)→ signed
    signed ─(school revises the agreement: new version)→ agreement_issued
    signed ─(school activates, or the start date arrives)→ active ─(school)→ completed
    or: declined by the organisation, rejected by the school (with a reason),
    cancelled (student or school), no-show (school or organisation).

``TRANSITIONS`` maps (from, to) to the kinds of actor that may make the change; the
service for each change (``services.placement_<verb>``) checks the table, the actor's
kind for this placement (``access.actor_kinds``) and the change's own rules.
"""

from .models import PlacementStatus as S

STUDENT = "student"
COORDINATOR = "coordinator"  # coordinator of the student's school (or the administrator)
ORGANISATION = "organisation"  # contact of the organisation, or the region's broker for it
SYSTEM = "system"  # the signing link flow and scheduled jobs

TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.PROPOSED, S.ACCEPTED): frozenset({ORGANISATION}),
    (S.PROPOSED, S.DECLINED): frozenset({ORGANISATION}),
    (S.ACCEPTED, S.DECLINED): frozenset({ORGANISATION}),
    (S.PROPOSED, S.APPROVED): frozenset({COORDINATOR}),
    (S.ACCEPTED, S.APPROVED): frozenset({COORDINATOR}),
    (S.PROPOSED, S.REJECTED): frozenset({COORDINATOR}),
    (S.ACCEPTED, S.REJECTED): frozenset({COORDINATOR}),
    (S.APPROVED, S.AGREEMENT_ISSUED): frozenset({COORDINATOR}),
    (S.AGREEMENT_ISSUED, S.SIGNED): frozenset({SYSTEM}),
    (S.SIGNED, S.AGREEMENT_ISSUED): frozenset({COORDINATOR}),
    (S.SIGNED, S.ACTIVE): frozenset({COORDINATOR, SYSTEM}),
    (S.ACTIVE, S.COMPLETED): frozenset({COORDINATOR, SYSTEM}),
    (S.SIGNED, S.NO_SHOW): frozenset({COORDINATOR, ORGANISATION}),
    (S.ACTIVE, S.NO_SHOW): frozenset({COORDINATOR, ORGANISATION}),
    (S.PROPOSED, S.CANCELLED): frozenset({STUDENT, COORDINATOR}),
    (S.ACCEPTED, S.CANCELLED): frozenset({STUDENT, COORDINATOR}),
    (S.APPROVED, S.CANCELLED): frozenset({STUDENT, COORDINATOR}),
    (S.AGREEMENT_ISSUED, S.CANCELLED): frozenset({STUDENT, COORDINATOR}),
    (S.SIGNED, S.CANCELLED): frozenset({STUDENT, COORDINATOR}),
    (S.ACTIVE, S.CANCELLED): frozenset({COORDINATOR}),
}

# The action names of the web page and the API, with the state each one leads to.
ACTIONS: dict[str, str] = {
    "accept": S.ACCEPTED,
    "decline": S.DECLINED,
    "approve": S.APPROVED,
    "reject": S.REJECTED,
    "activate": S.ACTIVE,
    "complete": S.COMPLETED,
    "no_show": S.NO_SHOW,
    "cancel": S.CANCELLED,
}
# Actions that need a reason.
REASON_REQUIRED = {"decline", "reject", "cancel", "no_show"}
# Actions that move every placement of a group together (cancel and no-show are per student).
GROUP_WIDE = {"accept", "decline", "approve", "reject", "activate", "complete"}
FINAL_STATES = {S.COMPLETED, S.DECLINED, S.REJECTED, S.CANCELLED, S.NO_SHOW}


def allowed(from_status: str, to_status: str, kinds: set[str]) -> bool:
    return bool(TRANSITIONS.get((from_status, to_status), frozenset()) & kinds)


def actions_for(status: str, kinds: set[str]) -> list[str]:
    """The actions these kinds of actor may take on a placement in ``status``."""
    return [name for name, target in ACTIONS.items() if allowed(status, target, kinds)]
