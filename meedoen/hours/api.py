"""REST API of the hours app: hour entries (log, change, status), confirmation links,
progress (with the signed record export) and the public certificate verification.
Every object comes from a scoped selector; forbidden answers 404 like missing; a
refused change answers 400 with ``{"detail": message}``."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from meedoen.core.errors import ServiceError
from meedoen.core.policy import access_or_404
from meedoen.placements.models import Placement

from . import selectors, services
from .models import ConfirmationLink, HourEntry


def _refused(exc: ServiceError) -> Response:
    return Response({"detail": exc.messages[0]}, status=status.HTTP_400_BAD_REQUEST)


class HourEntrySerializer(serializers.ModelSerializer):
    placement = serializers.PrimaryKeyRelatedField(queryset=Placement.objects.none())
    student = serializers.IntegerField(source="placement.student_id", read_only=True)
    minutes = serializers.IntegerField(required=False, min_value=1, max_value=24 * 60)
    hours = serializers.DecimalField(max_digits=5, decimal_places=2, read_only=True)
    status = serializers.CharField(
        read_only=True, help_text="unconfirmed, confirmed or disputed (by the organisation)"
    )

    class Meta:
        model = HourEntry
        fields = [
            "id",
            "placement",
            "student",
            "date",
            "start_time",
            "end_time",
            "minutes",
            "hours",
            "activity",
            "note",
            "status",
            "dispute_reason",
            "reviewed_at",
            "version",
        ]
        read_only_fields = ["status", "dispute_reason", "reviewed_at", "version"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["placement"].queryset = selectors.active_placements_for_logging(
                request.user
            )

    def service_kwargs(self) -> dict:
        d = self.validated_data
        return {
            "date": d["date"],
            "start_time": d.get("start_time"),
            "end_time": d.get("end_time"),
            "minutes": d.get("minutes"),
            "activity": d["activity"],
            "note": d.get("note", ""),
        }


class HourEntryUpdateSerializer(HourEntrySerializer):
    placement = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta(HourEntrySerializer.Meta):
        pass


class RequestConfirmationSerializer(serializers.Serializer):
    placement = serializers.IntegerField()
    entries = serializers.ListField(
        child=serializers.IntegerField(), required=False, max_length=500
    )


class ConfirmationLinkSerializer(serializers.ModelSerializer):
    state = serializers.SerializerMethodField()
    entries = serializers.SerializerMethodField()

    class Meta:
        model = ConfirmationLink
        fields = ["id", "placement", "email", "created_at", "expires_at", "used_at", "state",
                  "entries"]  # fmt: skip

    def get_state(self, obj) -> str:
        if obj.used_at:
            return "used"
        return "expired" if obj.expires_at <= timezone.now() else "open"

    def get_entries(self, obj) -> list[int]:
        return [row.entry_id for row in obj.linkentry_set.all()]


class _Scoped(viewsets.GenericViewSet):
    def get_object(self):
        try:
            pk = int(self.kwargs["pk"])
        except (TypeError, ValueError) as exc:
            raise Http404 from exc
        return access_or_404(self.get_queryset(), pk=pk)


class HourEntryViewSet(
    _Scoped, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin
):
    """Hour entries: the student logs and changes them; the school side reads them."""

    serializer_class = HourEntrySerializer

    def get_queryset(self):
        qs = selectors.hour_entries_visible_to(self.request.user).select_related("placement")
        placement = self.request.query_params.get("placement", "")
        if placement.isdigit():
            qs = qs.filter(placement_id=int(placement))
        return qs.order_by("-date", "-pk")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            entry = services.hour_entry_log(
                actor=request.user,
                placement=serializer.validated_data["placement"],
                **serializer.service_kwargs(),
            )
        except ServiceError as exc:
            return _refused(exc)
        return Response(self.get_serializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=HourEntryUpdateSerializer, responses=HourEntrySerializer)
    def partial_update(self, request, pk=None):
        entry = self.get_object()
        managed = selectors.placements_with_hours_managed_by(request.user)
        if not managed.filter(pk=entry.placement_id).exists():
            raise Http404
        current = {
            "date": entry.date,
            "start_time": entry.start_time,
            "end_time": entry.end_time,
            "minutes": entry.minutes,
            "activity": entry.activity,
            "note": entry.note,
        }
        serializer = HourEntryUpdateSerializer(
            data={**{k: v for k, v in current.items() if v is not None}, **request.data},
            context={"request": request},
        )
        serializer.is_valid(raise_exception=True)
        kwargs = serializer.service_kwargs()
        if kwargs["start_time"] is not None:
            kwargs["minutes"] = None
        try:
            entry = services.hour_entry_edit(actor=request.user, entry=entry, **kwargs)
        except ServiceError as exc:
            return _refused(exc)
        return Response(self.get_serializer(entry).data)

    @extend_schema(request=RequestConfirmationSerializer, responses=ConfirmationLinkSerializer)
    @action(detail=False, methods=["post"], url_path="request-confirmation")
    def request_confirmation(self, request):
        """Send the organisation's contact a link for these (or all waiting) entries."""
        serializer = RequestConfirmationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        placement = access_or_404(
            selectors.placements_with_hours_managed_by(request.user),
            pk=serializer.validated_data["placement"],
        )
        entries = None
        if serializer.validated_data.get("entries"):
            entries = list(
                placement.hour_entries.filter(pk__in=serializer.validated_data["entries"])
            )
        try:
            link, _token = services.confirmation_request(
                actor=request.user,
                placement=placement,
                entries=entries,
                base_url=request.build_absolute_uri("/"),
            )
        except ServiceError as exc:
            return _refused(exc)
        return Response(ConfirmationLinkSerializer(link).data, status=status.HTTP_201_CREATED)


