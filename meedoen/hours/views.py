"""Pages of the hours app: logging hours, the organisation's confirmation link, progress,
the portfolio (with its PDF), completion, the certificate and its public verification,
follow-up offers, change of school and the signed record file."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meedoen.core.errors import ServiceError
from meedoen.core.policy import access_or_404, principal_for
from meedoen.directory.models import Role, School
from meedoen.directory.selectors import schools_managed_by
from meedoen.placements.models import Placement, PlacementStatus
from meedoen.placements.selectors import placements_visible_to
from meedoen.students.models import Student

from . import records, selectors, services
from .forms import (
    FollowUpForm,
    GroupHoursForm,
    HourEntryEditForm,
    HourEntryForm,
    ReasonForm,
    RecordImportForm,
    ReflectionForm,
    TransferForm,
    UploadForm,
)
from .models import EntryStatus, FollowUpOffer, FollowUpStatus, HourEntry, Reflection
from .pdf import data_uri, render_pdf


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


# ---------------------------------------------------------------------------
# Hours
# ---------------------------------------------------------------------------


@login_required
@require_GET
def entry_list(request: HttpRequest) -> HttpResponse:
    entries = (
        selectors.hour_entries_visible_to(request.user)
        .select_related("placement__student", "placement__organisation")
        .order_by("-date", "-start_time", "-pk")
    )
    status = request.GET.get("status", "")
    if status in EntryStatus.values:
        entries = entries.filter(status=status)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    own = selectors.active_placements_for_logging(request.user).filter(
        student__user_id=request.user.pk
    )
    return render(
        request,
        "hours/entry_list.html",
        {
            "page": page,
            "status": status,
            "statuses": EntryStatus.choices,
            "can_log": selectors.active_placements_for_logging(request.user).exists(),
            "own_placements": own.select_related("organisation"),
            "manages": bool(principal_for(request.user).coordinator_school_ids)
            or principal_for(request.user).is_admin,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_create(request: HttpRequest) -> HttpResponse:
    p = principal_for(request.user)
    if not (Role.STUDENT in p.roles or p.coordinator_school_ids or p.is_admin):
        raise Http404
    placements = selectors.active_placements_for_logging(request.user)
    form = HourEntryForm(request.POST or None, placements=placements)
    if not placements.exists() and request.method == "GET":
        messages.info(request, _("Hours can only be logged on an active placement."))
    if request.method == "POST" and form.is_valid():
        try:
            services.hour_entry_log(
                actor=request.user,
                placement=form.cleaned_data["placement"],
                **form.service_kwargs(),
            )
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Hours logged."))
            return redirect("hours:list")
    return render(request, "hours/entry_form.html", {"form": form, "title": _("Log hours")})


@login_required
@require_http_methods(["GET", "POST"])
def group_create(request: HttpRequest) -> HttpResponse:
    p = principal_for(request.user)
    if not (p.is_admin or p.coordinator_school_ids):
        raise Http404
    placements = selectors.active_placements_for_logging(request.user).filter(
        student__in=selectors.students_managed_by(request.user)
    )
    form = GroupHoursForm(request.POST or None, placements=placements)
    if request.method == "POST" and form.is_valid():
        try:
            entries = services.hour_entry_log_for_group(
                actor=request.user,
                placements=list(form.cleaned_data["placements"]),
                **form.service_kwargs(),
            )
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Hours logged for %(n)s students.") % {"n": len(entries)})
            return redirect("hours:list")
    return render(request, "hours/group_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = access_or_404(
        HourEntry.objects.filter(
            placement__in=selectors.placements_with_hours_managed_by(request.user)
        ).select_related("placement__organisation", "placement__student"),
        pk=pk,
    )
    initial = {
        "date": entry.date,
        "start_time": entry.start_time,
        "end_time": entry.end_time,
        "duration": None if entry.start_time else entry.hours,
        "activity": entry.activity,
        "note": entry.note,
    }
    form = HourEntryEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.hour_entry_edit(actor=request.user, entry=entry, **form.service_kwargs())
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Hours changed."))
            return redirect("hours:list")
    return render(
        request,
        "hours/entry_form.html",
        {
            "form": form,
            "entry": entry,
            "events": entry.events.all(),
            "title": _("Change hours"),
        },
    )


@login_required
@require_POST
def entry_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = access_or_404(
        HourEntry.objects.filter(
            placement__in=selectors.placements_with_hours_managed_by(request.user)
        ),
        pk=pk,
    )
    try:
        services.hour_entry_delete(actor=request.user, entry=entry)
    except ServiceError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Hours deleted."))
    return redirect("hours:list")


@login_required
@require_POST
def request_confirmation(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the organisation a link for all waiting entries of a placement (or one)."""
    placement = access_or_404(selectors.placements_with_hours_managed_by(request.user), pk=pk)
    entries = None
    if request.POST.get("entry"):
        entries = list(placement.hour_entries.filter(pk__in=request.POST.getlist("entry")[:200]))
    try:
        link, _token = services.confirmation_request(
            actor=request.user, placement=placement, entries=entries, base_url=_base_url(request)
        )
    except ServiceError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request,
            _("The organisation has been asked to confirm %(n)s entries.")
            % {"n": link.linkentry_set.count()},
        )
    return redirect(request.POST.get("next") if _safe_next(request) else "hours:list")


