"""REST API of placements: read placements and their history, make transitions, read the
agreement's status. Signing itself is only possible through the personal links."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from meedoen.core.errors import ServiceError
from meedoen.core.policy import access_or_404

from . import selectors, services
from . import workflows as wf
from .access import actor_kinds
from .models import Placement, PlacementEvent, SignatureRequest


class PlacementEventSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="action_label")
    actor = serializers.CharField(source="actor_label")
    # Plain strings (not enums) so the schema has one enum per choice set, not one per field.
    from_status = serializers.CharField()
    to_status = serializers.CharField()

    class Meta:
        model = PlacementEvent
        fields = ["action", "label", "from_status", "to_status", "actor", "reason", "at"]


class PlacementSerializer(serializers.ModelSerializer):
    """Of the student only the name and school: the organisation's need-to-know."""

    student_name = serializers.CharField(source="student.full_name")
    school = serializers.CharField(source="student.school.name")
    organisation_name = serializers.CharField(source="organisation.name")
    actions = serializers.SerializerMethodField()
    events = PlacementEventSerializer(many=True, read_only=True)
    status = serializers.CharField(read_only=True, help_text="One of PlacementStatus")
    source = serializers.CharField(read_only=True)

    class Meta:
        model = Placement
        fields = [
            "id",
            "student_name",
            "school",
            "organisation",
            "organisation_name",
            "vacancy",
            "group",
            "source",
            "activity",
            "status",
            "status_reason",
            "start_date",
            "end_date",
            "hours",
            "actions",
            "events",
        ]

    def get_actions(self, obj) -> list[str]:
        return wf.actions_for(obj.status, actor_kinds(self.context["request"].user, obj))


class PlacementTransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(wf.ACTIONS))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    not_paid_work = serializers.BooleanField(required=False, default=False)


class PlacementSignatureSerializer(serializers.ModelSerializer):
    party = serializers.CharField()
    state = serializers.SerializerMethodField()

    class Meta:
        model = SignatureRequest
        fields = ["party", "name", "state", "signed_at", "expires_at"]

    def get_state(self, obj) -> str:
        return getattr(obj, "display_state", obj.state())


class PlacementAgreementStatusSerializer(serializers.Serializer):
    version = serializers.IntegerField(allow_null=True)
    sha256 = serializers.CharField(allow_blank=True)
    complete = serializers.BooleanField()
    signatures = PlacementSignatureSerializer(many=True)


class PlacementViewSet(viewsets.GenericViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = PlacementSerializer

    def get_queryset(self):
        qs = selectors.placements_visible_to(self.request.user).select_related(
            "student__school", "organisation"
        )
        state = self.request.query_params.get("status")
        if state:
            qs = qs.filter(status=state)
        return qs.prefetch_related("events").order_by("pk")

    def get_object(self):
        try:
            pk = int(self.kwargs["pk"])
        except (TypeError, ValueError) as exc:
            raise Http404 from exc
        return access_or_404(self.get_queryset(), pk=pk)

    @extend_schema(request=PlacementTransitionSerializer, responses=PlacementSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        placement = self.get_object()
        data = PlacementTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            placement = services.placement_transition(
                placement=placement, by=request.user, **data.validated_data
            )
        except ServiceError as exc:
            return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(responses=PlacementAgreementStatusSerializer)
    @action(detail=True, methods=["get"])
    def agreement(self, request, pk=None):
        placement = self.get_object()
        version = selectors.current_version(selectors.agreement_of(placement))
        coordinator = wf.COORDINATOR in actor_kinds(request.user, placement)
        rows = selectors.signature_rows(
            version, student_id=None if coordinator else placement.student_id
        )
        body = {
            "version": version.number if version else None,
            "sha256": version.sha256 if version else "",
            "complete": bool(version and version.completed_at),
            "signatures": rows,
        }
        return Response(PlacementAgreementStatusSerializer(body).data)
