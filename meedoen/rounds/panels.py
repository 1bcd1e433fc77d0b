"""Dashboard panels of the matching rounds.

* student: "choose your placements" while a round of theirs is open, their result (and
  the next step) once it is published;
* coordinator: the school's rounds that need attention (open, closed, drafts);
* mentor: per open round, the students of their classes who have not chosen yet;
* broker: the region rounds of their region (figures only);
* coordinator, too: the open region rounds of their region, to enrol a period in, and those
  the school is enrolled in.
"""

from django.db.models import Count, Q

from meedoen.directory.models import Role
from meedoen.students.models import AccessGrant

from .models import Round, RoundStudent
from .selectors import own_entries
from .workflows import RoundStatus

ATTENTION = [RoundStatus.DRAFT, RoundStatus.OPEN, RoundStatus.CLOSED]


def panels(user, principal) -> list[tuple[str, dict]]:
    p = principal
    out = []
    if Role.STUDENT in p.roles:
        entries = list(own_entries(user).annotate(n_choices=Count("choices"))[:3])
        if entries:
            out.append(("rounds/panel_student.html", {"entries": entries}))
    if p.coordinator_school_ids:
        rounds = list(
            Round.objects.filter(school_id__in=p.coordinator_school_ids, status__in=ATTENTION)
            .select_related("school")
            .annotate(
                n_students=Count("participants", distinct=True),
                n_chosen=Count(
                    "participants",
                    filter=Q(participants__choices__isnull=False),
                    distinct=True,
                ),
            )
            .order_by("closes_on", "pk")[:10]
        )
        out.append(("rounds/panel_coordinator.html", {"rounds": rounds}))
    if p.broker_region_ids:
        region_rounds = list(
            Round.objects.filter(school__isnull=True, region_id__in=p.broker_region_ids)
            .exclude(status=RoundStatus.CANCELLED)
            .annotate(
                n_schools=Count(
                    "enrolments",
                    filter=Q(enrolments__withdrawn_at__isnull=True),
                    distinct=True,
                ),
                n_students=Count("participants", distinct=True),
            )
            .order_by("-opens_on", "-pk")[:10]
        )
        out.append(("rounds/panel_broker.html", {"rounds": region_rounds}))
    if p.coordinator_school_ids:
        regions = {m.school.region_id for m in p.memberships if m.role == Role.COORDINATOR}
        joinable = list(
            Round.objects.filter(
                school__isnull=True,
                region_id__in=regions,
                status__in=[RoundStatus.OPEN, RoundStatus.CLOSED, RoundStatus.PUBLISHED],
            )
            .filter(
                Q(status=RoundStatus.OPEN)
                | Q(
                    enrolments__school_id__in=p.coordinator_school_ids,
                    enrolments__withdrawn_at__isnull=True,
                )
            )
            .annotate(
                n_own=Count(
                    "enrolments",
                    filter=Q(
                        enrolments__school_id__in=p.coordinator_school_ids,
                        enrolments__withdrawn_at__isnull=True,
                    ),
                    distinct=True,
                )
            )
            .order_by("closes_on", "pk")[:10]
        )
        if joinable:
            out.append(("rounds/panel_region_school.html", {"rounds": joinable}))
    if Role.MENTOR in p.roles:
        classes = AccessGrant.objects.active().filter(grantee=user, school_class__isnull=False)
        waiting = list(
            RoundStudent.objects.filter(
                round__status=RoundStatus.OPEN,
                student__school_class_id__in=classes.values("school_class_id"),
                choices__isnull=True,
                mediation="",
            )
            .select_related("round", "student__school_class")
            .order_by("round_id", "student__last_name", "student__first_name")[:50]
        )
        if waiting:
            out.append(("rounds/panel_mentor.html", {"waiting": waiting}))
    return out
