"""Pages of the period planning: the school's periods, the broker's round, the overview."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meedoen.core.errors import ServiceError
from meedoen.core.policy import access_or_404, principal_for
from meedoen.directory.models import Role, Sector
from meedoen.directory.selectors import schools_managed_by
from meedoen.students.models import Level, current_school_year, school_year_label

from . import exports, services
from .forms import CopyYearForm, PeriodForm, PlanningYearForm
from .models import InternshipPeriod
from .presenters import SECTOR_LABELS, filter_label, overview_data
from .selectors import (
    is_broker_of,
    may_see_live_overview,
    periods_for_broker,
    periods_managed_by,
    periods_visible_to,
    planning_year_of,
    regions_for_overview,
    schools_not_submitted,
)
from .workflows import ACTION_LABELS, EDITABLE, PeriodStatus

YEARS_BACK, YEARS_AHEAD = 3, 2


def _school_year(request: HttpRequest) -> int:
    current = current_school_year()
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or current)
    except ValueError:
        return current
    return year if current - YEARS_BACK <= year <= current + YEARS_AHEAD else current


def _year_choices(current: int) -> list[tuple[int, str]]:
    now = current_school_year()
    return [(y, school_year_label(y)) for y in range(now - YEARS_BACK, now + YEARS_AHEAD + 1)]


def _filters(request: HttpRequest) -> tuple[str | None, str | None]:
    sector = request.GET.get("sector") or None
    level = request.GET.get("level") or None
    return (
        sector if sector in Sector.values else None,
        level if level in Level.values else None,
    )


def _managed_school(request: HttpRequest):
    """The school to act for: ?school=ID, or the coordinator's first school (404 if none)."""
    schools = schools_managed_by(request.user).order_by("pk")
    wanted = request.GET.get("school") or request.POST.get("school")
    if wanted:
        return access_or_404(schools, pk=wanted)
    first = schools.first()
    if first is None:
        raise Http404
    return first


def _region(request: HttpRequest):
    regions = regions_for_overview(request.user).order_by("name", "pk")
    wanted = request.GET.get("region")
    if wanted:
        return access_or_404(regions, pk=wanted)
    first = regions.first()
    if first is None:
        raise Http404
    return first


def _back(request: HttpRequest, default: str) -> HttpResponse:
    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return redirect(nxt)
    return redirect(default)


# ---------------------------------------------------------------------------
# Periods
# ---------------------------------------------------------------------------


@login_required
@require_GET
def period_list(request: HttpRequest) -> HttpResponse:
    """A coordinator's school view; for others the periods they may see."""
    p = principal_for(request.user)
    year = _school_year(request)
    if p.coordinator_school_ids or (p.is_admin and request.GET.get("school")):
        return _school_view(request, _managed_school(request), year)
    if not (
        p.is_admin
        or p.broker_region_ids
        or p.board_ids
        or Role.MENTOR in p.roles
        or Role.STUDENT in p.roles
    ):
        raise Http404
    periods = (
        periods_visible_to(request.user)
        .filter(school_year=year)
        .select_related("school", "cohort")
        .prefetch_related("classes")
        .order_by("start_date", "school__name", "pk")
    )
    return render(
        request,
        "planning/period_list.html",
        {
            "periods": periods[:1000],
            "year": year,
            "year_label": school_year_label(year),
            "years": _year_choices(year),
        },
    )


def _school_view(request: HttpRequest, school, year: int) -> HttpResponse:
    periods = list(
        InternshipPeriod.objects.filter(school=school, school_year=year)
        .select_related("cohort")
        .prefetch_related("classes")
        .order_by("start_date", "pk")
    )
    for period in periods:
        period.actions = [
            (to, ACTION_LABELS[(period.status, to)])
            for to in services.allowed_transitions(request.user, period)
        ]
    data = overview_data(
        region=school.region,
        school_year=year,
        include_drafts_of={school.pk},
        advice=True,
        advice_for_schools={school.pk},
    )
    o = data.overview
    own = o.school_demand.get(school.pk, [0.0] * len(o.weeks))
    my_peaks, seen = [], set()
    for view in data.peaks:
        mine = next((most for sid, _n, most in view.peak.schools if sid == school.pk), 0)
        if mine:
            # One piece of advice can relieve several peaks (a level's and all levels'):
            # offer it once.
            advice = [s for s in view.advice if (s.period_id, s.shift_weeks) not in seen]
            seen |= {(s.period_id, s.shift_weeks) for s in advice}
            my_peaks.append((view, mine, len(view.peak.schools), advice))
    rows = data.week_rows()
    for row in rows:
        row["own"] = own[row["index"]]
    return render(
        request,
        "planning/school.html",
        {
            "school": school,
            "keep": [("school", school.pk)],
            "periods": periods,
            "year": year,
            "year_label": school_year_label(year),
            "years": _year_choices(year),
            "data": data,
            "planning_year": data.planning_year,
            "chart": data.demand_chart(own=own),
            "weeks": [rows[i] for i in data.active_week_range()],
            "my_peaks": my_peaks,
            "drafts": sum(1 for x in periods if x.status == PeriodStatus.DRAFT),
            "today": datetime.date.today(),  # noqa: DTZ011 - compared with a DateField
        },
    )


