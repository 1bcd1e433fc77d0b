"""Pages of the placement bank: search, offer pages, writing and reviewing offers, the
broker's overview and the public (and embeddable) bank. Views parse input, check access
through the selectors, call one service and respond."""

from __future__ import annotations

from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meedoen.core.errors import ServiceError
from meedoen.core.policy import access_or_404, principal_for
from meedoen.directory.models import Region, Role

from . import services, session_cache
from .forms import CriterionForm, ReviewForm, SearchForm, VacancyForm
from .geo import direction, haversine_km
from .models import QualityCriterion, Vacancy
from .selectors import (
    SearchParams,
    broker_overview,
    cached_or_computed,
    organisations_writable_by,
    periods_of_student,
    published_vacancies,
    results_cache_key,
    results_lifetime,
    school_origin,
    search_page,
    student_of,
    taken_places,
    vacancies_managed_by,
    vacancies_reviewable_by,
    vacancies_visible_to,
    with_places,
)
from .templatetags.bank import fill_places, marked_offer_ids
from .workflows import TRANSITIONS, VISIBLE, VacancyStatus

S = VacancyStatus

# ---------------------------------------------------------------------------
# Search.
# ---------------------------------------------------------------------------


def _student_defaults(student, origin) -> dict:
    """A student first sees the offers that fit them; the form shows (and can undo) it."""
    from django.utils import timezone

    defaults = {"f": "1", "fits": "on", "age": str(student.age_on(timezone.localdate()))}
    if student.school_class_id:
        defaults["level"] = student.school_class.cohort.level
    if origin is not None:
        defaults["near"] = "school"
    return defaults


def _query_without_page(request: HttpRequest) -> str:
    """The query string for the pager's links: the filters, not the page."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _with_places_left(results_html: str) -> str:
    """The results with each card's places left, counted now (one grouped query)."""
    vacancy_ids = marked_offer_ids(results_html)
    return fill_places(results_html, taken_places(vacancy_ids) if vacancy_ids else {})


def _bank_html(request, data, search_context: tuple, prepare, *, public: bool):
    """The filter form and the results (count, cards, pages) as HTML, cached by everything
    they depend on: the query string, what the person's search adds to it
    (``search_context``: a student's defaults, where "my school" is, the periods "fits"
    means), the language,
    public or not, and the bank's version (bumped after every change of an offer).
    ``prepare()`` gives the form and the search (``form, queryset, params, notes``); it
    is called only when they are not cached, so a search that another person asked a
    moment ago costs no form and no query set.

    Places left are not part of the cached HTML: they are filled in on every request, so
    the results can be kept until the bank changes (``selectors.results_lifetime``),
    except those of "only with places left", whose offers change with every placement
    and are kept ``results_ttl()`` seconds (asked for in any way the form could read as
    yes: a value it reads as no only shortens the lifetime)."""
    key = results_cache_key(get_language(), sorted(request.GET.lists()), search_context, public)
    lifetime = results_lifetime(open_only=bool(data.get("open")))

    def render_fragments() -> tuple[str, str]:
        form, queryset, params, notes = prepare()
        page = search_page(queryset, params, request.GET.get("page"))
        context = {
            "request": request,
            "form": form,
            "page": page,
            "query": _query_without_page(request),
            "notes": notes,
            "origin": params.origin,
            "public": public,
            "detail_url": "stagebank:public_detail" if public else "stagebank:detail",
            "action_url": reverse("stagebank:public" if public else "stagebank:search"),
        }
        return (
            render_to_string("stagebank/_search_form.html", context),
            render_to_string("stagebank/_results.html", context),
        )

    cached = cached_or_computed(key, lifetime, render_fragments) if lifetime else render_fragments()
    # Rendered by our own templates, which escape every value.
    return mark_safe(cached[0]), _with_places_left(cached[1])  # noqa: S308


def _render_bank(request, template: str, context: dict) -> HttpResponse:
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        response = HttpResponse(context["results_html"])
    else:
        response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _session_student(request: HttpRequest, entries: session_cache.SessionCache):
    """The signed-in student with class, school and location (``student_of``), kept per
    browser session (``session_cache``): a student's next search in the same session does
    not read their record again."""
    if Role.STUDENT not in principal_for(request.user).roles:
        return None
    found = entries.get("student")
    if found is None:
        found = student_of(request.user) or False
        if not found:
            session_cache.keep_student(entries, found)
    if found:
        # The record is the signed-in user's own (read by ``user``): the student's periods
        # (``periods_of_student``) then need no query to read that user again.
        found.user = request.user
    return found or None


