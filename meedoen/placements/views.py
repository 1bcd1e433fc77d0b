"""Pages of placements, agreements and signing. Thin: parse, check access, call a service.

Signing and the parents' view work through personal links without an account. Every
bad link — unknown, expired, revoked, used, or for a superseded version — answers with
the same page and status (404), so a link reveals nothing about whether it ever existed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meedoen.core.errors import ServiceError
from meedoen.core.policy import GUIDANCE, SUPPORT_NEEDS, access_or_404, principal_for
from meedoen.core.policy import student_field_groups as field_groups
from meedoen.directory.models import Organisation
from meedoen.directory.selectors import schools_managed_by
from meedoen.stagebank.models import Vacancy
from meedoen.stagebank.workflows import VacancyStatus
from meedoen.students.models import SchoolClass, Student
from meedoen.students.selectors import students_visible_to

from . import agreements, criteria, forms, selectors, services
from . import workflows as wf
from .access import actor_kinds
from .models import (
    AgreementKind,
    AgreementVersion,
    Placement,
    PlacementGroup,
    PlacementStatus,
    SignatureRequest,
)

S = PlacementStatus


def _error(request, exc: ServiceError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


# ---------------------------------------------------------------------------
# Lists
# ---------------------------------------------------------------------------


@login_required
@require_GET
def placement_list(request: HttpRequest) -> HttpResponse:
    p = principal_for(request.user)
    if p.is_admin or p.coordinator_school_ids:
        return _coordinator_list(request)
    if p.organisation_ids:
        placements = list(selectors.organisation_incoming(request.user)[:500])
        pending = selectors.pending_parties(placements)
        for placement in placements:
            placement.waiting = selectors.waiting_for(placement, pending)
            placement.actions = wf.actions_for(
                placement.status, actor_kinds(request.user, placement)
            )
        return render(request, "placements/list_organisation.html", {"placements": placements})
    placements = list(
        selectors.placements_visible_to(request.user)
        .select_related("organisation", "vacancy")
        .order_by("-created_at")
    )
    student = Student.objects.filter(user=request.user).select_related("school").first()
    offers = []
    if student is not None:
        offers = list(
            Vacancy.objects.filter(
                status=VacancyStatus.PUBLISHED,
                kind="individual",
                organisation__region_id=student.school.region_id,
            )
            .select_related("organisation")
            .order_by("start_date")[:10]
        )
    return render(
        request,
        "placements/list_student.html",
        {"placements": placements, "student": student, "offers": offers},
    )


def _coordinator_list(request: HttpRequest) -> HttpResponse:
    p = principal_for(request.user)
    schools = schools_managed_by(request.user)
    base = selectors.placements_visible_to(request.user)
    if not p.is_admin:
        base = base.filter(student__school_id__in=p.coordinator_school_ids)
    classes = SchoolClass.objects.filter(school__in=schools).order_by("name")
    if p.is_admin:
        classes = classes.none()
    organisations = Organisation.objects.filter(
        pk__in=base.values("organisation_id").distinct()
    ).order_by("name")
    form = forms.FilterForm(request.GET or None, classes=classes, organisations=organisations)
    placements = base
    if form.is_valid():
        data = form.cleaned_data
        if data["school_class"]:
            placements = placements.filter(student__school_class_id=data["school_class"])
        if data["organisation"]:
            placements = placements.filter(organisation_id=data["organisation"])
        if data["start_from"]:
            placements = placements.filter(start_date__gte=data["start_from"])
        if data["start_until"]:
            placements = placements.filter(start_date__lte=data["start_until"])
        counts = selectors.status_counts(placements)
        if data["status"]:
            placements = placements.filter(status=data["status"])
    else:
        counts = selectors.status_counts(placements)
    placements = placements.select_related(
        "student", "student__school_class", "organisation", "group"
    ).order_by("start_date", "student__last_name", "pk")
    page = Paginator(placements, 50).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    pending = selectors.pending_parties(rows)
    for row in rows:
        row.waiting = selectors.waiting_for(row, pending)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "placements/list_coordinator.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "counts": [(value, label, counts.get(value, 0)) for value, label in S.choices],
            "total": sum(counts.values()),
            "query": query.urlencode(),
            "schools": schools,
        },
    )


# ---------------------------------------------------------------------------
# One placement
# ---------------------------------------------------------------------------


def _visible(request, pk) -> Placement:
    return access_or_404(
        selectors.placements_visible_to(request.user).select_related(
            "student__school",
            "student__school_class__cohort",
            "organisation",
            "vacancy",
            "group",
            "contact",
        ),
        pk=pk,
    )


@login_required
@require_GET
def placement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    placement = _visible(request, pk)
    kinds = actor_kinds(request.user, placement)
    groups = field_groups(request.user, placement.student)
    agreement = selectors.agreement_of(placement)
    version = selectors.current_version(agreement)
    is_coordinator = wf.COORDINATOR in kinds
    rules = criteria.rules_for(placement.student.school) if is_coordinator else None
    return render(
        request,
        "placements/detail.html",
        {
            "placement": placement,
            "actions": wf.actions_for(placement.status, kinds),
            "reason_required": wf.REASON_REQUIRED,
            "is_coordinator": is_coordinator,
            "rules": rules,
            "can_issue": is_coordinator and placement.status == S.APPROVED,
            "can_revise": is_coordinator and placement.status in (S.AGREEMENT_ISSUED, S.SIGNED),
            "events": placement.events.select_related("actor").order_by("at", "pk"),
            "agreement": agreement,
            "version": version,
            "signatures": selectors.signature_rows(
                version, student_id=None if is_coordinator else placement.student_id
            ),
            "show_guidance": GUIDANCE in groups,
            "show_support_needs": SUPPORT_NEEDS in groups,
            "waiting": selectors.waiting_for(placement, selectors.pending_parties([placement])),
            "hours_allowed": selectors.placement_is_active(placement),
        },
    )


@login_required
@require_POST
def placement_action(request: HttpRequest, pk: int) -> HttpResponse:
    placement = _visible(request, pk)
    form = forms.ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown action."))
        return redirect("placements:detail", pk=placement.pk)
    data = form.cleaned_data
    try:
        services.placement_transition(
            placement=placement,
            by=request.user,
            action=data["action"],
            reason=data["reason"],
            not_paid_work=data["not_paid_work"],
        )
    except ServiceError as exc:
        _error(request, exc)
    else:
        messages.success(
            request,
            _("Done: the placement is now “%(status)s”.")
            % {"status": S(wf.ACTIONS[data["action"]]).label},
        )
    if placement.group_id and request.POST.get("next") == "group":
        return redirect("placements:group_detail", pk=placement.group_id)
    return redirect("placements:detail", pk=placement.pk)


@login_required
@require_http_methods(["GET", "POST"])
def placement_apply(request: HttpRequest, vacancy_pk: int) -> HttpResponse:
    student = (
        Student.objects.filter(user=request.user, active=True).select_related("school").first()
    )
    if student is None:
        raise Http404
    vacancy = access_or_404(
        Vacancy.objects.filter(
            status=VacancyStatus.PUBLISHED, organisation__region_id=student.school.region_id
        ).select_related("organisation"),
        pk=vacancy_pk,
    )
    form = forms.ApplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            placement = services.placement_apply(
                by=request.user, vacancy=vacancy, **form.cleaned_data
            )
        except ServiceError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("You applied. The organisation will answer soon."))
            return redirect("placements:detail", pk=placement.pk)
    return render(
        request,
        "placements/apply.html",
        {"form": form, "vacancy": vacancy, "taken": services.places_taken(vacancy)},
    )


def _region_ids_for_staff(user) -> set[int]:
    from meedoen.directory.selectors import regions_of

    p = principal_for(user)
    if p.is_admin:
        return set(Organisation.objects.values_list("region_id", flat=True).distinct())
    return regions_of(user) if (p.coordinator_school_ids or p.broker_region_ids) else set()


@login_required
@require_http_methods(["GET", "POST"])
def placement_create(request: HttpRequest) -> HttpResponse:
    p = principal_for(request.user)
    if not (p.is_admin or p.coordinator_school_ids or p.broker_region_ids):
        raise Http404
    students = students_visible_to(request.user)
    form = forms.PlacementForm(
        request.POST or None, students=students, region_ids=_region_ids_for_staff(request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            placement = services.placement_create(
                by=request.user,
                student=data["student"],
                organisation=data["organisation"],
                vacancy=data["vacancy"],
                activity=data["activity"],
                tasks=data["tasks"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                hours=data["hours"],
            )
        except ServiceError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The placement is proposed."))
            return redirect("placements:detail", pk=placement.pk)
    return render(
        request, "placements/form.html", {"form": form, "title": _("Place a student by hand")}
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_create(request: HttpRequest) -> HttpResponse:
    classes = SchoolClass.objects.filter(
        school__in=schools_managed_by(request.user)
    ).select_related("school")
    if not principal_for(request.user).is_admin and not classes.exists():
        raise Http404
    school_class = None
    class_pk = request.GET.get("class") or request.POST.get("class")
    if class_pk:
        school_class = access_or_404(classes, pk=class_pk)
    if school_class is None:
        return render(
            request,
            "placements/group_choose_class.html",
            {"classes": classes.order_by("school__name", "name")[:500]},
        )
    students = Student.objects.filter(school_class=school_class, active=True).order_by(
        "last_name", "first_name"
    )
    initial = {"students": list(students), "name": school_class.name}
    form = forms.GroupForm(
        request.POST or None,
        initial=initial,
        students=students,
        region_ids={school_class.school.region_id},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = services.placement_group_create(
                by=request.user,
                students=list(data["students"]),
                school_class=school_class,
                name=data["name"],
                organisation=data["organisation"],
                vacancy=data["vacancy"],
                activity=data["activity"],
                tasks=data["tasks"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                hours=data["hours"],
            )
        except ServiceError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The group placement is proposed."))
            return redirect("placements:group_detail", pk=group.pk)
    return render(
        request,
        "placements/group_form.html",
        {"form": form, "school_class": school_class},
    )


@login_required
@require_GET
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visible = selectors.placements_visible_to(request.user)
    group = access_or_404(
        PlacementGroup.objects.filter(pk__in=visible.values("group_id")).select_related(
            "organisation", "school", "school_class", "vacancy"
        ),
        pk=pk,
    )
    members = list(
        visible.filter(group=group)
        .select_related("student")
        .order_by("student__last_name", "student__first_name")
    )
    # The group moves together: act through the first member still in the common state.
    lead = next((m for m in members if m.status not in wf.FINAL_STATES), members[0])
    kinds = actor_kinds(request.user, lead)
    agreement = selectors.agreement_of(lead)
    version = selectors.current_version(agreement)
    pending = selectors.pending_parties(members)
    for m in members:
        m.waiting = selectors.waiting_for(m, pending)
    is_coordinator = wf.COORDINATOR in kinds
    return render(
        request,
        "placements/group_detail.html",
        {
            "group": group,
            "members": members,
            "lead": lead,
            "actions": [a for a in wf.actions_for(lead.status, kinds) if a in wf.GROUP_WIDE],
            "reason_required": wf.REASON_REQUIRED,
            "is_coordinator": is_coordinator,
            "rules": criteria.rules_for(group.school) if is_coordinator else None,
            "can_issue": is_coordinator and lead.status == S.APPROVED,
            "agreement": agreement,
            "version": version,
            "signatures": selectors.signature_rows(version) if is_coordinator else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def placement_propose(request: HttpRequest) -> HttpResponse:
    student = Student.objects.filter(user=request.user, active=True).first()
    if student is None:
        raise Http404
    form = forms.SelfFoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            placement = services.placement_propose_self_found(
                by=request.user,
                organisation_name=data["organisation_name"],
                legal_form=data["legal_form"],
                non_profit=data["non_profit"],
                street=data["street"],
                postcode=data["postcode"],
                city=data["city"],
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
                contact_phone=data["contact_phone"],
                activity=data["activity"],
                description=data["tasks"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                hours=data["hours"],
            )
        except ServiceError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Your proposal is sent to your school."))
            return redirect("placements:detail", pk=placement.pk)
    return render(
        request,
        "placements/form.html",
        {
            "form": form,
            "title": _("Propose a placement you found yourself"),
            "intro": _(
                "A maatschappelijke stage is unpaid work at a non-profit organisation (care, "
                "welfare, sport, culture, nature). Your school checks your proposal."
            ),
        },
    )


# ---------------------------------------------------------------------------
# Agreements (signed-in parties)
# ---------------------------------------------------------------------------


@login_required
@require_POST
def agreement_issue(request: HttpRequest, pk: int) -> HttpResponse:
    placement = _visible(request, pk)
    try:
        services.agreement_issue(placement=placement, by=request.user)
    except ServiceError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The agreement is issued; the signing links are sent."))
    if placement.group_id and request.POST.get("next") == "group":
        return redirect("placements:group_detail", pk=placement.group_id)
    return redirect("placements:detail", pk=placement.pk)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_revise(request: HttpRequest, pk: int) -> HttpResponse:
    placement = _visible(request, pk)
    if wf.COORDINATOR not in actor_kinds(request.user, placement):
        raise Http404
    source = placement.group or placement
    form = forms.ReviseForm(
        request.POST or None,
        initial={
            "activity": source.activity,
            "tasks": source.tasks,
            "start_date": source.start_date,
            "end_date": source.end_date,
            "hours": source.hours,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_revise(placement=placement, by=request.user, **form.cleaned_data)
        except ServiceError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("A new version is issued; every party signs again."))
            return redirect("placements:detail", pk=placement.pk)
    return render(
        request,
        "placements/form.html",
        {
            "form": form,
            "title": _("Change the agreement"),
            "intro": _(
                "A change makes a new version of the agreement that every party signs again."
            ),
        },
    )


def _pdf_response(version: AgreementVersion) -> HttpResponse:
    response = HttpResponse(bytes(version.pdf), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="overeenkomst-{version.agreement_id}-v{version.number}.pdf"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def agreement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A version's PDF for the parties with an account (school, organisation, student)."""
    visible = selectors.placements_visible_to(request.user)
    version = access_or_404(AgreementVersion.objects.select_related("agreement"), pk=pk)
    agreement = version.agreement
    members = (
        visible.filter(group_id=agreement.group_id)
        if agreement.group_id
        else visible.filter(pk=agreement.placement_id)
    )
    if not members.exists():
        raise Http404
    return _pdf_response(version)


