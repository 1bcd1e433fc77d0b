"""Pages of the matching rounds (namespace ``rounds``).

Every page fetches its round through the scoped selectors (forbidden looks like missing:
404) and calls one service for a change; refusals come back as a message on the page.
Choosing works with plain forms (add, up, down, remove), so it works without JavaScript
and on a phone.

Region rounds use the same pages: the broker owns them (settings, state, runs, figures,
publishing) but sees students only where a school granted them; each enrolled school's
coordinator sees, adjusts and reads the odds of their own students, and enrols or
withdraws a period on the round's page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meedoen.core.audit import audit_record
from meedoen.core.errors import ServiceError
from meedoen.core.models import AuditEvent
from meedoen.core.policy import access_or_404, principal_for
from meedoen.directory.models import Role
from meedoen.directory.selectors import schools_managed_by
from meedoen.planning.selectors import periods_managed_by
from meedoen.stagebank.models import Vacancy
from meedoen.students.models import GuidanceLevel

from . import presenters, services
from . import workflows as wf
from .engine_input import round_odds
from .forms import EnrolForm, FollowUpForm, RegionRoundCreateForm, RoundCreateForm, RoundEditForm
from .models import Mediation, Mode, Round, RoundEnrolment, RoundRun, RoundStudent
from .selectors import (
    candidate_offers,
    choices_by_entry,
    enrollable_periods,
    enrolments_of,
    entries_managed_by,
    entries_visible_to,
    entry_for_choosing,
    entry_problems,
    is_broker_for,
    latest_runs,
    manages,
    manages_entry,
    region_round_figures,
    round_offers,
    rounds_managed_by,
    rounds_reviewed_by,
    rounds_visible_to,
    run_figures,
)

ROUND_PAGE_ROLES = {Role.COORDINATOR, Role.MENTOR, Role.STUDENT, Role.BROKER, Role.ADMIN}


def _visible(request: HttpRequest, pk: int) -> Round:
    return access_or_404(
        rounds_visible_to(request.user).select_related("school__region", "period__cohort"), pk=pk
    )


def _managed(request: HttpRequest, pk: int) -> Round:
    return access_or_404(
        rounds_managed_by(request.user).select_related("school__region", "period__cohort"), pk=pk
    )


def _reviewed(request: HttpRequest, pk: int) -> Round:
    return access_or_404(
        rounds_reviewed_by(request.user).select_related("school__region", "period__cohort"), pk=pk
    )


def _refused(request: HttpRequest, exc: ServiceError) -> None:
    messages.error(request, exc.messages[0])


# ---------------------------------------------------------------------------
# Rounds
# ---------------------------------------------------------------------------


@login_required
@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    p = principal_for(request.user)
    if not p.roles & ROUND_PAGE_ROLES:
        raise Http404
    rounds = (
        rounds_visible_to(request.user)
        .select_related("school", "period__cohort", "region")
        .order_by("-opens_on", "-pk")[:200]
    )
    return render(
        request,
        "rounds/list.html",
        {
            "rounds": rounds,
            "can_create": bool(p.coordinator_school_ids) or p.is_admin,
            "can_create_region": bool(p.broker_region_ids) or p.is_admin,
        },
    )


def _broker_regions(user):
    from meedoen.directory.models import Region

    p = principal_for(user)
    if p.is_admin:
        return Region.objects.all()
    return Region.objects.filter(pk__in=p.broker_region_ids)


@login_required
@require_http_methods(["GET", "POST"])
def region_round_create(request: HttpRequest) -> HttpResponse:
    """The broker opens a round for the whole region (as a draft)."""
    regions = list(_broker_regions(request.user).order_by("name", "pk")[:2])
    if not regions:
        raise Http404
    form = RegionRoundCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rnd = services.region_round_create(
                actor=request.user, region=regions[0], **form.cleaned_data
            )
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The region round was created as a draft."))
            return redirect("rounds:detail", pk=rnd.pk)
    return render(
        request,
        "rounds/form.html",
        {"form": form, "title": _("New region round"), "region_round": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest) -> HttpResponse:
    if not schools_managed_by(request.user).exists():
        raise Http404
    periods = (
        periods_managed_by(request.user).select_related("cohort", "school").order_by("start_date")
    )
    form = RoundCreateForm(request.POST or None, periods=periods)
    if request.method == "POST" and form.is_valid():
        try:
            rnd = services.round_create(actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The round was created as a draft."))
            return redirect("rounds:detail", pk=rnd.pk)
    return render(request, "rounds/form.html", {"form": form, "title": _("New matching round")})


@login_required
@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _visible(request, pk)
    is_manager = manages(request.user, rnd)
    managed_ids = set(entries_managed_by(request.user, rnd).values_list("pk", flat=True))
    entries = list(
        entries_visible_to(request.user, rnd)
        .select_related(
            "student__school_class",
            "student__user",
            "result_vacancy__organisation",
            "mediation_placement__organisation",
        )
        .order_by("student__last_name", "student__first_name", "pk")
    )
    chosen = choices_by_entry(entries)
    for e in entries:
        e.chosen = chosen[e.pk]
        e.managed = e.pk in managed_ids
    own = next((e for e in entries if e.student.user_id == request.user.pk), None)
    titles = presenters.offer_titles(rnd)
    context = {
        "round": rnd,
        "is_manager": is_manager,
        "is_broker": is_broker_for(request.user, rnd),
        "can_choose_others": bool(managed_ids) or Role.MENTOR in principal_for(request.user).roles,
        "handles_students": bool(managed_ids),
        "reviewer": rounds_reviewed_by(request.user).filter(pk=rnd.pk).exists(),
        "entries": entries,
        "not_chosen": [e for e in entries if not e.chosen and not e.in_mediation],
        "own": own,
        "choosing_problem": services.choosing_problem(rnd),
        "offers_count": rnd.offers.count(),
        "published": rnd.status == wf.RoundStatus.PUBLISHED,
    }
    if own is not None and rnd.status == wf.RoundStatus.PUBLISHED:
        context["own_lines"] = presenters.explanation_lines(own.explanation, titles)
        context["own_next"] = presenters.next_step_text(own)
    if rnd.is_region_round:
        p = principal_for(request.user)
        context["enrolments"] = list(enrolments_of(rnd, request.user))
        for en in context["enrolments"]:
            own_school = p.is_admin or en.school_id in p.coordinator_school_ids
            en.can_withdraw = rnd.status == wf.RoundStatus.OPEN and own_school
            en.can_follow_up = rnd.status == wf.RoundStatus.PUBLISHED and own_school
        if any(en.can_follow_up for en in context["enrolments"]):
            context["region_follow_up_form"] = FollowUpForm()
        if rnd.status == wf.RoundStatus.OPEN:
            periods = enrollable_periods(request.user, rnd)
            if periods.exists():
                context["enrol_form"] = EnrolForm(periods=periods)
        if is_manager:
            context["figures"] = region_round_figures(rnd)
    if is_manager:
        context["actions"] = [
            (a, wf.ACTION_LABELS[a]) for a in wf.actions_for(rnd.status, {wf.SCHOOL})
        ]
        context["runs"] = list(rnd.runs.select_related("created_by")[:20])
        context["events"] = list(rnd.events.select_related("actor"))
        context["modes"] = Mode.choices
        context["follow_up_form"] = None if rnd.is_region_round else FollowUpForm()
    if managed_ids:
        needing = [
            e
            for e in entries
            if e.managed
            and (
                e.student.guidance_level != GuidanceLevel.STANDARD
                or (context["published"] and not e.result_placement_id)
                or e.in_mediation
            )
        ]
        # Showing who needs extra guidance is a read of a sensitive field: audited, in
        # one query for the whole list.
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    actor=request.user,
                    action=AuditEvent.Action.VIEW,
                    object_type=e.student._meta.label_lower,
                    object_id=str(e.student_id),
                    fields=["guidance_level"],
                )
                for e in needing
                if e.student.guidance_level != GuidanceLevel.STANDARD
            ]
        )
        context["needing"] = needing
    elif context["is_broker"]:
        context["routed"] = [e for e in entries if e.mediation == Mediation.ROUTED]
        context["routed_hidden"] = RoundStudent.objects.filter(
            round=rnd, mediation=Mediation.ROUTED
        ).count() - len(context["routed"])
    return render(request, "rounds/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _managed(request, pk)
    if rnd.status not in wf.EDITABLE:
        messages.error(request, _("This round can no longer be changed."))
        return redirect("rounds:detail", pk=rnd.pk)
    current = list(round_offers(rnd))
    candidates = {v.pk: v for v in [*current, *candidate_offers(rnd)]}
    choices = [
        (v.pk, f"{v.title} · {v.organisation.name} · {v.capacity}")
        for v in sorted(candidates.values(), key=lambda v: (v.title, v.pk))
    ]
    initial = {
        "name": rnd.name,
        "max_choices": rnd.max_choices,
        "opens_on": rnd.opens_on,
        "closes_on": rnd.closes_on,
        "offers": [v.pk for v in current],
        "years": rnd.years,
    }
    form = RoundEditForm(
        request.POST or None,
        initial=initial,
        offer_choices=choices,
        region_round=rnd.is_region_round,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.round_update(
                actor=request.user,
                round=rnd,
                name=data["name"],
                max_choices=data["max_choices"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                offer_ids=data["offers"],
                years=data.get("years"),
            )
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The round was saved."))
            return redirect("rounds:detail", pk=rnd.pk)
    return render(
        request, "rounds/form.html", {"form": form, "round": rnd, "title": _("Change the round")}
    )


@login_required
@require_POST
def round_transition(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _managed(request, pk)
    try:
        services.round_transition(
            actor=request.user, round=rnd, action=request.POST.get("action", "")
        )
    except ServiceError as exc:
        _refused(request, exc)
    return redirect("rounds:detail", pk=rnd.pk)


# ---------------------------------------------------------------------------
# Choosing
# ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def choose(request: HttpRequest, pk: int, student_pk: int) -> HttpResponse:
    rnd = _visible(request, pk)
    try:
        entry = entry_for_choosing(request.user, rnd, student_pk)
    except (RoundStudent.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    entry.round = rnd
    url = reverse("rounds:choose", kwargs={"pk": rnd.pk, "student_pk": entry.student_id})
    if request.method == "POST":
        try:
            services.choice_change(
                actor=request.user,
                entry=entry,
                action=request.POST.get("action", ""),
                vacancy_id=request.POST.get("vacancy"),
            )
        except ServiceError as exc:
            _refused(request, exc)
        return redirect(f"{url}#list")
    chosen = choices_by_entry([entry])[entry.pk]
    chosen_ids = {c.vacancy_id for c in chosen}
    offers = []
    for v in round_offers(rnd):
        if v.pk in chosen_ids:
            continue
        v.problems = entry_problems(entry, v)
        offers.append(v)
    return render(
        request,
        "rounds/choose.html",
        {
            "round": rnd,
            "entry": entry,
            "chosen": chosen,
            "offers": offers,
            "full": len(chosen) >= rnd.max_choices,
            "problem": services.choosing_problem(rnd)
            or (_("This student is placed through mediation.") if entry.in_mediation else None),
            "is_self": entry.student.user_id == request.user.pk,
        },
    )


# ---------------------------------------------------------------------------
# Mediation
# ---------------------------------------------------------------------------


@login_required
@require_POST
def mediation_route(request: HttpRequest, pk: int, student_pk: int) -> HttpResponse:
    rnd = _visible(request, pk)
    entry = access_or_404(entries_managed_by(request.user, rnd), student_id=student_pk)
    try:
        services.mediation_route(
            actor=request.user, entry=entry, routed=request.POST.get("routed") != "0"
        )
    except ServiceError as exc:
        _refused(request, exc)
    return redirect("rounds:detail", pk=rnd.pk)


@login_required
@require_http_methods(["GET", "POST"])
def mediate(request: HttpRequest, pk: int, student_pk: int) -> HttpResponse:
    """The broker (with the school's grant) or the coordinator places a routed student."""
    rnd = _visible(request, pk)
    entry = access_or_404(
        entries_visible_to(request.user, rnd).select_related(
            "student__school_class__cohort",
            "student__school",
            "mediation_placement",
            "enrolment__period",
        ),
        student_id=student_pk,
    )
    entry.round = rnd
    if not (manages_entry(request.user, entry) or is_broker_for(request.user, rnd)):
        raise Http404
    if request.method == "POST":
        vacancy = Vacancy.objects.filter(pk=request.POST.get("vacancy") or 0).first()
        if vacancy is None:
            messages.error(request, _("Choose an offer."))
        else:
            try:
                services.mediation_place(actor=request.user, entry=entry, vacancy=vacancy)
            except ServiceError as exc:
                _refused(request, exc)
            else:
                messages.success(request, _("The student has been placed."))
                return redirect("rounds:detail", pk=rnd.pk)
        return redirect("rounds:mediate", pk=rnd.pk, student_pk=entry.student_id)
    audit_record(actor=request.user, action="view", obj=entry.student, fields=["guidance_level"])
    entry.round = rnd
    return render(
        request,
        "rounds/mediate.html",
        {"round": rnd, "entry": entry, "offers": services.mediation_offers(entry)},
    )


# ---------------------------------------------------------------------------
# Runs, review, odds, publishing
# ---------------------------------------------------------------------------


@login_required
@require_POST
def run(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _managed(request, pk)
    try:
        services.round_run(actor=request.user, round=rnd, mode=request.POST.get("mode", ""))
    except ServiceError as exc:
        _refused(request, exc)
        return redirect("rounds:detail", pk=rnd.pk)
    return redirect("rounds:review", pk=rnd.pk)


def _run_view(rnd: Round, run: RoundRun | None, names: dict[int, str], max_rank):
    """A run's figures; of the students without a place only those the person may see by
    name (``names``), the others counted."""
    if run is None:
        return None
    hist = run.stats.get("rank_histogram", {})
    unassigned = [int(s) for s, o in run.assignment.items() if o is None]
    return {
        "run": run,
        "hist": [(str(r), hist.get(str(r), 0)) for r in range(1, max_rank + 1)]
        + ([("other", hist["other"])] if "other" in hist else []),
        "unassigned": sorted(names[s] for s in unassigned if s in names),
        "unassigned_hidden": sum(1 for s in unassigned if s not in names),
        "figures": run_figures(rnd, run) if rnd.is_region_round else None,
    }


@login_required
@require_GET
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """The two modes side by side, the hand adjustments and publishing. In a region round
    the broker sees the figures (and granted students), each school its own students."""
    rnd = _reviewed(request, pk)
    runs = latest_runs(rnd)
    managed_ids = set(entries_managed_by(request.user, rnd).values_list("pk", flat=True))
    entries = list(
        entries_visible_to(request.user, rnd)
        .select_related("student__school_class", "student__school")
        .order_by("student__last_name", "student__first_name")
    )
    for e in entries:
        e.managed = e.pk in managed_ids
    names = {e.student_id: e.student.full_name for e in entries}
    titles = presenters.offer_titles(rnd)
    da, opt = runs.get(Mode.DA), runs.get(Mode.OPTIMAL)
    rows = []
    for e in entries:
        key = str(e.student_id)
        cells = []
        for r in (da, opt):
            if r is None or key not in r.assignment:
                cells.append(None)
            else:
                offer = r.assignment[key]
                cells.append(
                    {
                        "title": titles.get(offer, "") if offer else "",
                        "rank": r.ranks.get(key),
                        "adjusted": r.explanations.get(key, {}).get("adjusted", False),
                    }
                )
        rows.append({"entry": e, "cells": cells})
    offer_choices = sorted(titles.items(), key=lambda kv: kv[1])
    return render(
        request,
        "rounds/review.html",
        {
            "round": rnd,
            "columns": [
                (Mode.DA.label, _run_view(rnd, da, names, rnd.max_choices)),
                (Mode.OPTIMAL.label, _run_view(rnd, opt, names, rnd.max_choices)),
            ],
            "rows": rows,
            "adjustable": [row for row in rows if row["entry"].managed],
            "runs": [r for r in (da, opt) if r is not None],
            "offer_choices": offer_choices,
            "modes": Mode.choices,
            "can_act": rnd.status == wf.RoundStatus.CLOSED,
            "is_manager": manages(request.user, rnd),
        },
    )


@login_required
@require_POST
def adjust(request: HttpRequest, pk: int) -> HttpResponse:
    run_ = access_or_404(RoundRun.objects.filter(round__in=rounds_reviewed_by(request.user)), pk=pk)
    try:
        services.run_adjust(
            actor=request.user,
            run=run_,
            student_id=request.POST.get("student", ""),
            vacancy_id=request.POST.get("vacancy") or None,
        )
    except ServiceError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The run was adjusted."))
    return redirect("rounds:review", pk=run_.round_id)


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _managed(request, pk)
    run_ = RoundRun.objects.filter(round=rnd, pk=request.POST.get("run") or 0).first()
    if run_ is None:
        messages.error(request, _("Choose the run to publish."))
        return redirect("rounds:review", pk=rnd.pk)
    try:
        services.round_publish(actor=request.user, round=rnd, run=run_)
    except ServiceError as exc:
        _refused(request, exc)
        return redirect("rounds:review", pk=rnd.pk)
    messages.success(request, _("The results are published; the students have been told."))
    return redirect("rounds:detail", pk=rnd.pk)


@login_required
@require_GET
def odds(request: HttpRequest, pk: int) -> HttpResponse:
    """How much the lottery decides, per student, in words a parent understands. The odds
    are of the whole round; the rows only of the students the person may see."""
    rnd = _reviewed(request, pk)
    data, probabilities = round_odds(rnd)
    visible = set(entries_visible_to(request.user, rnd).values_list("pk", flat=True))
    rows = []
    for e in sorted(data.entries, key=lambda e: (e.student.last_name, e.student.first_name)):
        row = probabilities.get(e.student_id, {})
        rows.append(
            {
                "entry": e,
                "sentences": presenters.odds_sentences(row, rnd.max_choices),
                "first": row.get("1", 0.0),
                "none": row.get("none", 0.0),
            }
        )
    decided = sum(1 for r in rows if 0 < r["first"] < 1 or 0 < r["none"] < 1)
    rows = [r for r in rows if r["entry"].pk in visible]
    return render(
        request,
        "rounds/odds.html",
        {
            "round": rnd,
            "rows": rows,
            "decided_by_lottery": decided,
            "is_manager": manages(request.user, rnd),
        },
    )


@login_required
@require_POST
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    """A second round: of a school round by its coordinator; after a region round each
    enrolled school's coordinator opens one for their period's students without a place."""
    rnd = _reviewed(request, pk)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the dates between which students can choose."))
        return redirect("rounds:detail", pk=rnd.pk)
    period = None
    if rnd.is_region_round and request.POST.get("period"):
        period = periods_managed_by(request.user).filter(pk=request.POST["period"]).first()
        if period is None:
            raise Http404
    try:
        second = services.round_follow_up(
            actor=request.user, round=rnd, period=period, **form.cleaned_data
        )
    except ServiceError as exc:
        _refused(request, exc)
        return redirect("rounds:detail", pk=rnd.pk)
    messages.success(request, _("The second round was created as a draft."))
    return redirect("rounds:detail", pk=second.pk)


# ---------------------------------------------------------------------------
# Region rounds: a school enrols a period, or withdraws it
# ---------------------------------------------------------------------------


@login_required
@require_POST
def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator enrols one of the school's periods in an open region round."""
    rnd = _visible(request, pk)
    p = principal_for(request.user)
    if not rnd.is_region_round or not (p.coordinator_school_ids or p.is_admin):
        raise Http404
    form = EnrolForm(request.POST, periods=periods_managed_by(request.user))
    if not form.is_valid():
        messages.error(request, _("Choose one of your school's internship periods."))
        return redirect("rounds:detail", pk=rnd.pk)
    try:
        services.round_enrol(actor=request.user, round=rnd, period=form.cleaned_data["period"])
    except ServiceError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The period takes part in the region round."))
    return redirect("rounds:detail", pk=rnd.pk)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator takes the school's period out of the region round before it closes."""
    p = principal_for(request.user)
    enrolments = RoundEnrolment.objects.filter(withdrawn_at__isnull=True)
    if not p.is_admin:
        enrolments = enrolments.filter(school_id__in=p.coordinator_school_ids)
    enrolment = access_or_404(enrolments, pk=pk)
    try:
        services.round_withdraw(actor=request.user, enrolment=enrolment)
    except ServiceError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The period no longer takes part in the region round."))
    return redirect("rounds:detail", pk=enrolment.round_id)
