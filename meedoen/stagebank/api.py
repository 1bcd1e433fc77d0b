"""REST API of the placement bank: ``/api/v1/vacancies/``.

Same access as the pages: published offers for every signed-in person, an
organisation's own offers in any state for its contacts, all offers of a region for its
broker. The list takes the bank's search filters (``q``, ``sector``, ``level``, ``age``,
``kind``, ``guidance``, ``format``, ``date_from``, ``date_to``, ``weekday``, ``open``,
``near``/``pc``/``km``, ``sort``) plus ``status`` for those who manage offers.
Organisations create and change their offers and move them through the workflow
(``POST …/{id}/submit/`` and so on); the broker publishes and returns.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from meedoen.core.errors import ServiceError
from meedoen.core.policy import access_or_404
from meedoen.directory.models import ContactPerson, Organisation, Sector
from meedoen.students.models import GuidanceLevel, Level

from . import services
from .forms import SearchForm
from .models import WEEKDAYS, DayPart, Format, Kind, Vacancy
from .selectors import (
    PAGE_SIZE,
    organisations_writable_by,
    student_of,
    vacancies_managed_by,
    vacancies_reviewable_by,
    vacancies_visible_to,
    vacancy_search,
    with_places,
)
from .workflows import VacancyStatus


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContactPerson
        fields = ["id", "name", "email", "phone", "function"]


class VacancySerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    contact = ContactSerializer(read_only=True)
    places_left = serializers.SerializerMethodField()
    distance_km = serializers.SerializerMethodField()

    class Meta:
        model = Vacancy
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "school_year",
            "status",
            "return_reason",
            "title",
            "description",
            "sector",
            "activities",
            "kind",
            "group_min",
            "group_max",
            "capacity",
            "places_left",
            "min_age",
            "levels",
            "guidance_offered",
            "vog_required",
            "start_date",
            "end_date",
            "weekdays",
            "day_parts",
            "formats",
            "expected_hours",
            "street",
            "postcode",
            "city",
            "latitude",
            "longitude",
            "distance_km",
            "contact",
            "renewed_from",
            "submitted_at",
            "published_at",
        ]
        read_only_fields = fields

    def get_places_left(self, obj) -> int:
        return getattr(obj, "places_left", obj.capacity)

    def get_distance_km(self, obj) -> float | None:
        distance = getattr(obj, "distance", None)
        return None if distance is None else round(distance, 2)


class VacancyWriteSerializer(serializers.Serializer):
    """What an organisation writes; the rules are the service's (``vacancy_data_errors``)."""

    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.none())
    title = serializers.CharField(max_length=120)
    description = serializers.CharField()
    sector = serializers.ChoiceField(choices=Sector.choices)
    activities = serializers.CharField(required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=Kind.choices)
    group_min = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    group_max = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    capacity = serializers.IntegerField(min_value=0, max_value=1000)
    min_age = serializers.IntegerField(min_value=0, max_value=100, default=12)
    levels = serializers.ListField(child=serializers.ChoiceField(choices=Level.choices))
    guidance_offered = serializers.ChoiceField(
        choices=GuidanceLevel.choices, default=GuidanceLevel.STANDARD
    )
    vog_required = serializers.BooleanField(default=False)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    weekdays = serializers.ListField(
        child=serializers.ChoiceField(choices=WEEKDAYS), required=False, default=list
    )
    day_parts = serializers.ListField(
        child=serializers.ChoiceField(choices=DayPart.choices), required=False, default=list
    )
    formats = serializers.ListField(
        child=serializers.ChoiceField(choices=Format.choices), required=False, default=list
    )
    expected_hours = serializers.IntegerField(min_value=0, max_value=1000, default=30)
    contact = serializers.PrimaryKeyRelatedField(
        queryset=ContactPerson.objects.none(), required=False, allow_null=True, default=None
    )
    street = serializers.CharField(max_length=200, required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=7, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    latitude = serializers.FloatField(required=False, allow_null=True)
    longitude = serializers.FloatField(required=False, allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        organisations = organisations_writable_by(user)
        self.fields["organisation"].queryset = organisations
        self.fields["contact"].queryset = ContactPerson.objects.filter(
            organisation__in=organisations
        )
        if self.instance is not None:
            # The organisation of an existing offer does not change.
            self.fields.pop("organisation")


class PublishSerializer(serializers.Serializer):
    checklist = serializers.ListField(
        child=serializers.CharField(max_length=40),
        help_text="Codes of the quality criteria the broker ticked; all active ones are needed.",
    )


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ClampedPagination(PageNumberPagination):
    """Pages of 20; a page number past the end gives the last page, never an error."""

    page_size = PAGE_SIZE

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page = Paginator(queryset, self.page_size).get_page(
            request.query_params.get(self.page_query_param)
        )
        return with_places(list(self.page))


FILTER_PARAMETERS = [
    OpenApiParameter("q", str, description="Words to search for (Dutch full text)."),
    OpenApiParameter("sector", str, enum=Sector.values),
    OpenApiParameter("level", str, enum=Level.values),
    OpenApiParameter("age", int, description="Offers open to students of this age."),
    OpenApiParameter("kind", str, enum=Kind.values),
    OpenApiParameter("guidance", str, enum=GuidanceLevel.values, description="At least."),
    OpenApiParameter("format", str, enum=Format.values),
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="Period overlapping from."),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="Period overlapping until."),
    OpenApiParameter("weekday", int, description="0 = Monday … 6 = Sunday."),
    OpenApiParameter("open", bool, description="Only offers with places left."),
    OpenApiParameter("fits", bool, description="Students: fits the school's periods."),
    OpenApiParameter("near", str, enum=["school", "postcode"]),
    OpenApiParameter("pc", str, description="Postcode to measure distance from."),
    OpenApiParameter("km", float, description="Radius in km (with near or pc)."),
    OpenApiParameter("sort", str, enum=["relevance", "distance", "newest", "start"]),
    OpenApiParameter("status", str, enum=VacancyStatus.values, description="Managers only."),
]