@login_required
@require_POST
def signature_resend(request: HttpRequest, pk: int) -> HttpResponse:
    signature = _managed_request(request, pk)
    try:
        services.signature_request_resend(by=request.user, request=signature)
    except ServiceError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("A new link is sent to %(name)s.") % {"name": signature.name})
    return redirect(_back_to(signature))


@login_required
@require_POST
def signature_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    signature = _managed_request(request, pk)
    try:
        services.signature_request_revoke(by=request.user, request=signature)
    except ServiceError as exc:
        _error(request, exc)
    else:
        messages.success(
            request, _("The link of %(name)s no longer works.") % {"name": signature.name}
        )
    return redirect(_back_to(signature))


def _managed_request(request, pk) -> SignatureRequest:
    p = principal_for(request.user)
    qs = SignatureRequest.objects.select_related("version__agreement")
    if not p.is_admin:
        qs = qs.filter(version__agreement__school_id__in=p.coordinator_school_ids)
    return access_or_404(qs, pk=pk)


def _back_to(signature: SignatureRequest) -> str:
    agreement = signature.version.agreement
    if agreement.group_id:
        return reverse("placements:group_detail", kwargs={"pk": agreement.group_id})
    return reverse("placements:detail", kwargs={"pk": agreement.placement_id})


# ---------------------------------------------------------------------------
# Signing and the parents' view, by personal link (no account)
# ---------------------------------------------------------------------------


