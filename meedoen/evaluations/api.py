"""REST API of the evaluations app: a placement's evaluations (read by the same rules as
the pages; the organisation never gets the student's evaluation), submitting one, and the
broker's per-organisation figures and attention flags."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from meedoen.core.errors import ServiceError
from meedoen.core.policy import access_or_404

from . import selectors, services
from .models import Answer, AttentionFlag, Evaluation


class AnswerSerializer(serializers.ModelSerializer):
    question = serializers.CharField(source="question.text")
    code = serializers.CharField(source="question.code")

    class Meta:
        model = Answer
        fields = ["question", "code", "scale", "text"]


KIND_HELP = "student, organisation or school"


class EvaluationSerializer(serializers.ModelSerializer):
    answers = AnswerSerializer(many=True, read_only=True)
    kind = serializers.CharField(read_only=True, help_text=KIND_HELP)

    class Meta:
        model = Evaluation
        fields = ["id", "placement", "kind", "average", "submitted_at", "via_link", "answers"]


class EvaluationSubmitSerializer(serializers.Serializer):
    placement = serializers.IntegerField()
    kind = serializers.CharField(max_length=12, help_text=KIND_HELP)
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=2000),
        help_text="Question id (or code) → answer: 1–5 for scaled questions, text otherwise.",
    )


class _Scoped(viewsets.GenericViewSet):
    def get_object(self):
        try:
            pk = int(self.kwargs["pk"])
        except (TypeError, ValueError) as exc:
            raise Http404 from exc
        return access_or_404(self.get_queryset(), pk=pk)


class EvaluationViewSet(_Scoped, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = EvaluationSerializer

    def get_queryset(self):
        qs = selectors.evaluations_visible_to(self.request.user).prefetch_related(
            "answers__question"
        )
        placement = self.request.query_params.get("placement", "")
        if placement.isdigit():
            qs = qs.filter(placement_id=int(placement))
        return qs.order_by("-submitted_at", "-pk")

    @extend_schema(request=EvaluationSubmitSerializer, responses=EvaluationSerializer)
    def create(self, request):
        serializer = EvaluationSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        placement = access_or_404(
            selectors.placements_for_evaluation(request.user),
            pk=serializer.validated_data["placement"],
        )
        try:
            evaluation = services.evaluation_submit(
                actor=request.user,
                placement=placement,
                kind=serializer.validated_data["kind"],
                answers=serializer.validated_data["answers"],
            )
        except ServiceError as exc:
            return Response({"detail": exc.messages[0]}, status=status.HTTP_400_BAD_REQUEST)
        return Response(EvaluationSerializer(evaluation).data, status=status.HTTP_201_CREATED)


class OrganisationSummarySerializer(serializers.Serializer):
    organisation = serializers.IntegerField(source="organisation.pk")
    name = serializers.CharField(source="organisation.name")
    student = serializers.DictField(allow_null=True)
    school = serializers.DictField(allow_null=True)
    open_flags = serializers.IntegerField()


class OrganisationSummaryViewSet(viewsets.GenericViewSet, mixins.ListModelMixin):
    """The broker's figures: per organisation, average and number of evaluations by
    students and by schools (no names), and open attention flags."""

    serializer_class = OrganisationSummarySerializer

    def get_queryset(self):
        return selectors.organisations_evaluated_for(self.request.user).order_by("name")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        rows = selectors.organisation_summaries(page)
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


class AttentionFlagSerializer(serializers.ModelSerializer):
    class Meta:
        model = AttentionFlag
        fields = ["id", "organisation", "vacancy", "reason", "average", "created_at",
                  "resolved_at", "resolution"]  # fmt: skip


class AttentionFlagViewSet(_Scoped, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = AttentionFlagSerializer

    def get_queryset(self):
        return selectors.flags_visible_to(self.request.user).order_by("-created_at", "-pk")
