"""Dashboard panel: what the school's placements are waiting for."""

from meedoen.core.policy import principal_for

from .models import PlacementStatus
from .selectors import placements_visible_to, status_counts

S = PlacementStatus
WAITING = [S.PROPOSED, S.ACCEPTED, S.APPROVED, S.AGREEMENT_ISSUED, S.SIGNED]


def panels(user, principal) -> list[tuple[str, dict]]:
    p = principal or principal_for(user)
    if not p.coordinator_school_ids or p.is_admin:
        return []
    counts = status_counts(
        placements_visible_to(user).filter(student__school_id__in=p.coordinator_school_ids)
    )
    rows = [(s.value, s.label, counts.get(s.value, 0)) for s in WAITING]
    return [("placements/panel.html", {"rows": rows})]