def _invalid_link(request: HttpRequest) -> HttpResponse:
    return render(request, "placements/link_invalid.html", status=404)


@never_cache
@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, token: str) -> HttpResponse:
    try:
        signature = services.signing_request_for_token(token)
    except services.InvalidLink:
        return _invalid_link(request)
    form = forms.SignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.agreement_sign(
                token=token,
                typed_name=form.cleaned_data["typed_name"],
                confirmed=form.cleaned_data["confirm"],
                ip=_client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
            )
        except services.InvalidLink:
            return _invalid_link(request)
        except ServiceError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            return render(request, "placements/sign_done.html", {"signature": done})
    version = signature.version
    return render(
        request,
        "placements/sign.html",
        {"signature": signature, "version": version, "form": form, "token": token},
    )


@never_cache
@require_GET
def sign_pdf(request: HttpRequest, token: str) -> HttpResponse:
    try:
        signature = services.signing_request_for_token(token)
    except services.InvalidLink:
        return _invalid_link(request)
    return _pdf_response(signature.version)


@never_cache
@require_GET
def guardian_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        signature = services.guardian_view_for_token(token)
    except services.InvalidLink:
        return _invalid_link(request)
    agreement = signature.version.agreement
    placement = services._placement_of_student(agreement, signature.student_id)
    version = selectors.current_version(agreement)
    return render(
        request,
        "placements/guardian_view.html",
        {
            "signature": signature,
            "placement": placement,
            "version": version,
            "signatures": selectors.signature_rows(version, student_id=signature.student_id),
            "events": placement.events.order_by("at", "pk"),
            "token": token,
        },
    )


