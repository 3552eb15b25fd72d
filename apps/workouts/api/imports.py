"""Import a Strong or Hevy history CSV; export everything as CSV."""

from __future__ import annotations

import zoneinfo

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, parsers, status
from rest_framework.request import Request
from rest_framework.response import Response

from apps.common.api.permissions import IsActiveGymMember, caller_id
from apps.workouts import engine
from apps.workouts.api import serializers_live as s
from apps.workouts.api.sessions import MEMBER_PARAM, visible_member, writable_member
from apps.workouts.importers import MAX_FILE_BYTES, HistoryFormat
from apps.workouts.models import LoggedSet
from apps.workouts.services import imports


def read_upload(upload: object) -> str:
    size = getattr(upload, "size", 0) or 0
    if size > MAX_FILE_BYTES:
        raise exceptions.ValidationError({"file": ["The file is larger than 5 MiB."]})
    raw = upload.read()  # type: ignore[attr-defined]
    try:
        return str(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise exceptions.ValidationError({"file": ["The file is not UTF-8 text."]}) from None


def timezone_from(name: str | None) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise exceptions.ValidationError({"timezone": ["Unknown time zone."]}) from None


class HistoryImportView(generics.GenericAPIView):  # type: ignore[type-arg]
    """Import a history CSV (multipart). ``mode=all_or_nothing`` (default): any bad row -> 400
    listing every bad row by line number, nothing imported. ``mode=good_rows``: the good rows
    are imported (201) and the bad ones reported. Importing the same file again adds nothing."""

    permission_classes = [IsActiveGymMember]
    serializer_class = s.HistoryImportSerializer
    parser_classes = [parsers.MultiPartParser, parsers.FormParser]
    queryset = LoggedSet.objects.none()

    @extend_schema(request=s.HistoryImportSerializer, responses={201: s.HistoryImportReportSerializer})
    def post(self, request: Request) -> Response:
        body = s.HistoryImportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        member = writable_member(request, data.get("member"))
        report = imports.history_import(
            member_id=member,
            text=read_upload(data["file"]),
            fmt=HistoryFormat(data["format"]),
            mode=data["mode"],
            tz=timezone_from(data.get("timezone")),
            unit=engine.Unit(data["unit"]) if data.get("unit") else None,
            started_by=caller_id(request),
        )
        out = {
            "format": report.format,
            "mode": report.mode,
            "imported_sets": report.imported_sets,
            "imported_sessions": report.imported_sessions,
            "errors": [{"line": e.line, "message": e.message} for e in report.errors],
            "skipped": [{"line": e.line, "message": e.message} for e in report.skipped],
        }
        return Response(s.HistoryImportReportSerializer(out).data, status=status.HTTP_201_CREATED)


class HistoryExportView(generics.GenericAPIView):  # type: ignore[type-arg]
    """Every logged set of the member as CSV (one row per set, loads in their unit and in kg)."""

    permission_classes = [IsActiveGymMember]
    queryset = LoggedSet.objects.none()

    @extend_schema(
        parameters=[MEMBER_PARAM],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The CSV file.")},
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        member = visible_member(request, request.query_params.get("member"))
        response = StreamingHttpResponse(
            imports.history_export_rows(member_id=member), content_type="text/csv"
        )
        response["Content-Disposition"] = f'attachment; filename="training-{member}.csv"'
        return response
