"""REST API of the reports: the aggregates of each report, and the subsidy schemes.

The same access as the pages (``presenters.target_for``): a report a person may not see
answers 404 like a missing one. The municipality's and the broker's figures come
suppressed (hidden counts are ``null``); no report of this API carries student names —
the list for the final settlement is a download for the school only.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .presenters import build, target_for
from .selectors import schemes_visible_to

AGGREGATE_KINDS = ("school", "municipality", "region", "board")

ReportSchema = inline_serializer(
    "Report",
    {
        "kind": serializers.CharField(),
        "id": serializers.IntegerField(),
        "school_year": serializers.IntegerField(),
        "title": serializers.CharField(),
        "subtitle": serializers.CharField(),
        "tables": serializers.ListField(child=serializers.DictField()),
    },
)


class ReportView(APIView):
    """One report's tables (columns, rows, total). ``kind``: school, municipality, region
    or board; ``year``: the school year's first calendar year."""

    kind = "school"

    @extend_schema(responses=ReportSchema)
    def get(self, request, pk: int, year: int):
        if self.kind not in AGGREGATE_KINDS:
            raise Http404
        target = target_for(request.user, self.kind, pk, year)
        built = build(self.kind, target, year, cid="api")
        return Response(
            {
                "kind": self.kind,
                "id": target.pk,
                "school_year": year,
                "title": built.title,
                "subtitle": built.subtitle,
                "tables": [t.as_dict() for t in built.tables],
            }
        )


class SchemeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    version = serializers.IntegerField()
    name = serializers.CharField()
    valid_from = serializers.DateField()
    parameters = serializers.DictField()
    source = serializers.CharField()


class SchemeListView(APIView):
    """The subsidy schemes (all versions) a person may calculate with."""

    @extend_schema(responses=SchemeSerializer(many=True))
    def get(self, request):
        schemes = schemes_visible_to(request.user).order_by("kind", "version")
        return Response(SchemeSerializer(schemes, many=True).data)
