"""The workflow of a matching round, as data.

    draft ─(open)→ open ─(close)→ closed ─(publish)→ published
                     ↑______(reopen)______|
    draft, open, closed ─(cancel)→ cancelled

A *draft* is being prepared (students, offers, number of choices, dates). While *open*,
students (and their mentors with them) rank offers between the opening and closing dates.
When *closed*, the coordinator runs the engine, compares, adjusts and finally *publishes*
one run: only then do placements exist. Publishing is final; a second round for the
students left without a place is a new round (``follow_up_of``).

``TRANSITIONS`` maps (from, to) to who may make the change: ``school`` is the coordinator
of the round's school (or the administrator).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for choices")
    CLOSED = "closed", _("Closed: results being prepared")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


S = RoundStatus
SCHOOL = "school"

TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.DRAFT, S.OPEN): frozenset({SCHOOL}),
    (S.OPEN, S.CLOSED): frozenset({SCHOOL}),
    (S.CLOSED, S.OPEN): frozenset({SCHOOL}),
    (S.CLOSED, S.PUBLISHED): frozenset({SCHOOL}),  # only through ``round_publish``
    (S.DRAFT, S.CANCELLED): frozenset({SCHOOL}),
    (S.OPEN, S.CANCELLED): frozenset({SCHOOL}),
    (S.CLOSED, S.CANCELLED): frozenset({SCHOOL}),
}
# States in which the round's settings, students and offers may still change.
EDITABLE = {S.DRAFT, S.OPEN}
# States in which students, mentors and the broker see the round at all.
VISIBLE_TO_PARTICIPANTS = {S.OPEN, S.CLOSED, S.PUBLISHED}
# States in which the engine may run.
RUNNABLE = {S.CLOSED}

# The button of each plain change (publishing has its own form), for pages and the API.
ACTIONS: dict[str, str] = {
    "open": S.OPEN,
    "close": S.CLOSED,
    "reopen": S.OPEN,
    "cancel": S.CANCELLED,
}
ACTION_LABELS = {
    "open": _("Open for choices"),
    "close": _("Close the round"),
    "reopen": _("Reopen for choices"),
    "cancel": _("Cancel the round"),
}


def allowed(from_status: str, to_status: str, sides: set[str]) -> bool:
    return bool(TRANSITIONS.get((from_status, to_status), frozenset()) & sides)


def actions_for(status: str, sides: set[str]) -> list[str]:
    out = []
    for name, target in ACTIONS.items():
        if name == "reopen" and status != S.CLOSED:
            continue
        if name == "open" and status != S.DRAFT:
            continue
        if allowed(status, target, sides):
            out.append(name)
    return out
