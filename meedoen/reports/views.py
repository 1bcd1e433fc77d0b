"""Pages of the reports: the reports themselves, their downloads, background exports and
the subsidy calculators. Access is decided by ``presenters.target_for`` (404 alike for
missing and forbidden); the figures come from ``selectors`` through ``presenters.build``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meedoen.core.errors import ServiceError
from meedoen.core.policy import access_or_404, principal_for
from meedoen.directory.models import Location, Organisation
from meedoen.placements.models import Placement, PlacementStatus
from meedoen.students.models import current_school_year, school_year_label

from . import exports, services
from . import selectors as sel
from .forms import CalculatorForm, NoteForm, SchemeForm
from .models import ExportStatus, SchemeKind, SubsidyScheme
from .presenters import REPORTS, build, target_for
from .subsidy import PARAMETERS, calculate

# Above this many students a school's report files are offered in the background.
INLINE_STUDENTS = 1500
PAGE_TEMPLATES = {
    "school": "reports/school.html",
    "students": "reports/students.html",
    "municipality": "reports/area.html",
    "region": "reports/area.html",
    "board": "reports/board.html",
}
FILE_FORMATS = {"students": {"pdf", "xlsx", "csv"}}
DEFAULT_FILE_FORMATS = {"pdf", "xlsx"}


def _file_response(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if content_type == exports.CONTENT_TYPES["pdf"] else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The reports a person may open; 404 for those who have none (students, organisations,
    mentors)."""
    user = request.user
    year = current_school_year()
    context = {
        "year": year,
        "year_label": school_year_label(year),
        "schools": sel.schools_reportable_by(user).order_by("name"),
        "student_lists": set(sel.schools_with_student_list(user).values_list("pk", flat=True)),
        "municipalities": sel.municipalities_reportable_by(user).order_by("name"),
        "regions": sel.regions_reportable_by(user).order_by("name"),
        "boards": sel.boards_reportable_by(user).order_by("name"),
        "schemes": sel.may_see_schemes(user),
    }
    if (
        not any(context[k].exists() for k in ("schools", "municipalities", "regions", "boards"))
        and not context["schemes"]
    ):
        raise Http404
    return render(request, "reports/index.html", context)


@login_required
@require_GET
def report(request: HttpRequest, kind: str, pk: int, year: int) -> HttpResponse:
    target = target_for(request.user, kind, pk, year)
    built = build(kind, target, year)
    context = {
        "built": built,
        "kind": kind,
        "target": target,
        "year": year,
        "years": sel.year_choices(),
        "formats": sorted(FILE_FORMATS.get(kind, DEFAULT_FILE_FORMATS)),
        "background": _is_large(built),
        "page_url": f"reports:{kind}",
        "file_url": f"reports:{kind}_file",
        "table_url": f"reports:{kind}_table",
        "prepare_url": f"reports:{kind}_prepare",
    }
    if kind == "school":
        note = built.extra["report"].note
        context["may_write"] = sel.may_write_note(request.user, target)
        context["note_form"] = NoteForm(initial={"bottlenecks": note.bottlenecks if note else ""})
        context["may_list_students"] = (
            sel.schools_with_student_list(request.user).filter(pk=target.pk).exists()
        )
    return render(request, PAGE_TEMPLATES[kind], context)


def _is_large(built) -> bool:
    report = built.extra.get("report")
    if report is not None:
        return len(report.students) > INLINE_STUDENTS
    if built.kind == "students":
        return len(built.tables[0].rows) > INLINE_STUDENTS
    return built.kind in ("region",)


@login_required
@require_GET
def report_file(request: HttpRequest, kind: str, pk: int, year: int, fmt: str) -> HttpResponse:
    target = target_for(request.user, kind, pk, year)
    if fmt not in FILE_FORMATS.get(kind, DEFAULT_FILE_FORMATS):
        raise Http404
    built = build(kind, target, year)
    if kind == "students" and fmt in ("csv", "xlsx"):
        return _file_response(*exports.table_file(built, "students", fmt))
    return _file_response(*exports.report_file(built, fmt))