def _service_call(fn, **kwargs):
    try:
        return fn(**kwargs)
    except ServiceError as exc:
        if hasattr(exc, "error_dict"):
            raise serializers.ValidationError(exc.message_dict) from exc
        raise serializers.ValidationError({"detail": exc.messages[0]}) from exc


@extend_schema_view(
    list=extend_schema(parameters=FILTER_PARAMETERS),
    create=extend_schema(request=VacancyWriteSerializer, responses={201: VacancySerializer}),
    update=extend_schema(request=VacancyWriteSerializer, responses=VacancySerializer),
    partial_update=extend_schema(request=VacancyWriteSerializer, responses=VacancySerializer),
)
class VacancyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = VacancySerializer
    pagination_class = ClampedPagination
    queryset = Vacancy.objects.none()

    def get_queryset(self):
        return (
            vacancies_visible_to(self.request.user)
            .select_related("organisation", "contact")
            .defer("search_vector")
        )

    def _get(self, queryset) -> Vacancy:
        try:
            pk = int(self.kwargs["pk"])
        except (TypeError, ValueError) as exc:
            raise Http404 from exc
        return access_or_404(queryset.select_related("organisation"), pk=pk)

    def get_object(self):
        vacancy = self._get(self.get_queryset())
        with_places([vacancy])
        return vacancy

    def list(self, request, *args, **kwargs):
        student = student_of(request.user)
        form = SearchForm(request.query_params, student=student is not None)
        if not form.is_valid():
            return Response(
                {"detail": "Invalid filters.", "errors": form.errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        params, notes = form.to_params(user=request.user, student=student, public=False)
        queryset = self.get_queryset()
        wanted = request.query_params.get("status", "")
        if wanted in VacancyStatus.values:
            queryset = queryset.filter(status=wanted)
        page = self.paginate_queryset(vacancy_search(queryset, params))
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        if notes:
            response.data["notes"] = [str(n) for n in notes]
        return response

    def create(self, request, *args, **kwargs):
        write = VacancyWriteSerializer(data=request.data, context={"request": request})
        write.is_valid(raise_exception=True)
        data = dict(write.validated_data)
        organisation = data.pop("organisation")
        vacancy = _service_call(
            services.vacancy_create, actor=request.user, organisation=organisation, data=data
        )
        return Response(self._read(vacancy.pk), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        vacancy = self._get(vacancies_managed_by(request.user))
        partial = kwargs.pop("partial", False)
        write = VacancyWriteSerializer(
            vacancy, data=request.data, partial=partial, context={"request": request}
        )
        write.is_valid(raise_exception=True)
        _service_call(
            services.vacancy_update,
            actor=request.user,
            vacancy=vacancy,
            data=dict(write.validated_data),
        )
        return Response(self._read(vacancy.pk))

    def _read(self, pk: int) -> dict:
        vacancy = self.get_queryset().get(pk=pk)
        with_places([vacancy])
        return VacancySerializer(vacancy, context={"request": self.request}).data

    def _act(self, request, service, scope=vacancies_managed_by, **kwargs):
        vacancy = self._get(scope(request.user))
        result = _service_call(service, actor=request.user, vacancy=vacancy, **kwargs)
        code = status.HTTP_201_CREATED if result.pk != vacancy.pk else status.HTTP_200_OK
        return Response(self._read(result.pk), status=code)

    @extend_schema(request=None, responses=VacancySerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._act(request, services.vacancy_submit)

    @extend_schema(request=None, responses=VacancySerializer)
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        return self._act(request, services.vacancy_pause)

    @extend_schema(request=None, responses=VacancySerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._act(request, services.vacancy_resume)

    @extend_schema(request=None, responses=VacancySerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._act(request, services.vacancy_close)

    @extend_schema(request=None, responses={201: VacancySerializer})
    @action(detail=True, methods=["post"])
    def renew(self, request, pk=None):
        return self._act(request, services.vacancy_renew)

    @extend_schema(request=None, responses=VacancySerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        return self._act(request, services.vacancy_archive, scope=vacancies_reviewable_by)

    @extend_schema(request=PublishSerializer, responses=VacancySerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        vacancy = self._get(vacancies_reviewable_by(request.user))
        body = PublishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        _service_call(
            services.vacancy_publish,
            actor=request.user,
            vacancy=vacancy,
            checklist=body.validated_data["checklist"],
        )
        return Response(self._read(vacancy.pk))

    @extend_schema(request=ReturnSerializer, responses=VacancySerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        vacancy = self._get(vacancies_reviewable_by(request.user))
        body = ReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        _service_call(
            services.vacancy_return,
            actor=request.user,
            vacancy=vacancy,
            reason=body.validated_data["reason"],
        )
        return Response(self._read(vacancy.pk))