def _search_fragments(request: HttpRequest, entries) -> tuple[str, str, bool]:
    """The filter form and results for this person and query, with a student's defaults."""
    student = _session_student(request, entries)
    kept = entries.get("student")
    kept_with_periods = bool(kept) and getattr(kept, "bank_periods", None) is not None
    data, defaults, origin = request.GET, {}, None
    if student is not None and "f" not in request.GET:
        origin = school_origin(request.user, student)
        defaults = _student_defaults(student, origin)
        data = request.GET.copy()
        for key, value in defaults.items():
            data.setdefault(key, value)
    # What the search depends on besides the query string: "my school" and the periods
    # that "fits" means are the person's (read as the form would use them).
    if data.get("near") == "school" and origin is None:
        origin = school_origin(request.user, student)
    periods = periods_of_student(student) if student is not None and data.get("fits") else None
    search_context = (
        sorted(defaults.items()),
        student is not None,
        origin if data.get("near") == "school" else None,
        periods,
    )

    def prepare():
        form = SearchForm(data, student=student is not None)
        params, notes = form.to_params(
            user=request.user, student=student, public=False, school=origin
        )
        published = vacancies_visible_to(request.user).filter(status__in=VISIBLE)
        return form, published, params, notes

    if student is not None and not kept_with_periods and (not kept or periods is not None):
        # Read now: the record, or the periods this search fitted it to (the bank's
        # default page), kept for the session's next searches.
        session_cache.keep_student(entries, student)
    form_html, results_html = _bank_html(request, data, search_context, prepare, public=False)
    return str(form_html), str(results_html), bool(defaults)


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    # The same person asking the same question again within the results' lifetime (paging
    # back, htmx re-requests, the default search opened again) gets the page as it was
    # rendered for their session: no student, class, periods or school location to
    # resolve, no search, no template (``session_cache``).
    entries = session_cache.read(request)
    if entries.page is not None:
        response = HttpResponse(entries.page)
        patch_vary_headers(response, ["HX-Request"])
        return response
    form_html, results_html, defaults_applied = _search_fragments(request, entries)
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        response = HttpResponse(results_html)
    else:
        body = render_to_string(
            "stagebank/_search_body.html",
            {
                # Rendered by our own templates, which escape every value.
                "form_html": mark_safe(form_html),  # noqa: S308
                "results_html": mark_safe(results_html),  # noqa: S308
                "defaults_applied": defaults_applied,
            },
        )
        page = session_cache.framed(request, entries, "stagebank/search.html", body)
        response = HttpResponse(page)
    patch_vary_headers(response, ["HX-Request"])
    session_cache.keep_page(entries, response.content)
    return response


# ---------------------------------------------------------------------------
# The offer page.
# ---------------------------------------------------------------------------


def _actions_for(user, vacancy: Vacancy) -> list[tuple[str, str]]:
    """The workflow buttons this person may use on this offer now."""
    labels = {
        "submit": _("Submit for review"),
        "pause": _("Pause"),
        "resume": _("Resume"),
        "close": _("Close"),
        "archive": _("Archive"),
        "renew": _("Renew for next school year"),
    }
    targets = {
        "submit": S.SUBMITTED,
        "pause": S.PAUSED,
        "resume": S.PUBLISHED,
        "close": S.CLOSED,
        "archive": S.ARCHIVED,
    }
    writer = services.may_write_for(user, vacancy.organisation)
    reviewer = services.may_review_in(user, vacancy.organisation.region_id)
    actions = []
    for action, target in targets.items():
        who = TRANSITIONS.get((vacancy.status, target))
        if who is None or (action == "resume" and vacancy.status != S.PAUSED):
            continue
        if (who == "broker" and reviewer) or (who == "organisation" and writer):
            actions.append((action, labels[action]))
    if writer and vacancy.status in (S.PUBLISHED, S.PAUSED, S.CLOSED, S.ARCHIVED):
        actions.append(("renew", labels["renew"]))
    return actions