class ConfirmationLinkViewSet(_Scoped, mixins.ListModelMixin):
    """The confirmation links sent for hours the person follows, with their state."""

    serializer_class = ConfirmationLinkSerializer

    def get_queryset(self):
        return (
            ConfirmationLink.objects.filter(
                placement__in=selectors.placements_with_hours_managed_by(self.request.user)
            )
            .prefetch_related("linkentry_set")
            .order_by("-created_at")
        )


class ProgressSerializer(serializers.Serializer):
    student = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="full_name")
    school = serializers.CharField(source="school.name")
    school_class = serializers.CharField(source="school_class.name", default=None)
    required_hours = serializers.IntegerField(source="progress.required_hours")
    confirmed_hours = serializers.DecimalField(
        source="progress.confirmed_hours", max_digits=6, decimal_places=1
    )
    unconfirmed_hours = serializers.DecimalField(
        source="progress.unconfirmed_hours", max_digits=6, decimal_places=1
    )
    disputed_hours = serializers.DecimalField(
        source="progress.disputed_hours", max_digits=6, decimal_places=1
    )
    percent = serializers.IntegerField(source="progress.percent")
    met = serializers.BooleanField(source="progress.met")
    behind = serializers.BooleanField(source="progress.behind")


class ProgressViewSet(_Scoped, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Each student's confirmed hours against the requirement (all placements and years).
    ``?behind=1`` keeps the students who are behind for the time of year."""

    serializer_class = ProgressSerializer

    def get_queryset(self):
        return selectors.progress_rows(
            selectors.students_followed_by(self.request.user),
            behind_only=self.request.query_params.get("behind") == "1",
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        selectors.attach_progress(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        student = self.get_object()
        selectors.attach_progress([student])
        return Response(self.get_serializer(student).data)

    @extend_schema(
        responses={(200, "application/zip"): OpenApiResponse(description="Signed record file")}
    )
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        """The student's signed MaS record (ZIP: record.json, .sig, record.pdf)."""
        try:
            student = access_or_404(selectors.students_managed_by(request.user), pk=int(pk))
        except (TypeError, ValueError) as exc:
            raise Http404 from exc
        data = services.record_export(actor=request.user, student=student)
        response = HttpResponse(data, content_type="application/zip")
        response["Content-Disposition"] = (
            f'attachment; filename="mas-record-{student.student_number}.zip"'
        )
        return response


class CertificateVerifySerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    name = serializers.CharField(required=False)
    school = serializers.CharField(required=False)
    hours = serializers.DecimalField(max_digits=6, decimal_places=1, required=False)


class CertificateVerifyView(APIView):
    """Public: check a certificate's verification code (name, school and hours only)."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [AnonRateThrottle]

    @extend_schema(responses={200: CertificateVerifySerializer, 404: CertificateVerifySerializer})
    def get(self, request, code: str):
        certificate = selectors.certificate_by_code(code)
        if certificate is None:
            return Response({"valid": False}, status=status.HTTP_404_NOT_FOUND)
        return Response(
            {
                "valid": True,
                "name": certificate.student_name,
                "school": certificate.school_name,
                "hours": str(certificate.hours),
            }
        )
