"""Pages for students, classes and the access a school grants."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meedoen.core.errors import ServiceError
from meedoen.core.policy import (
    GUARDIANS,
    GUIDANCE,
    PERSONAL,
    SUPPORT_NEEDS,
    access_or_404,
    student_field_groups,
)
from meedoen.directory.selectors import schools_managed_by

from . import services
from .forms import AccessGrantForm
from .selectors import (
    classes_visible_to,
    grants_managed_by,
    grants_visible_to,
    students_visible_to,
)


@login_required
@require_GET
def student_list(request: HttpRequest) -> HttpResponse:
    students = students_visible_to(request.user).select_related("school", "school_class")
    query = request.GET.get("q", "").strip()[:100]
    if query:
        students = students.filter(last_name__icontains=query) | students.filter(
            first_name__icontains=query
        )
    page = Paginator(students.order_by("last_name", "first_name", "pk"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "students/student_list.html", {"page": page, "q": query})


@login_required
@require_GET
def student_detail(request: HttpRequest, pk: int) -> HttpResponse:
    student = access_or_404(
        students_visible_to(request.user).select_related("school", "school_class__cohort"), pk=pk
    )
    groups = student_field_groups(request.user, student)
    services.student_view_record(
        actor=request.user,
        student=student,
        fields=[g for g in (GUIDANCE, SUPPORT_NEEDS) if g in groups],
    )
    return render(
        request,
        "students/student_detail.html",
        {
            "student": student,
            "show_personal": PERSONAL in groups,
            "show_guardians": GUARDIANS in groups,
            "show_guidance": GUIDANCE in groups,
            "show_support_needs": SUPPORT_NEEDS in groups,
            "guardians": student.guardians.all() if GUARDIANS in groups else [],
        },
    )


@login_required
@require_GET
def class_detail(request: HttpRequest, pk: int) -> HttpResponse:
    school_class = access_or_404(
        classes_visible_to(request.user).select_related("school", "cohort"), pk=pk
    )
    students = students_visible_to(request.user).filter(school_class=school_class, active=True)
    return render(
        request,
        "students/class_detail.html",
        {"school_class": school_class, "students": students.order_by("last_name", "first_name")},
    )


@login_required
@require_GET
def grant_list(request: HttpRequest) -> HttpResponse:
    schools = schools_managed_by(request.user)
    return render(
        request,
        "students/grant_list.html",
        {
            "grants": grants_visible_to(request.user)[:500],
            "manages": schools.exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def grant_create(request: HttpRequest) -> HttpResponse:
    school = access_or_404(schools_managed_by(request.user).order_by("pk"), pk=_first_pk(request))
    form = AccessGrantForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            services.access_grant_create(
                actor=request.user,
                school=school,
                grantee=form.cleaned_data["grantee"],
                school_class=form.cleaned_data["school_class"],
                student=form.cleaned_data["student"],
                expires_at=form.expires_at(),
                include_support_needs=form.cleaned_data["include_support_needs"],
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Access granted."))
            return redirect("students:grants")
    return render(request, "students/grant_form.html", {"form": form, "school": school})


def _first_pk(request: HttpRequest):
    """The school to act for: ?school=ID, or the coordinator's only/first school."""
    wanted = request.GET.get("school") or request.POST.get("school")
    if wanted:
        return wanted
    first = schools_managed_by(request.user).order_by("pk").first()
    return first.pk if first else 0


@login_required
@require_POST
def grant_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    grant = access_or_404(grants_managed_by(request.user), pk=pk)
    try:
        services.access_grant_revoke(actor=request.user, grant=grant)
    except ServiceError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Access revoked."))
    return redirect("students:grants")
