"""REST API (v1): read endpoints for the foundation's objects, scoped by the same
selectors as the pages; grants can be revoked by the coordinator."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from meedoen.core.errors import ServiceError
from meedoen.core.policy import access_or_404
from meedoen.directory.selectors import organisations_visible_to, schools_visible_to
from meedoen.students import services as student_services
from meedoen.students.selectors import (
    classes_visible_to,
    grants_managed_by,
    grants_visible_to,
    students_visible_to,
)

from . import serializers


class ScopedViewSet(viewsets.GenericViewSet):
    """Every object comes from a scoped selector; forbidden answers 404 like missing."""

    selector = None

    def get_queryset(self):
        return type(self).selector(self.request.user).order_by("pk")

    def get_object(self):
        try:
            pk = int(self.kwargs["pk"])
        except (TypeError, ValueError) as exc:
            raise Http404 from exc
        obj = access_or_404(self.get_queryset(), pk=pk)
        self.check_object_permissions(self.request, obj)
        return obj


class SchoolViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = serializers.SchoolSerializer
    selector = staticmethod(schools_visible_to)

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("board")
            .prefetch_related("locations__municipality")
        )


class OrganisationViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = serializers.OrganisationSerializer
    selector = staticmethod(organisations_visible_to)


class SchoolClassViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = serializers.SchoolClassSerializer
    selector = staticmethod(classes_visible_to)

    def get_queryset(self):
        return super().get_queryset().select_related("cohort")


class StudentViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = serializers.StudentSerializer
    selector = staticmethod(students_visible_to)

    def get_queryset(self):
        return super().get_queryset().prefetch_related("guardians")


class AccessGrantViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = serializers.AccessGrantSerializer
    selector = staticmethod(grants_visible_to)

    @extend_schema(request=None, responses=serializers.AccessGrantSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        try:
            grant = access_or_404(grants_managed_by(request.user), pk=int(pk))
        except (TypeError, ValueError) as exc:
            raise Http404 from exc
        try:
            grant = student_services.access_grant_revoke(actor=request.user, grant=grant)
        except ServiceError as exc:
            return Response({"detail": exc.messages[0]}, status=status.HTTP_400_BAD_REQUEST)
        return Response(self.get_serializer(grant).data)