def _safe_next(request: HttpRequest) -> bool:
    target = request.POST.get("next", "")
    return target.startswith("/") and not target.startswith("//")


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The organisation's contact confirms or disputes hours, without an account."""
    link = selectors.confirmation_link_valid(token)
    if link is None:
        return _neutral(request)
    entries = selectors.pending_link_entries(link)
    errors = []
    if request.method == "POST":
        decisions = {
            e.pk: (
                request.POST.get(f"decision-{e.pk}", ""),
                request.POST.get(f"reason-{e.pk}", ""),
            )
            for e in entries
        }
        try:
            counts = services.confirmation_decide(
                token=token,
                decisions=decisions,
                reviewer_label=request.POST.get("name", "").strip()[:200],
            )
        except ServiceError as exc:
            if exc.messages[0] == services.link_unusable_message():
                return _neutral(request)
            errors = exc.messages
        else:
            return render(request, "hours/confirm_done.html", {"counts": counts})
    return render(
        request,
        "hours/confirm.html",
        {"link": link, "entries": entries, "errors": errors, "post": request.POST},
    )


def _neutral(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "hours/link_unusable.html",
        {"message": services.link_unusable_message()},
        status=404,
    )


# ---------------------------------------------------------------------------
# Progress
# ---------------------------------------------------------------------------


