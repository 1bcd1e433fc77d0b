"""REST API of the period planning: periods (CRUD for the school's coordinator, read for
others as the selectors allow) and the aggregated yearly overview.

Objects come from the scoped selectors; a forbidden object answers 404 like a missing
one. Refused changes answer 400 with ``{"detail": message}``.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from meedoen.core.errors import ServiceError
from meedoen.core.policy import access_or_404
from meedoen.directory.models import Sector
from meedoen.directory.selectors import schools_managed_by
from meedoen.stagebank.models import Format, Kind
from meedoen.students.models import Cohort, Level, SchoolClass, current_school_year

from . import services
from .models import InternshipPeriod
from .presenters import overview_data
from .selectors import (
    may_see_live_overview,
    periods_managed_by,
    periods_visible_to,
    planning_year_of,
    regions_for_overview,
)
from .workflows import PeriodStatus


class PeriodSerializer(serializers.ModelSerializer):
    school = serializers.IntegerField(source="school_id")
    cohort = serializers.IntegerField(source="cohort_id")
    classes = serializers.PrimaryKeyRelatedField(
        many=True, queryset=SchoolClass.objects.all(), required=False
    )
    format = serializers.ChoiceField(choices=Format.choices)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    weekdays = serializers.ListField(child=serializers.IntegerField(), required=False)
    sectors = serializers.ListField(
        child=serializers.ChoiceField(choices=Sector.choices), required=False
    )
    students = serializers.IntegerField()
    hours_per_student = serializers.IntegerField(required=False)

    class Meta:
        model = InternshipPeriod
        fields = [
            "id",
            "school",
            "school_year",
            "cohort",
            "classes",
            "format",
            "kind",
            "start_date",
            "end_date",
            "weekdays",
            "students",
            "hours_per_student",
            "sectors",
            "note",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["school_year", "status", "created_at", "updated_at"]


class TransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=PeriodStatus.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)


def _bad(exc: ServiceError) -> Response:
    return Response({"detail": exc.messages[0]}, status=status.HTTP_400_BAD_REQUEST)


def _service_values(data: dict, *, school, period: InternshipPeriod | None = None) -> dict:
    """Serializer data (partial or whole) → the keyword arguments of the services."""
    base = (
        {name: getattr(period, name) for name in services.PERIOD_FIELDS}
        | {
            "cohort_id": period.cohort_id,
            "classes": list(period.classes.all()),
        }
        if period is not None
        else {}
    )
    merged = base | data
    cohort = Cohort.objects.filter(pk=merged.get("cohort_id"), school=school).first()
    if cohort is None:
        raise ServiceError(_("That cohort is not of this school."))
    classes = list(merged.get("classes") or [])
    if any(c.school_id != school.pk for c in classes):
        raise ServiceError(_("Every class must belong to the chosen cohort."))
    values = {name: merged.get(name) for name in services.PERIOD_FIELDS}
    values["kind"] = values["kind"] or Kind.INDIVIDUAL
    values["hours_per_student"] = values["hours_per_student"] or 30
    values["note"] = values["note"] or ""
    return {"cohort": cohort, "classes": classes, **values}


@extend_schema(
    parameters=[OpenApiParameter("school_year", int, description="Only this school year")]
)
class PeriodViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Internship periods: the coordinator of the school creates, changes (drafts), deletes
    (drafts) and moves them through the workflow; others read what they may see."""

    serializer_class = PeriodSerializer
    queryset = InternshipPeriod.objects.none()

    def get_queryset(self):
        qs = (
            periods_visible_to(self.request.user)
            .select_related("school", "cohort")
            .prefetch_related("classes")
            .order_by("start_date", "pk")
        )
        year = self.request.query_params.get("school_year")
        if year and year.isdigit():
            qs = qs.filter(school_year=int(year))
        return qs

    def _get(self, queryset):
        try:
            pk = int(self.kwargs["pk"])
        except (TypeError, ValueError) as exc:
            raise Http404 from exc
        return access_or_404(queryset, pk=pk)

    def get_object(self):
        return self._get(self.get_queryset())

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        school = schools_managed_by(request.user).filter(pk=data.pop("school_id")).first()
        try:
            if school is None:
                raise ServiceError(_("You may not plan internship periods for this school."))
            period = services.period_create(
                actor=request.user, school=school, **_service_values(data, school=school)
            )
        except ServiceError as exc:
            return _bad(exc)
        return Response(self.get_serializer(period).data, status=status.HTTP_201_CREATED)

    def _update(self, request, partial: bool):
        period = self._get(periods_managed_by(request.user).select_related("school"))
        serializer = self.get_serializer(period, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("school_id", None)
        try:
            period = services.period_update(
                actor=request.user,
                period=period,
                **_service_values(data, school=period.school, period=period),
            )
        except ServiceError as exc:
            return _bad(exc)
        return Response(self.get_serializer(period).data)

    def update(self, request, *args, **kwargs):
        return self._update(request, partial=False)

    def partial_update(self, request, *args, **kwargs):
        return self._update(request, partial=True)

    def destroy(self, request, *args, **kwargs):
        period = self._get(periods_managed_by(request.user))
        try:
            services.period_delete(actor=request.user, period=period)
        except ServiceError as exc:
            return _bad(exc)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=TransitionSerializer, responses=PeriodSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        period = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            period = services.period_transition(
                actor=request.user,
                period=period,
                to_status=serializer.validated_data["to"],
                reason=serializer.validated_data.get("reason", ""),
            )
        except ServiceError as exc:
            return _bad(exc)
        return Response(self.get_serializer(period).data)


class OverviewView(APIView):
    """The aggregated yearly overview of a region: per week demand against supply, per
    school and week the students on internship, and the peaks (with shifting advice for
    the broker). Schools and organisations get it once the broker has published it."""

    @extend_schema(
        parameters=[
            OpenApiParameter("region", int),
            OpenApiParameter("year", int, description="School year (its first calendar year)"),
            OpenApiParameter("sector", str, enum=Sector.values),
            OpenApiParameter("level", str, enum=Level.values),
        ],
        responses=inline_serializer("PlanningOverview", {"weeks": serializers.ListField()}),
    )
    def get(self, request):
        regions = regions_for_overview(request.user).order_by("name", "pk")
        wanted = request.query_params.get("region")
        region = access_or_404(regions, pk=wanted) if wanted else regions.first()
        if region is None:
            raise Http404
        try:
            year = int(request.query_params.get("year") or current_school_year())
        except ValueError:
            return Response({"detail": _("The year must be a number.")}, status=400)
        sector = request.query_params.get("sector") or None
        level = request.query_params.get("level") or None
        if sector is not None and sector not in Sector.values:
            return Response({"detail": _("Unknown sector.")}, status=400)
        if level is not None and level not in Level.values:
            return Response({"detail": _("Unknown level.")}, status=400)
        live = may_see_live_overview(request.user, region)
        planning_year = planning_year_of(region, year)
        if not live and planning_year.published_at is None:
            raise Http404
        data = overview_data(
            region=region, school_year=year, sector=sector, level=level, advice=live
        )
        o = data.overview
        return Response(
            {
                "region": {"id": region.pk, "name": region.name},
                "school_year": year,
                "sector": sector,
                "level": level,
                "threshold": o.threshold,
                "published_at": planning_year.published_at,
                "weeks": [
                    {
                        "week": row["number"],
                        "monday": row["monday"],
                        "demand": round(row["demand"], 2),
                        "supply": round(row["supply"], 2),
                        "peak_levels": [
                            p.level or "all" for p in o.peaks if row["index"] in p.weeks
                        ],
                    }
                    for row in data.week_rows()
                ],
                "schools": [
                    {
                        "id": sid,
                        "name": name,
                        "demand": [round(v, 2) for v in o.school_demand[sid]],
                    }
                    for sid, name in o.schools
                ],
                "peaks": [
                    {
                        "level": v.peak.level or "all",
                        "weeks": v.week_numbers,
                        "demand": round(v.peak.demand, 2),
                        "supply": round(v.peak.supply, 2),
                        "schools": [
                            {"id": sid, "name": name, "students": round(most, 2)}
                            for sid, name, most in v.peak.schools
                        ],
                        "advice": [
                            {
                                "period": s.period_id,
                                "school": s.school_id,
                                "shift_weeks": s.shift_weeks,
                                "new_start": s.new_start,
                                "new_end": s.new_end,
                                "relief": round(s.relief, 2),
                            }
                            for s in v.advice
                        ],
                    }
                    for v in data.peaks
                ],
            }
        )