@login_required
@require_GET
def table_file(
    request: HttpRequest, kind: str, pk: int, year: int, key: str, fmt: str
) -> HttpResponse:
    target = target_for(request.user, kind, pk, year)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    built = build(kind, target, year)
    return _file_response(*exports.table_file(built, key, fmt))


@login_required
@require_POST
def prepare(request: HttpRequest, kind: str, pk: int, year: int) -> HttpResponse:
    """Prepare a report file in the background; it appears on the exports page."""
    target = target_for(request.user, kind, pk, year)
    fmt = request.POST.get("fmt", "")
    if fmt not in FILE_FORMATS.get(kind, DEFAULT_FILE_FORMATS):
        messages.error(request, _("Choose PDF or XLSX."))
        return redirect(reverse(f"reports:{kind}", kwargs={"pk": pk, "year": year}))
    title = f"{str(target)} — {school_year_label(year)} ({fmt.upper()})"
    services.export_request(
        actor=request.user, report=kind, target_id=target.pk, school_year=year, fmt=fmt, title=title
    )
    messages.success(request, _("The file is being prepared. It appears below when it is ready."))
    return redirect("reports:exports")


@login_required
@require_POST
def note_save(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    school = target_for(request.user, "school", pk, year)
    if not sel.may_write_note(request.user, school):
        raise Http404
    form = NoteForm(request.POST)
    url = reverse("reports:school", kwargs={"pk": pk, "year": year})
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(url)
    try:
        services.report_note_save(
            actor=request.user,
            school=school,
            school_year=year,
            bottlenecks=form.cleaned_data["bottlenecks"],
        )
    except ServiceError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(url)
    messages.success(request, _("The text on the bottlenecks is saved."))
    return redirect(url + "#bottlenecks")


@login_required
@require_GET
def export_list(request: HttpRequest) -> HttpResponse:
    p = principal_for(request.user)
    if not (p.is_admin or p.is_staff_role):
        raise Http404
    rows = sel.exports_of(request.user)[:50]
    return render(
        request,
        "reports/exports.html",
        {
            "exports": rows,
            "pending": any(e.status in (ExportStatus.QUEUED, ExportStatus.RUNNING) for e in rows),
        },
    )


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    export = access_or_404(
        sel.exports_of(request.user).defer(None), pk=pk, status=ExportStatus.READY
    )
    return _file_response(bytes(export.content), export.content_type, export.filename)


# ---------------------------------------------------------------------------
# Subsidy schemes.
# ---------------------------------------------------------------------------


@login_required
@require_GET
def scheme_list(request: HttpRequest) -> HttpResponse:
    if not sel.may_see_schemes(request.user):
        raise Http404
    schemes = sel.schemes_visible_to(request.user)
    today = timezone.localdate()
    current = {kind: sel.scheme_for(kind, today) for kind in SchemeKind.values}
    groups = []
    for kind, label in SchemeKind.choices:
        versions = [s for s in schemes if s.kind == kind]
        for s in versions:
            s.parameter_rows = [
                (p.label, s.parameters[p.key]) for p in PARAMETERS[kind] if p.key in s.parameters
            ]
        if versions:
            groups.append(
                {"kind": kind, "label": label, "versions": versions, "current": current[kind]}
            )
    return render(
        request,
        "reports/schemes.html",
        {
            "groups": groups,
            "is_admin": principal_for(request.user).is_admin,
            "parameters": PARAMETERS,
        },
    )


def _platform_inputs(
    request, scheme: SubsidyScheme, form: CalculatorForm, target
) -> tuple[dict, list]:
    """The inputs of the calculation: the person's figures and Meedoen's own counts, with
    a line per count saying where it comes from."""
    data, sources = dict(form.cleaned_data), []
    year = data.get("year") or current_school_year()
    if scheme.kind == SchemeKind.PILOT:
        final = sel.mas_student_count(target, year)
        data["final_students"] = final
        sources.append(
            _("Students who did MaS in %(y)s according to Meedoen: %(n)s")
            % {"y": school_year_label(year), "n": final}
        )
        if data.get("expected_students") is None:
            data["expected_students"] = sel.expected_students(target, year)
            sources.append(
                _("Expected students from the internship periods: %(n)s")
                % {"n": data["expected_students"]}
            )
    elif scheme.kind == SchemeKind.ADDITIONAL:
        data["mas_students"] = sel.mas_student_count(target, year)
        sources.append(
            _("Students who did MaS in %(y)s according to Meedoen: %(n)s")
            % {"y": school_year_label(year), "n": data["mas_students"]}
        )
    elif scheme.kind == SchemeKind.MUNICIPAL:
        if data.get("inhabitants") is None:
            data["inhabitants"] = target.inhabitants
            sources.append(
                _("Inhabitants stored for %(m)s: %(n)s")
                % {"m": target.name, "n": target.inhabitants}
            )
        data["has_school_location"] = Location.objects.filter(municipality=target).exists()
        sources.append(
            _("The municipality has a school location in Meedoen.")
            if data["has_school_location"]
            else _("The municipality has no school location in Meedoen.")
        )
    else:
        orgs = data.get("organisations") or []
        n = (
            Placement.objects.filter(organisation__in=orgs, status=PlacementStatus.COMPLETED)
            .filter(sel.in_years_q([year]))
            .count()
        )
        data["placements"] = n
        sources.append(
            _("Completed placements in %(y)s at the chosen organisations: %(n)s")
            % {"y": school_year_label(year), "n": n}
        )
    return data, sources


@login_required
@require_GET
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = access_or_404(sel.schemes_visible_to(request.user), pk=pk)
    targets = sel.scheme_targets(request.user, scheme.kind)
    if not targets.exists():
        raise Http404
    region_orgs = None
    if scheme.kind == SchemeKind.NATIONAL_ORGANISATION:
        region_orgs = Organisation.objects.filter(region__in=targets).order_by("name")
    bound = "target" in request.GET
    form = CalculatorForm(
        request.GET if bound else None,
        kind=scheme.kind,
        targets=targets,
        region_organisations=region_orgs,
        initial={"year": current_school_year()},
    )
    calculation, sources, error = None, [], None
    if bound and form.is_valid():
        target = access_or_404(targets, pk=form.cleaned_data["target"])
        if scheme.kind == SchemeKind.NATIONAL_ORGANISATION:
            chosen = form.cleaned_data["organisations"]
            if chosen.exclude(region=target).exists():
                raise Http404
        data, sources = _platform_inputs(request, scheme, form, target)
        try:
            calculation = calculate(scheme.kind, scheme.name, scheme.parameters, data)
        except ServiceError as exc:
            error = " ".join(exc.messages)
    return render(
        request,
        "reports/scheme.html",
        {
            "scheme": scheme,
            "form": form,
            "calculation": calculation,
            "sources": sources,
            "error": error,
            "parameters": [(p, scheme.parameters.get(p.key)) for p in PARAMETERS[scheme.kind]],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def scheme_new(request: HttpRequest, kind: str) -> HttpResponse:
    """A new version of a scheme (the platform administrator only)."""
    if not principal_for(request.user).is_admin or kind not in SchemeKind.values:
        raise Http404
    latest = SubsidyScheme.objects.filter(kind=kind).order_by("-version").first()
    form = SchemeForm(
        request.POST or None,
        kind=kind,
        initial_parameters=latest.parameters if latest else None,
        initial={"name": latest.name if latest else "", "valid_from": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            scheme = services.scheme_create_version(
                actor=request.user,
                kind=kind,
                name=form.cleaned_data["name"],
                valid_from=form.cleaned_data["valid_from"],
                parameters=form.parameters(),
                source=form.cleaned_data["source"],
            )
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Version %(v)s of the scheme is saved.") % {"v": scheme.version}
            )
            return redirect("reports:schemes")
    return render(
        request, "reports/scheme_form.html", {"form": form, "kind_label": SchemeKind(kind).label}
    )


__all__ = ["REPORTS"]
