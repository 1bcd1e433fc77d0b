"""REST API of the matching rounds: rounds, their offers, choices and results.

Rounds come from the scoped selectors (forbidden answers 404 like missing). A student
reads and sets their own choices (``PUT /rounds/{id}/choices/`` with ``{"choices": [offer
ids, most wanted first]}``); a mentor or the coordinator does so for a student with
``?student=<id>`` (or ``"student"`` in the body). Refused changes answer 400 with
``{"detail": message}`` and change nothing. Results appear once the round is published:
each visible student's offer, rank and the engine's explanation.

The broker creates a region round with ``POST /rounds/`` (name, window, ``levels``,
``years`` of study as whole numbers 1-6, empty for all; number of choices and dates); the
round's owner changes its settings with ``PATCH /rounds/{id}/`` (name, ``max_choices``,
dates, a region round's ``years``) while it is a draft or open. Refusals answer 400 and
change nothing.

Region rounds are served by the same endpoints with the same rules (``school`` and
``period`` are null, ``region``, the window, the levels and the years are set): the broker
reads the round, its offers and the runs' figures but no student unless a school granted
them; each enrolled school's coordinator reads their own students. A coordinator enrols a
period with ``POST /rounds/{id}/enrol/`` ``{"period": id}`` and withdraws it with ``POST
/rounds/{id}/withdraw/`` ``{"period": id}``.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from meedoen.core.errors import ServiceError
from meedoen.core.policy import access_or_404, principal_for
from meedoen.directory.models import Region
from meedoen.planning.selectors import periods_managed_by
from meedoen.students.models import Level

from . import services
from .models import (
    DEFAULT_CHOICES,
    MAX_CHOICES,
    YEARS_OF_STUDY,
    Round,
    RoundEnrolment,
    RoundStudent,
)
from .selectors import (
    choices_by_entry,
    entries_visible_to,
    entry_for_choosing,
    round_offers,
    rounds_managed_by,
    rounds_reviewed_by,
    rounds_visible_to,
    run_figures,
    sees_all_entries,
)
from .workflows import RoundStatus


class RoundSerializer(serializers.ModelSerializer):
    school = serializers.IntegerField(source="school_id", allow_null=True)
    period = serializers.IntegerField(source="period_id", allow_null=True)
    region = serializers.IntegerField(source="region_id", allow_null=True)
    region_round = serializers.BooleanField(source="is_region_round")
    follow_up_of = serializers.IntegerField(source="follow_up_of_id", allow_null=True)

    class Meta:
        model = Round
        fields = [
            "id",
            "name",
            "school",
            "period",
            "region",
            "region_round",
            "window_start",
            "window_end",
            "levels",
            "years",
            "status",
            "max_choices",
            "opens_on",
            "closes_on",
            "follow_up_of",
            "published_at",
        ]
        read_only_fields = fields


YEARS_ERROR = _("The year of study must be a number from 1 to 6.")


class YearsField(serializers.ListField):
    """Years of study: a list of whole numbers 1-6 (empty: every year)."""

    def __init__(self, **kwargs):
        super().__init__(
            child=serializers.IntegerField(),
            error_messages={"not_a_list": YEARS_ERROR},
            **kwargs,
        )

    def to_internal_value(self, data):
        if isinstance(data, (str, dict)) or not hasattr(data, "__iter__"):
            raise serializers.ValidationError(YEARS_ERROR)
        years = list(data)
        if any(
            isinstance(y, bool) or not isinstance(y, int) or y not in YEARS_OF_STUDY for y in years
        ):
            raise serializers.ValidationError(YEARS_ERROR)
        return sorted(set(years))


class RegionRoundCreateSerializer(serializers.Serializer):
    """A new region round (the broker's region)."""

    name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    window_start = serializers.DateField()
    window_end = serializers.DateField()
    levels = serializers.ListField(
        child=serializers.ChoiceField(choices=Level.choices), required=False
    )
    years = YearsField(required=False)
    max_choices = serializers.IntegerField(
        min_value=1, max_value=MAX_CHOICES, default=DEFAULT_CHOICES
    )
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()


class RoundUpdateSerializer(serializers.Serializer):
    """A round's settings; what is left out stays as it is."""

    name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    max_choices = serializers.IntegerField(min_value=1, max_value=MAX_CHOICES, required=False)
    opens_on = serializers.DateField(required=False)
    closes_on = serializers.DateField(required=False)
    years = YearsField(required=False)


class OfferSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    organisation = serializers.CharField(source="organisation.name")
    capacity = serializers.IntegerField()
    min_age = serializers.IntegerField()
    levels = serializers.ListField(child=serializers.CharField())
    guidance_offered = serializers.CharField()


class RoundPeriodSerializer(serializers.Serializer):
    period = serializers.IntegerField()


class EnrolmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = RoundEnrolment
        fields = ["id", "round", "school", "period", "enrolled_by", "enrolled_at", "withdrawn_at"]
        read_only_fields = fields


class ChoicesSerializer(serializers.Serializer):
    student = serializers.IntegerField(required=False)
    choices = serializers.ListField(child=serializers.IntegerField(), max_length=50)


def _bad(exc: ServiceError) -> Response:
    return Response({"detail": exc.messages[0]}, status=status.HTTP_400_BAD_REQUEST)


class RoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Matching rounds the person may see."""

    serializer_class = RoundSerializer
    queryset = Round.objects.none()

    def get_queryset(self):
        return rounds_visible_to(self.request.user).order_by("-opens_on", "-pk")

    def get_object(self):
        try:
            pk = int(self.kwargs["pk"])
        except (TypeError, ValueError) as exc:
            raise Http404 from exc
        return access_or_404(self.get_queryset().select_related("period", "school"), pk=pk)

    @extend_schema(request=RegionRoundCreateSerializer, responses={201: RoundSerializer})
    def create(self, request):
        """The broker creates a region round (a draft) for their region."""
        p = principal_for(request.user)
        regions = (
            Region.objects.all()
            if p.is_admin
            else Region.objects.filter(pk__in=p.broker_region_ids)
        )
        region = regions.order_by("name", "pk").first()
        if region is None:
            raise Http404
        serializer = RegionRoundCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            rnd = services.region_round_create(
                actor=request.user, region=region, **serializer.validated_data
            )
        except ServiceError as exc:
            return _bad(exc)
        return Response(RoundSerializer(rnd).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RoundUpdateSerializer, responses=RoundSerializer)
    def partial_update(self, request, pk=None):
        """The round's owner changes its settings while it is a draft or open."""
        rnd = self.get_object()
        rnd = access_or_404(rounds_managed_by(request.user), pk=rnd.pk)
        serializer = RoundUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            rnd = services.round_update(
                actor=request.user,
                round=rnd,
                name=data.get("name", rnd.name),
                max_choices=data.get("max_choices", rnd.max_choices),
                opens_on=data.get("opens_on", rnd.opens_on),
                closes_on=data.get("closes_on", rnd.closes_on),
                years=data.get("years"),
            )
        except ServiceError as exc:
            return _bad(exc)
        return Response(RoundSerializer(rnd).data)

    @extend_schema(responses=OfferSerializer(many=True))
    @action(detail=True, methods=["get"])
    def offers(self, request, pk=None):
        """The offers students can choose from in this round."""
        rnd = self.get_object()
        return Response(OfferSerializer(round_offers(rnd), many=True).data)

    def _entry(self, rnd, student) -> RoundStudent:
        if student in (None, ""):
            entry = RoundStudent.objects.filter(
                round=rnd, student__user_id=self.request.user.pk
            ).first()
            if entry is None:
                raise Http404
            student = entry.student_id
        try:
            return entry_for_choosing(self.request.user, rnd, int(student))
        except (RoundStudent.DoesNotExist, TypeError, ValueError) as exc:
            raise Http404 from exc

    @extend_schema(
        parameters=[OpenApiParameter("student", int, description="Another student's choices")],
        request=ChoicesSerializer,
        responses=inline_serializer(
            "RoundChoices",
            {
                "student": serializers.IntegerField(),
                "choices": serializers.ListField(child=serializers.IntegerField()),
                "max_choices": serializers.IntegerField(),
                "can_choose": serializers.BooleanField(),
            },
        ),
    )
    @action(detail=True, methods=["get", "put"])
    def choices(self, request, pk=None):
        """A student's ranked choices (own, or ``?student=`` for a mentor or coordinator)."""
        rnd = self.get_object()
        if request.method == "PUT":
            serializer = ChoicesSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            entry = self._entry(rnd, data.get("student", request.query_params.get("student")))
            try:
                services.choices_set(actor=request.user, entry=entry, vacancy_ids=data["choices"])
            except ServiceError as exc:
                return _bad(exc)
        else:
            entry = self._entry(rnd, request.query_params.get("student"))
        chosen = choices_by_entry([entry])[entry.pk]
        return Response(
            {
                "student": entry.student_id,
                "choices": [c.vacancy_id for c in chosen],
                "max_choices": rnd.max_choices,
                "can_choose": services.choosing_problem(rnd) is None and not entry.in_mediation,
            }
        )

    @extend_schema(
        responses=inline_serializer(
            "RoundResults",
            {
                "published": serializers.BooleanField(),
                "results": serializers.ListField(child=serializers.DictField()),
            },
        )
    )
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        """Once published: per visible student the offer, rank, placement and explanation."""
        rnd = self.get_object()
        if rnd.status != RoundStatus.PUBLISHED:
            return Response({"published": False, "results": []})
        entries = entries_visible_to(request.user, rnd).order_by("student_id")
        return Response(
            {
                "published": True,
                "results": [
                    {
                        "student": e.student_id,
                        "offer": e.result_vacancy_id,
                        "rank": e.result_rank,
                        "placement": e.result_placement_id or e.mediation_placement_id,
                        "mediation": bool(e.mediation_placement_id),
                        "explanation": e.explanation,
                    }
                    for e in entries
                ],
            }
        )

    @extend_schema(
        responses=inline_serializer(
            "RoundRuns", {"runs": serializers.ListField(child=serializers.DictField())}
        )
    )
    @action(detail=True, methods=["get"])
    def runs(self, request, pk=None):
        """The engine's runs (the round's owner; in a region round also the enrolled
        schools' coordinators): mode, when, by whom, totals, and the assignment and hand
        adjustments of the students the person may see (a region round's broker: figures
        per school and per offer, no students)."""
        rnd = self.get_object()
        if not rounds_reviewed_by(request.user).filter(pk=rnd.pk).exists():
            raise Http404
        everyone = sees_all_entries(request.user, rnd)
        shown = (
            None
            if everyone
            else {
                str(s)
                for s in entries_visible_to(request.user, rnd).values_list("student_id", flat=True)
            }
        )

        def only_shown(assignment: dict) -> dict:
            return (
                assignment if shown is None else {k: v for k, v in assignment.items() if k in shown}
            )

        return Response(
            {
                "runs": [
                    {
                        "id": r.pk,
                        "mode": r.mode,
                        "created_at": r.created_at,
                        "created_by": r.created_by_id,
                        "stats": r.stats,
                        "assignment": only_shown(r.assignment),
                        "adjustments": [
                            a for a in r.adjustments if shown is None or str(a["student"]) in shown
                        ],
                        "figures": run_figures(rnd, r) if rnd.is_region_round else None,
                        "published": r.pk == rnd.published_run_id,
                    }
                    for r in rnd.runs.all()
                ]
            }
        )

    def _coordinating(self, rnd):
        p = principal_for(self.request.user)
        if not rnd.is_region_round or not (p.coordinator_school_ids or p.is_admin):
            raise Http404

    @extend_schema(request=RoundPeriodSerializer, responses={201: EnrolmentSerializer})
    @action(detail=True, methods=["post"])
    def enrol(self, request, pk=None):
        """A coordinator enrols one of the school's periods in this open region round."""
        rnd = self.get_object()
        self._coordinating(rnd)
        serializer = RoundPeriodSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        period = access_or_404(
            periods_managed_by(request.user), pk=serializer.validated_data["period"]
        )
        try:
            enrolment = services.round_enrol(actor=request.user, round=rnd, period=period)
        except ServiceError as exc:
            return _bad(exc)
        return Response(EnrolmentSerializer(enrolment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RoundPeriodSerializer, responses=EnrolmentSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """A coordinator withdraws the school's period from the region round before closing."""
        rnd = self.get_object()
        self._coordinating(rnd)
        serializer = RoundPeriodSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        p = principal_for(request.user)
        enrolments = RoundEnrolment.objects.filter(round=rnd, withdrawn_at__isnull=True)
        if not p.is_admin:
            enrolments = enrolments.filter(school_id__in=p.coordinator_school_ids)
        enrolment = access_or_404(enrolments, period_id=serializer.validated_data["period"])
        try:
            enrolment = services.round_withdraw(actor=request.user, enrolment=enrolment)
        except ServiceError as exc:
            return _bad(exc)
        return Response(EnrolmentSerializer(enrolment).data)
