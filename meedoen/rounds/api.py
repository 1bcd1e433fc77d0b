"""REST API of the matching rounds: rounds, their offers, choices and results.

Rounds come from the scoped selectors (forbidden answers 404 like missing). A student
reads and sets their own choices (``PUT /rounds/{id}/choices/`` with ``{"choices": [offer
ids, most wanted first]}``); a mentor or the coordinator does so for a student with
``?student=<id>`` (or ``"student"`` in the body). Refused changes answer 400 with
``{"detail": message}`` and change nothing. Results appear once the round is published:
each visible student's offer, rank and the engine's explanation.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from meedoen.core.errors import ServiceError
from meedoen.core.policy import access_or_404

from . import services
from .models import Round, RoundStudent
from .selectors import (
    choices_by_entry,
    entries_visible_to,
    entry_for_choosing,
    manages,
    round_offers,
    rounds_visible_to,
)
from .workflows import RoundStatus


class RoundSerializer(serializers.ModelSerializer):
    school = serializers.IntegerField(source="school_id")
    period = serializers.IntegerField(source="period_id")
    follow_up_of = serializers.IntegerField(source="follow_up_of_id", allow_null=True)

    class Meta:
        model = Round
        fields = [
            "id",
            "name",
            "school",
            "period",
            "status",
            "max_choices",
            "opens_on",
            "closes_on",
            "follow_up_of",
            "published_at",
        ]
        read_only_fields = fields


class OfferSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    organisation = serializers.CharField(source="organisation.name")
    capacity = serializers.IntegerField()
    min_age = serializers.IntegerField()
    levels = serializers.ListField(child=serializers.CharField())
    guidance_offered = serializers.CharField()


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
        """The engine's runs (coordinator): mode, when, by whom, totals, assignment."""
        rnd = self.get_object()
        if not manages(request.user, rnd):
            raise Http404
        return Response(
            {
                "runs": [
                    {
                        "id": r.pk,
                        "mode": r.mode,
                        "created_at": r.created_at,
                        "created_by": r.created_by_id,
                        "stats": r.stats,
                        "assignment": r.assignment,
                        "adjustments": r.adjustments,
                        "published": r.pk == rnd.published_run_id,
                    }
                    for r in rnd.runs.all()
                ]
            }
        )