@login_required
@require_GET
def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    period = access_or_404(
        periods_visible_to(request.user).select_related("school", "cohort"), pk=pk
    )
    managed = periods_managed_by(request.user).filter(pk=period.pk).exists()
    return render(
        request,
        "planning/period_detail.html",
        {
            "period": period,
            "classes": period.classes.all(),
            "events": period.events.select_related("actor"),
            "actions": [
                (to, ACTION_LABELS[(period.status, to)])
                for to in services.allowed_transitions(request.user, period)
            ],
            "can_edit": managed and period.status in EDITABLE,
            "is_broker": is_broker_of(request.user, period.school.region_id),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def period_create(request: HttpRequest) -> HttpResponse:
    school = _managed_school(request)
    year = _school_year(request)
    form = PeriodForm(request.POST or None, school=school, school_year=year)
    if request.method == "POST" and form.is_valid():
        try:
            period = services.period_create(
                actor=request.user, school=school, **form.service_values()
            )
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The period was saved as a draft."))
            return redirect("planning:period", pk=period.pk)
    return render(
        request,
        "planning/period_form.html",
        {"form": form, "school": school, "year": year, "year_label": school_year_label(year)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def period_edit(request: HttpRequest, pk: int) -> HttpResponse:
    period = access_or_404(periods_managed_by(request.user).select_related("school"), pk=pk)
    if period.status not in EDITABLE:
        messages.error(
            request, _("Only a draft period can be changed: take it back to draft first.")
        )
        return redirect("planning:period", pk=period.pk)
    initial = {
        "cohort": period.cohort_id,
        "classes": list(period.classes.all()),
        **{name: getattr(period, name) for name in services.PERIOD_FIELDS},
    }
    form = PeriodForm(
        request.POST or None,
        initial=initial,
        school=period.school,
        school_year=period.school_year,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.period_update(actor=request.user, period=period, **form.service_values())
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The period was changed."))
            return redirect("planning:period", pk=period.pk)
    return render(
        request,
        "planning/period_form.html",
        {
            "form": form,
            "school": period.school,
            "period": period,
            "year": period.school_year,
            "year_label": school_year_label(period.school_year),
        },
    )


@login_required
@require_POST
def period_delete(request: HttpRequest, pk: int) -> HttpResponse:
    period = access_or_404(periods_managed_by(request.user), pk=pk)
    year = period.school_year
    try:
        services.period_delete(actor=request.user, period=period)
    except ServiceError as exc:
        messages.error(request, exc.messages[0])
        return redirect("planning:period", pk=period.pk)
    messages.success(request, _("The period was deleted."))
    return redirect(f"{reverse('planning:periods')}?year={year}")


@login_required
@require_POST
def period_transition(request: HttpRequest, pk: int) -> HttpResponse:
    period = access_or_404(periods_visible_to(request.user), pk=pk)
    try:
        services.period_transition(
            actor=request.user,
            period=period,
            to_status=request.POST.get("to", ""),
            reason=request.POST.get("reason", "")[:1000],
        )
    except ServiceError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("The status of the period was changed."))
    return _back(request, reverse("planning:period", kwargs={"pk": period.pk}))


@login_required
@require_POST
def period_shift(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator accepts (the period moves) or ignores a piece of shifting advice."""
    period = access_or_404(periods_managed_by(request.user), pk=pk)
    accept = request.POST.get("decision") == "accept"
    try:
        weeks = int(request.POST.get("weeks", ""))
        peak_week = datetime.date.fromisoformat(request.POST.get("peak_week", ""))
    except ValueError:
        messages.error(request, _("This advice is not valid (any more)."))
        return _back(request, reverse("planning:periods"))
    try:
        services.period_shift(
            actor=request.user, period=period, weeks=weeks, peak_week=peak_week, accept=accept
        )
    except ServiceError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request,
            _("The period was moved; the change is recorded.")
            if accept
            else _("The advice was set aside."),
        )
    return _back(request, f"{reverse('planning:periods')}?year={period.school_year}")


@login_required
@require_POST
def periods_submit(request: HttpRequest) -> HttpResponse:
    school = _managed_school(request)
    year = _school_year(request)
    try:
        n = services.periods_submit_all(actor=request.user, school=school, school_year=year)
    except ServiceError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("%(n)s periods were submitted to the broker.") % {"n": n})
    return redirect(f"{reverse('planning:periods')}?year={year}&school={school.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def copy_year(request: HttpRequest) -> HttpResponse:
    school = _managed_school(request)
    year = _school_year(request)
    years = [(y, school_year_label(y)) for y in range(year - YEARS_BACK, year)]
    form = CopyYearForm(request.POST or None, years=years, initial={"from_year": year - 1})
    if request.method == "POST" and form.is_valid():
        try:
            created, notes = services.periods_copy_year(
                actor=request.user,
                school=school,
                from_year=form.cleaned_data["from_year"],
                to_year=year,
            )
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("%(n)s periods were copied as drafts.") % {"n": len(created)}
            )
            for note in notes:
                messages.warning(request, note)
            return redirect(f"{reverse('planning:periods')}?year={year}&school={school.pk}")
    return render(
        request,
        "planning/copy_year.html",
        {"form": form, "school": school, "year": year, "year_label": school_year_label(year)},
    )


# ---------------------------------------------------------------------------
# The broker's round and the overview
# ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def planning_round(request: HttpRequest) -> HttpResponse:
    """The broker's round: deadline, threshold, publication, who has not submitted."""
    region = _region(request)
    if not is_broker_of(request.user, region.pk):
        raise Http404
    year = _school_year(request)
    planning_year = planning_year_of(region, year)
    form = PlanningYearForm(
        request.POST or None,
        initial={
            "submission_deadline": planning_year.submission_deadline,
            "peak_share": planning_year.peak_share,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.planning_year_update(
                actor=request.user, region=region, school_year=year, **form.cleaned_data
            )
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The planning round was saved."))
            return redirect(f"{reverse('planning:round')}?year={year}&region={region.pk}")
    waiting = (
        periods_for_broker(request.user)
        .filter(school__region=region, school_year=year, status=PeriodStatus.SUBMITTED)
        .select_related("school", "cohort")
        .order_by("school__name", "start_date")
    )
    return render(
        request,
        "planning/round.html",
        {
            "region": region,
            "keep": [("region", region.pk)],
            "form": form,
            "planning_year": planning_year,
            "year": year,
            "year_label": school_year_label(year),
            "years": _year_choices(year),
            "missing": schools_not_submitted(region, year),
            "waiting": waiting,
            "today": datetime.date.today(),  # noqa: DTZ011 - compared with a DateField
        },
    )


@login_required
@require_POST
def publish(request: HttpRequest) -> HttpResponse:
    region = _region(request)
    if not is_broker_of(request.user, region.pk):
        raise Http404
    year = _school_year(request)
    on = request.POST.get("publish") != "0"
    try:
        services.overview_publish(actor=request.user, region=region, school_year=year, publish=on)
    except ServiceError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request,
            _("The overview is published to the region's schools and organisations.")
            if on
            else _("The overview is no longer published."),
        )
    return redirect(f"{reverse('planning:overview')}?year={year}&region={region.pk}")


def _overview_access(request: HttpRequest):
    """The region and year to show, whether the person sees it live, and the filter."""
    region = _region(request)
    year = _school_year(request)
    live = may_see_live_overview(request.user, region)
    planning_year = planning_year_of(region, year)
    return region, year, live, planning_year, *_filters(request)


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    region, year, live, planning_year, sector, level = _overview_access(request)
    context = {
        "region": region,
        "keep": [("region", region.pk)],
        "year": year,
        "year_label": school_year_label(year),
        "years": _year_choices(year),
        "live": live,
        "planning_year": planning_year,
        "sector": sector,
        "level": level,
        "sectors": Sector.choices,
        "levels": Level.choices,
        "filter_label": filter_label(sector, level),
        "query": request.GET.urlencode(),
    }
    if not live and planning_year.published_at is None:
        return render(request, "planning/overview_unpublished.html", context)
    data = overview_data(region=region, school_year=year, sector=sector, level=level, advice=live)
    rows = data.week_rows()
    context.update(
        data=data,
        chart=data.demand_chart(),
        heatmaps=data.heatmaps(),
        weeks=[rows[i] for i in data.active_week_range()],
        sector_label=SECTOR_LABELS.get(sector),
        missing=schools_not_submitted(region, year) if live else [],
    )
    return render(request, "planning/overview.html", context)


def _export_periods(request, region, year, live):
    if not live:
        return None
    return (
        periods_for_broker(request.user)
        .filter(school__region=region, school_year=year)
        .select_related("school", "cohort")
        .prefetch_related("classes")
        .order_by("school__name", "start_date")
    )


def _export(request: HttpRequest, kind: str) -> HttpResponse:
    region, year, live, planning_year, sector, level = _overview_access(request)
    if not live and planning_year.published_at is None:
        raise Http404
    data = overview_data(region=region, school_year=year, sector=sector, level=level)
    periods = _export_periods(request, region, year, live)
    name = f"overzicht-stageperiodes-{year}-{year + 1}"
    if kind == "pdf":
        body = exports.overview_pdf(data, sector=sector, level=level, periods=periods)
        response = HttpResponse(body, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    else:
        body = exports.overview_xlsx(data, sector=sector, level=level, periods=periods)
        response = HttpResponse(
            body,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@login_required
@require_GET
def overview_pdf(request: HttpRequest) -> HttpResponse:
    return _export(request, "pdf")


@login_required
@require_GET
def overview_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, "xlsx")