@never_cache
@require_GET
def guardian_pdf(request: HttpRequest, token: str) -> HttpResponse:
    try:
        signature = services.guardian_view_for_token(token)
    except services.InvalidLink:
        return _invalid_link(request)
    return _pdf_response(selectors.current_version(signature.version.agreement))


# ---------------------------------------------------------------------------
# The school's settings: criteria and model agreements
# ---------------------------------------------------------------------------


def _managed_school(request):
    schools = schools_managed_by(request.user).order_by("pk")
    wanted = request.GET.get("school") or request.POST.get("school")
    first = schools.first()
    if first is None:
        raise Http404
    return access_or_404(schools, pk=wanted or first.pk)


@login_required
@require_http_methods(["GET", "POST"])
def school_settings(request: HttpRequest) -> HttpResponse:
    school = _managed_school(request)
    rules = criteria.rules_for(school)
    form = forms.RulesForm(request.POST or None, instance=rules)
    if request.method == "POST" and form.is_valid():
        try:
            services.school_rules_save(by=request.user, school=school, **form.cleaned_data)
        except ServiceError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The school's placement rules are saved."))
            return redirect(reverse("placements:settings") + f"?school={school.pk}")
    return render(
        request,
        "placements/settings.html",
        {"form": form, "school": school, "kinds": AgreementKind.choices},
    )


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in AgreementKind.values:
        raise Http404
    school = _managed_school(request)
    template = agreements.template_for(school, kind)
    form = forms.TemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_template_save(
                by=request.user, school=school, kind=kind, **form.cleaned_data
            )
        except ServiceError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The model agreement is saved."))
            return redirect(reverse("placements:settings") + f"?school={school.pk}")
    return render(
        request,
        "placements/template_form.html",
        {
            "form": form,
            "school": school,
            "kind_label": AgreementKind(kind).label,
            "fixed": agreements.FIXED_CLAUSES,
        },
    )