def _location_description(user, vacancy: Vacancy, student) -> dict:
    origin = school_origin(user, student)
    if origin is None or vacancy.latitude is None or vacancy.longitude is None:
        return {"origin": origin}
    km = haversine_km(origin.latitude, origin.longitude, vacancy.latitude, vacancy.longitude)
    return {
        "origin": origin,
        "distance": km,
        "direction": direction(
            origin.latitude, origin.longitude, vacancy.latitude, vacancy.longitude
        ),
    }


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = access_or_404(
        vacancies_visible_to(request.user)
        .select_related("organisation", "organisation__region", "contact", "renewed_from")
        .defer("search_vector"),
        pk=pk,
    )
    with_places([vacancy])
    writer = services.may_write_for(request.user, vacancy.organisation)
    reviewer = services.may_review_in(request.user, vacancy.organisation.region_id)
    events = []
    if writer or reviewer:
        events = vacancy.events.select_related("actor").order_by("at", "pk")
    student = student_of(request.user)
    return render(
        request,
        "stagebank/detail.html",
        {
            "vacancy": vacancy,
            "events": events,
            "writer": writer,
            "reviewer": reviewer,
            "editable": writer and vacancy.status in (S.DRAFT, S.RETURNED),
            "actions": _actions_for(request.user, vacancy),
            "location": _location_description(request.user, vacancy, student),
            "status_published": vacancy.status in VISIBLE,
            # A student applies from here (the placements app takes the application);
            # a group offer is arranged by the school, not by one student.
            "can_apply": student is not None
            and vacancy.status == S.PUBLISHED
            and not vacancy.is_group
            and vacancy.organisation.region_id == student.school.region_id,
        },
    )


def photo(request: HttpRequest, pk: int) -> HttpResponse:
    """An offer's photo: public for published offers, else for those who may see it."""
    if request.method not in ("GET", "HEAD"):
        raise Http404
    scope = (
        vacancies_visible_to(request.user)
        if request.user.is_authenticated
        else published_vacancies()
    )
    vacancy = access_or_404(scope.only("pk", "photo"), pk=pk)
    if not vacancy.photo:
        raise Http404
    try:
        return FileResponse(vacancy.photo.open("rb"))
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc


# ---------------------------------------------------------------------------
# Writing offers.
# ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    organisations = organisations_writable_by(request.user).order_by("name")
    chosen = request.POST.get("organisation") or request.GET.get("organisation")
    organisation = None
    if chosen:
        organisation = access_or_404(organisations, pk=chosen)
    else:
        first_two = list(organisations[:2])
        if not first_two:
            raise Http404
        if len(first_two) == 1:
            organisation = first_two[0]
    if organisation is None:
        return render(
            request, "stagebank/choose_organisation.html", {"organisations": organisations}
        )
    form = VacancyForm(request.POST or None, request.FILES or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            vacancy = services.vacancy_create(
                actor=request.user, organisation=organisation, data=form.cleaned_data
            )
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The offer is saved as a draft."))
            return redirect("stagebank:detail", pk=vacancy.pk)
    return render(
        request,
        "stagebank/form.html",
        {"form": form, "organisation": organisation, "vacancy": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = access_or_404(
        vacancies_managed_by(request.user).select_related("organisation"), pk=pk
    )
    if vacancy.status not in (S.DRAFT, S.RETURNED):
        messages.error(
            request, _("An offer can only be changed while it is a draft or returned for changes.")
        )
        return redirect("stagebank:detail", pk=vacancy.pk)
    form = VacancyForm(
        request.POST or None,
        request.FILES or None,
        instance=vacancy,
        organisation=vacancy.organisation,
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in services.CONTENT_FIELDS}
        try:
            services.vacancy_update(actor=request.user, vacancy=vacancy, data=data)
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The offer is saved."))
            return redirect("stagebank:detail", pk=vacancy.pk)
    return render(
        request,
        "stagebank/form.html",
        {"form": form, "organisation": vacancy.organisation, "vacancy": vacancy},
    )


@login_required
@require_POST
def transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    service = services.ACTIONS.get(action)
    if service is None:
        raise Http404
    scope = vacancies_reviewable_by if action == "archive" else vacancies_managed_by
    vacancy = access_or_404(scope(request.user).select_related("organisation"), pk=pk)
    try:
        result = service(actor=request.user, vacancy=vacancy)
    except ServiceError as exc:
        messages.error(request, exc.messages[0])
        return redirect("stagebank:detail", pk=vacancy.pk)
    done = {
        "submit": _("The offer is submitted for review."),
        "pause": _("The offer is paused."),
        "resume": _("The offer is published again."),
        "close": _("The offer is closed."),
        "archive": _("The offer is archived."),
        "renew": _("A copy for the next school year is ready as a draft."),
    }
    messages.success(request, done[action])
    return redirect("stagebank:detail", pk=result.pk)


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The offers a person manages: an organisation's own, the broker's region."""
    p = principal_for(request.user)
    if not (p.is_admin or p.organisation_ids or p.broker_region_ids):
        raise Http404
    offers = (
        vacancies_managed_by(request.user)
        .select_related("organisation")
        .defer("search_vector")
        .order_by("-updated_at", "-pk")
    )
    status = request.GET.get("status", "")
    if status in S.values:
        offers = offers.filter(status=status)
    page = Paginator(offers, 50).get_page(request.GET.get("page"))
    query = urlencode({"status": status}) if status in S.values else ""
    return render(
        request,
        "stagebank/mine.html",
        {
            "page": page,
            "status": status,
            "statuses": S.choices,
            "query": query,
            "can_create": organisations_writable_by(request.user).exists(),
        },
    )


# ---------------------------------------------------------------------------
# Review.
# ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = access_or_404(
        vacancies_reviewable_by(request.user)
        .select_related("organisation", "organisation__region", "contact")
        .defer("search_vector"),
        pk=pk,
    )
    with_places([vacancy])
    criteria = list(services.quality_criteria_for(vacancy.organisation.region))
    form = ReviewForm(request.POST or None, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "publish":
                services.vacancy_publish(
                    actor=request.user, vacancy=vacancy, checklist=form.cleaned_data["checklist"]
                )
                messages.success(request, _("The offer is published."))
            else:
                services.vacancy_return(
                    actor=request.user, vacancy=vacancy, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("The offer is returned to the organisation."))
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            return redirect("stagebank:overview")
    return render(
        request,
        "stagebank/review.html",
        {
            "vacancy": vacancy,
            "form": form,
            "events": vacancy.events.select_related("actor").order_by("at", "pk"),
            "waiting": vacancy.status == S.SUBMITTED,
        },
    )


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    p = principal_for(request.user)
    if not (p.is_admin or p.broker_region_ids):
        raise Http404
    return render(request, "stagebank/overview.html", broker_overview(request.user))


@login_required
@require_http_methods(["GET", "POST"])
def criteria(request: HttpRequest) -> HttpResponse:
    p = principal_for(request.user)
    regions = (
        Region.objects.all() if p.is_admin else Region.objects.filter(pk__in=p.broker_region_ids)
    )
    regions = regions.order_by("name")
    region = (
        access_or_404(regions, pk=request.GET["region"])
        if request.GET.get("region")
        else regions.first()
    )
    if region is None:
        raise Http404
    items = list(services.quality_criteria_for(region, include_inactive=True))
    form = CriterionForm(request.POST or None, prefix="new")
    if request.method == "POST":
        try:
            if "criterion" in request.POST:
                criterion = access_or_404(
                    QualityCriterion.objects.filter(region=region), pk=request.POST["criterion"]
                )
                edit_form = CriterionForm(request.POST, prefix=f"c{criterion.pk}")
                if not edit_form.is_valid():
                    raise ServiceError(_("Give the criterion a text and an order from 0 to 999."))
                services.quality_criterion_save(
                    actor=request.user, region=region, criterion=criterion, **edit_form.cleaned_data
                )
            elif form.is_valid():
                services.quality_criterion_save(
                    actor=request.user, region=region, **form.cleaned_data
                )
            else:
                raise ServiceError(_("Give the new criterion a text."))
        except ServiceError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The quality criteria are saved."))
            return redirect(f"{reverse('stagebank:criteria')}?region={region.pk}")
    rows = [
        (
            c,
            CriterionForm(
                prefix=f"c{c.pk}", initial={"label": c.label, "order": c.order, "active": c.active}
            ),
        )
        for c in items
    ]
    return render(
        request,
        "stagebank/criteria.html",
        {"region": region, "regions": regions, "rows": rows, "form": form},
    )


# ---------------------------------------------------------------------------
# The public bank (no sign-in) and the embeddable list.
# ---------------------------------------------------------------------------


def _public_search(request: HttpRequest) -> tuple[SearchForm, SearchParams, list]:
    form = SearchForm(request.GET, public=True)
    params, notes = form.to_params(user=None, student=None, public=True)
    region = request.GET.get("region", "")
    if region.isdigit():
        params.region_id = int(region)
    return form, params, notes


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    def prepare():
        form, params, notes = _public_search(request)
        return form, published_vacancies(), params, notes

    form_html, results_html = _bank_html(request, request.GET, (), prepare, public=True)
    return _render_bank(
        request,
        "stagebank/public_list.html",
        {"form_html": form_html, "results_html": results_html},
    )


@require_GET
def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = access_or_404(
        published_vacancies().select_related("organisation").defer("search_vector"), pk=pk
    )
    with_places([vacancy])
    return render(request, "stagebank/public_detail.html", {"vacancy": vacancy})


@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
@require_GET
def embed(request: HttpRequest) -> HttpResponse:
    """A minimal list for a broker's own website, allowed inside an iframe."""
    form, params, notes = _public_search(request)
    page = search_page(published_vacancies(), params, request.GET.get("page"))
    return render(
        request,
        "stagebank/embed.html",
        {"page": page, "query": _query_without_page(request), "region": params.region_id},
    )
