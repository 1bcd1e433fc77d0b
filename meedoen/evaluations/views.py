"""Pages of the evaluations app: the three evaluations of a placement (by account or,
for the organisation, by link), the broker's figures and flags, the organisation's
anonymous feedback, and the region's question sets."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meedoen.core.errors import ServiceError
from meedoen.core.policy import access_or_404, principal_for
from meedoen.directory.models import Region
from meedoen.hours.selectors import hash_token, students_managed_by
from meedoen.placements.models import Placement

from . import selectors, services
from .forms import EvaluationForm, LinkEvaluationForm, QuestionSetForm, ResolveForm
from .models import Evaluation, EvaluationKind


@login_required
@require_GET
def placement_evaluations(request: HttpRequest, pk: int) -> HttpResponse:
    placement = access_or_404(
        selectors.placements_for_evaluation(request.user).select_related("student", "organisation"),
        pk=pk,
    )
    visible = selectors.kinds_visible(request.user, placement)
    fillable = selectors.kinds_fillable(request.user, placement)
    done = {
        e.kind: e
        for e in Evaluation.objects.filter(placement=placement, kind__in=visible)
        .select_related("question_set")
        .prefetch_related("answers__question")
    }
    rows = [
        {"kind": kind, "label": kind.label, "evaluation": done.get(kind.value),
         "may_fill": kind.value in fillable and kind.value not in done}
        for kind in EvaluationKind
        if kind.value in visible or kind.value in fillable
    ]  # fmt: skip
    p = principal_for(request.user)
    manages = p.is_admin or placement.student.school_id in p.coordinator_school_ids
    return render(
        request,
        "evaluations/placement.html",
        {
            "placement": placement,
            "rows": rows,
            "may_request_link": manages
            and EvaluationKind.ORGANISATION.value not in done
            and placement.status in services.OPEN_STATES,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def fill(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    placement = access_or_404(
        selectors.placements_for_evaluation(request.user).select_related(
            "student", "organisation__region"
        ),
        pk=pk,
    )
    if kind not in selectors.kinds_fillable(request.user, placement):
        raise Http404
    question_set = services.question_set_for(region=placement.organisation.region, kind=kind)
    form = EvaluationForm(request.POST or None, question_set=question_set)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_submit(
                actor=request.user, placement=placement, kind=kind, answers=form.answers()
            )
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Thank you, your evaluation has been saved."))
            return redirect("evaluations:placement", pk=placement.pk)
    return render(
        request,
        "evaluations/fill.html",
        {"form": form, "placement": placement, "kind": EvaluationKind(kind)},
    )


@login_required
@require_POST
def request_link(request: HttpRequest, pk: int) -> HttpResponse:
    placement = access_or_404(
        Placement.objects.filter(student__in=students_managed_by(request.user)), pk=pk
    )
    try:
        services.evaluation_link_send(
            actor=request.user, placement=placement, base_url=request.build_absolute_uri("/")
        )
    except ServiceError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("The organisation has been asked for its evaluation."))
    return redirect("evaluations:placement", pk=placement.pk)


@never_cache
@require_http_methods(["GET", "POST"])
def link(request: HttpRequest, token: str) -> HttpResponse:
    """The organisation's contact evaluates the student without an account."""
    valid = selectors.evaluation_link_valid(hash_token(token or ""))
    if valid is None:
        return _neutral(request)
    placement = valid.placement
    question_set = services.question_set_for(
        region=placement.organisation.region, kind=EvaluationKind.ORGANISATION
    )
    form = LinkEvaluationForm(request.POST or None, question_set=question_set)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_link_submit(
                token=token,
                answers=form.answers(),
                respondent=form.cleaned_data["respondent"],
                follow_up_role=form.cleaned_data["follow_up_role"],
                follow_up_description=form.cleaned_data["follow_up_description"],
            )
        except ServiceError as exc:
            if exc.messages[0] == services.link_unusable_message():
                return _neutral(request)
            form.add_error(None, exc)
        else:
            return render(request, "evaluations/link_done.html")
    return render(
        request,
        "evaluations/link.html",
        {"form": form, "placement": placement, "link": valid},
    )


def _neutral(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "hours/link_unusable.html",
        {"message": services.link_unusable_message()},
        status=404,
    )


def _broker_regions(request: HttpRequest):
    p = principal_for(request.user)
    if p.is_admin:
        return Region.objects.all()
    if not p.broker_region_ids:
        raise Http404
    return Region.objects.filter(pk__in=p.broker_region_ids)


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    _broker_regions(request)
    organisations = selectors.organisations_evaluated_for(request.user).order_by("name")
    return render(
        request,
        "evaluations/overview.html",
        {
            "summaries": selectors.organisation_summaries(organisations),
            "flags": selectors.flags_visible_to(request.user)
            .filter(resolved_at__isnull=True)
            .select_related("organisation", "vacancy")[:200],
        },
    )


@login_required
@require_GET
def organisation_report(request: HttpRequest, pk: int) -> HttpResponse:
    _broker_regions(request)
    organisation = access_or_404(selectors.organisations_evaluated_for(request.user), pk=pk)
    return render(
        request,
        "evaluations/organisation.html",
        {
            "organisation": organisation,
            "groups": selectors.organisation_report(organisation),
            "flags": selectors.flags_visible_to(request.user)
            .filter(organisation=organisation)
            .select_related("vacancy"),
            "resolve_form": ResolveForm(),
        },
    )


@login_required
@require_POST
def flag_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    flag = access_or_404(selectors.flags_visible_to(request.user), pk=pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write down what was done about it."))
    else:
        try:
            services.flag_resolve(
                actor=request.user, flag=flag, resolution=form.cleaned_data["resolution"]
            )
        except ServiceError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("Marked as resolved."))
    return redirect("evaluations:organisation", pk=flag.organisation_id)


@login_required
@require_GET
def feedback(request: HttpRequest) -> HttpResponse:
    p = principal_for(request.user)
    if not p.organisation_ids:
        raise Http404
    return render(
        request,
        "evaluations/feedback.html",
        {"feedback": selectors.organisation_feedback(p.organisation_ids)},
    )


@login_required
@require_GET
def question_sets(request: HttpRequest) -> HttpResponse:
    regions = _broker_regions(request)
    region = regions.filter(pk=request.GET.get("region") or 0).first() or regions.first()
    sets = []
    if region is not None:
        sets = [
            (kind, services.question_set_for(region=region, kind=kind)) for kind in EvaluationKind
        ]
    return render(
        request,
        "evaluations/question_sets.html",
        {"region": region, "regions": regions, "sets": sets},
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_set_edit(request: HttpRequest, kind: str) -> HttpResponse:
    regions = _broker_regions(request)
    if kind not in EvaluationKind.values:
        raise Http404
    wanted = request.POST.get("region") or request.GET.get("region") or 0
    region = regions.filter(pk=wanted).first() or regions.first()
    if region is None:
        raise Http404
    current = services.question_set_for(region=region, kind=kind)
    lines = "\n".join(
        ("[open] " if q.type == "text" else "") + q.text for q in current.questions.all()
    )
    form = QuestionSetForm(request.POST or None, initial={"lines": lines})
    if request.method == "POST" and form.is_valid():
        try:
            services.question_set_replace(
                actor=request.user, region=region, kind=kind, lines=form.cleaned_data["lines"]
            )
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("A new version of the questions is in use."))
            return redirect("evaluations:question_sets")
    return render(
        request,
        "evaluations/question_set_form.html",
        {"form": form, "kind": EvaluationKind(kind), "region": region, "current": current},
    )
