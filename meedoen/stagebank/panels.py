"""Dashboard panels of the placement bank: an organisation's offers, the broker's queue."""

from django.db.models import Count

from .selectors import vacancies_managed_by, vacancies_reviewable_by
from .workflows import VacancyStatus


def panels(user, principal) -> list[tuple[str, dict]]:
    out = []
    if principal.organisation_ids:
        offers = (
            vacancies_managed_by(user)
            .filter(organisation_id__in=principal.organisation_ids)
            .exclude(status=VacancyStatus.ARCHIVED)
            .defer("search_vector")
            .order_by("status", "-updated_at")
        )
        out.append(("stagebank/_panel_offers.html", {"offers": offers[:50]}))
    if principal.is_admin or principal.broker_region_ids:
        waiting = vacancies_reviewable_by(user).filter(status=VacancyStatus.SUBMITTED)
        counts = dict(
            vacancies_reviewable_by(user)
            .order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        out.append(
            (
                "stagebank/_panel_review.html",
                {
                    "waiting": waiting.count(),
                    "published": counts.get(VacancyStatus.PUBLISHED, 0),
                },
            )
        )
    return out