@login_required
@require_GET
def progress(request: HttpRequest) -> HttpResponse:
    students = selectors.students_followed_by(request.user).exclude(user_id=request.user.pk)
    class_id = request.GET.get("class", "")
    if class_id.isdigit():
        students = students.filter(school_class_id=int(class_id))
    behind_only = request.GET.get("behind") == "1"
    rows = selectors.progress_rows(students, behind_only=behind_only)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    selectors.attach_progress(page.object_list)
    p = principal_for(request.user)
    classes = (
        Student.objects.filter(pk__in=students.values("pk"))
        .exclude(school_class=None)
        .values_list("school_class_id", "school_class__name")
        .distinct()
        .order_by("school_class__name")
    )
    return render(
        request,
        "hours/progress.html",
        {
            "page": page,
            "behind_only": behind_only,
            "class_id": class_id,
            "classes": classes,
            "may_remind": p.is_admin or bool(p.coordinator_school_ids),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def remind(request: HttpRequest) -> HttpResponse:
    ids = [int(v) for v in request.POST.getlist("student") if v.isdigit()][:500]
    students = list(selectors.students_managed_by(request.user).filter(pk__in=ids))
    if not students:
        messages.error(request, _("Choose the students to remind."))
        return redirect("hours:progress")
    try:
        sent = services.progress_remind(
            actor=request.user, students=students, base_url=_base_url(request)
        )
    except ServiceError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("%(n)s students were reminded.") % {"n": sent})
    return redirect("hours:progress")


# ---------------------------------------------------------------------------
# Portfolio
# ---------------------------------------------------------------------------


def _portfolio_context(request: HttpRequest, student) -> dict:
    placements = list(selectors.placements_of_student(student))
    reflections = {r.placement_id: r for r in Reflection.objects.filter(placement__in=placements)}
    for placement in placements:
        placement.reflection_obj = reflections.get(placement.pk)
        placement.totals = selectors.placement_hours(placement)
        placement.totals_hours = {k: round(v / 60, 1) for k, v in placement.totals.items()}
    p = principal_for(request.user)
    manages = p.is_admin or student.school_id in p.coordinator_school_ids
    return {
        "student": student,
        "progress": selectors.progress_of(student),
        "placements": placements,
        "files": student.portfolio_files.select_related("placement"),
        "certificates": selectors.certificates_of(student),
        "follow_ups": FollowUpOffer.objects.filter(placement__student=student),
        "transfers": student.transfers.all(),
        "imported": student.imported_records.all(),
        "is_own": student.user_id == request.user.pk,
        "manages": manages,
        "offered": FollowUpStatus.OFFERED,
        "active": PlacementStatus.ACTIVE,
    }


@login_required
@require_GET
def portfolio(request: HttpRequest, pk: int) -> HttpResponse:
    student = access_or_404(
        selectors.students_followed_by(request.user).select_related(
            "school", "school_class__cohort"
        ),
        pk=pk,
    )
    return render(request, "hours/portfolio.html", _portfolio_context(request, student))


@login_required
@require_GET
def portfolio_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    student = access_or_404(
        selectors.students_followed_by(request.user).select_related(
            "school", "school_class__cohort"
        ),
        pk=pk,
    )
    context = _portfolio_context(request, student)
    images = []
    for item in context["files"]:
        if item.is_image:
            with item.file.open("rb") as fh:
                images.append({"item": item, "src": data_uri(fh.read(), item.content_type)})
    context["images"] = images
    context["today"] = timezone.localdate()
    pdf = render_pdf("hours/portfolio_pdf.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="portfolio-{student.pk}.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def reflection(request: HttpRequest, pk: int) -> HttpResponse:
    placement = access_or_404(
        placements_visible_to(request.user)
        .filter(student__user_id=request.user.pk)
        .select_related("organisation", "student"),
        pk=pk,
    )
    existing = Reflection.objects.filter(placement=placement).first()
    initial = {f: getattr(existing, f) for f in services.REFLECTION_FIELDS} if existing else None
    form = ReflectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.reflection_save(actor=request.user, placement=placement, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Reflection saved."))
            return redirect("hours:portfolio", pk=placement.student_id)
    return render(request, "hours/reflection_form.html", {"form": form, "placement": placement})


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    student = access_or_404(
        selectors.students_followed_by(request.user).filter(user_id=request.user.pk), pk=pk
    )
    placements = selectors.placements_of_student(student)
    form = UploadForm(request.POST or None, request.FILES or None, placements=placements)
    if request.method == "POST" and form.is_valid():
        try:
            services.portfolio_file_add(
                actor=request.user,
                student=student,
                uploaded=form.cleaned_data["file"],
                caption=form.cleaned_data["caption"],
                placement=form.cleaned_data["placement"],
            )
        except ServiceError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, _("File added to your portfolio."))
            return redirect("hours:portfolio", pk=student.pk)
    return render(request, "hours/upload_form.html", {"form": form, "student": student})


@login_required
@require_GET
def portfolio_file(request: HttpRequest, pk: int) -> FileResponse:
    item = access_or_404(selectors.portfolio_files_visible_to(request.user), pk=pk)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    inline = item.is_image and request.GET.get("download") != "1"
    response = FileResponse(
        handle,
        content_type=item.content_type,
        as_attachment=not inline,
        filename=item.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def portfolio_file_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = access_or_404(
        selectors.portfolio_files_visible_to(request.user).filter(student__user_id=request.user.pk),
        pk=pk,
    )
    student_id = item.student_id
    try:
        services.portfolio_file_delete(actor=request.user, item=item)
    except ServiceError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("File removed."))
    return redirect("hours:portfolio", pk=student_id)


# ---------------------------------------------------------------------------
# Completion, certificate, verification
# ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    placement = access_or_404(
        Placement.objects.filter(
            student__in=selectors.students_managed_by(request.user)
        ).select_related("student", "organisation"),
        pk=pk,
    )
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_complete(
                actor=request.user, placement=placement, reason=form.cleaned_data["reason"]
            )
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The placement is completed."))
            return redirect("hours:portfolio", pk=placement.student_id)
    return render(
        request,
        "hours/complete_form.html",
        {
            "form": form,
            "placement": placement,
            "blockers": services.completion_blockers(placement)
            if placement.status == PlacementStatus.ACTIVE
            else [],
        },
    )


@login_required
@require_POST
def certificate_issue(request: HttpRequest, pk: int) -> HttpResponse:
    student = access_or_404(selectors.students_managed_by(request.user), pk=pk)
    try:
        certificate = services.certificate_issue(actor=request.user, student=student)
    except ServiceError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request, _("Certificate issued (code %(code)s).") % {"code": certificate.code}
        )
    return redirect("hours:portfolio", pk=student.pk)


