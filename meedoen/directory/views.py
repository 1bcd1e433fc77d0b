"""Pages of the directory: organisations and schools of the region."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from meedoen.core.policy import access_or_404

from .selectors import organisations_visible_to, schools_visible_to


@login_required
@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = organisations_visible_to(request.user).order_by("name", "pk")
    page = Paginator(organisations, 50).get_page(request.GET.get("page"))
    return render(request, "directory/organisation_list.html", {"page": page})


@login_required
@require_GET
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access_or_404(organisations_visible_to(request.user), pk=pk)
    return render(
        request,
        "directory/organisation_detail.html",
        {"organisation": organisation, "contacts": organisation.contacts.all()},
    )


@login_required
@require_GET
def school_list(request: HttpRequest) -> HttpResponse:
    schools = schools_visible_to(request.user).select_related("board").order_by("name")
    return render(request, "directory/school_list.html", {"schools": schools})


@login_required
@require_GET
def school_detail(request: HttpRequest, pk: int) -> HttpResponse:
    school = access_or_404(schools_visible_to(request.user).select_related("board"), pk=pk)
    return render(
        request,
        "directory/school_detail.html",
        {"school": school, "locations": school.locations.select_related("municipality")},
    )