@login_required
@require_GET
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = access_or_404(
        selectors.certificates_visible_to(request.user).filter(revoked_at__isnull=True), pk=pk
    )
    from django.urls import reverse

    verify_url = request.build_absolute_uri(reverse("hours:verify"))
    with translation.override("nl"):  # the certificate is a Dutch document
        pdf = render_pdf(
            "hours/certificate_pdf.html",
            {"certificate": certificate, "verify_url": verify_url},
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificaat-{certificate.code}.pdf"'
    return response


@never_cache
@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    """Public: anyone checks a certificate code and sees only the name, school and hours."""
    code = request.GET.get("code", "")
    certificate = selectors.certificate_by_code(code) if code else None
    return render(
        request,
        "hours/verify.html",
        {"code": code[:30], "certificate": certificate, "checked": bool(code)},
    )


# ---------------------------------------------------------------------------
# Follow-up
# ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_create(request: HttpRequest, pk: int) -> HttpResponse:
    p = principal_for(request.user)
    placement = access_or_404(
        Placement.objects.filter(
            organisation_id__in=p.organisation_ids,
            status__in=[PlacementStatus.ACTIVE, PlacementStatus.COMPLETED],
        ).select_related("student", "organisation"),
        pk=pk,
    )
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_offer(actor=request.user, placement=placement, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The student has been invited."))
            return redirect("core:dashboard")
    return render(request, "hours/follow_up_form.html", {"form": form, "placement": placement})


@login_required
@require_POST
def follow_up_respond(request: HttpRequest, pk: int) -> HttpResponse:
    offer = access_or_404(
        FollowUpOffer.objects.filter(placement__student__user_id=request.user.pk), pk=pk
    )
    try:
        services.follow_up_respond(
            actor=request.user, offer=offer, accept=request.POST.get("answer") == "accept"
        )
    except ServiceError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Thank you for your answer."))
    return redirect("hours:portfolio", pk=offer.placement.student_id)


# ---------------------------------------------------------------------------
# Change of school, record export and import
# ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    student = access_or_404(
        selectors.students_managed_by(request.user).select_related("school"), pk=pk
    )
    p = principal_for(request.user)
    schools = School.objects.exclude(pk=student.school_id).order_by("name")
    if not p.is_admin:
        schools = schools.filter(region_id=student.school.region_id)
    form = TransferForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        try:
            services.student_transfer(
                actor=request.user,
                student=student,
                to_school=form.cleaned_data["school"],
                to_class=form.cleaned_data["school_class"],
                note=form.cleaned_data["note"],
            )
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(name)s moved to %(school)s with the whole MaS record.")
                % {"name": student.full_name, "school": form.cleaned_data["school"].name},
            )
            return redirect("core:dashboard")
    return render(request, "hours/transfer_form.html", {"form": form, "student": student})


@login_required
@require_GET
def record_export(request: HttpRequest, pk: int) -> HttpResponse:
    student = access_or_404(
        selectors.students_managed_by(request.user).select_related("school"), pk=pk
    )
    data = services.record_export(actor=request.user, student=student)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="mas-record-{student.student_number}.zip"'
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def record_import(request: HttpRequest) -> HttpResponse:
    schools = schools_managed_by(request.user)
    if not schools.exists():
        raise Http404
    form = RecordImportForm(request.POST or None, request.FILES or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.record_import(
                actor=request.user,
                school=form.cleaned_data["school"],
                uploaded=form.cleaned_data["file"],
            )
        except ServiceError as exc:
            form.add_error("file", exc)
        else:
            messages.success(
                request,
                _("Record of %(name)s imported: %(hours)s confirmed hours from %(school)s.")
                % {
                    "name": record.student.full_name,
                    "hours": record.hours,
                    "school": record.source_school,
                },
            )
            return redirect("hours:portfolio", pk=record.student_id)
    return render(
        request,
        "hours/record_import.html",
        {"form": form, "public_key": records.own_public_key()},
    )
