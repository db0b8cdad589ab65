"""Imports through the API: the same service as the web page (ingest.services.batch_submit + the
background job) for the same roles: the 统计员, the city office and the district offices. A district
office's rows about other districts are rejected by the service (ingest.scope), and it sees only its
districts' batches (ingest.selectors). POST answers 202 with the batch; GET the batch for its status
and result (counts, message, rows rejected). As on the web page, a batch can be undone (409 with the
reason when the service refuses) and its rejected rows downloaded as xlsx, within the same scope."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from wenchuang.accounts.audit import audit_record
from wenchuang.accounts.models import AuditEvent
from wenchuang.api.exceptions import ApiError, NotFound
from wenchuang.api.permissions import Imports
from wenchuang.ingest import selectors, services, undo
from wenchuang.ingest.models import ImportBatch
from wenchuang.ingest.schema import KINDS

TAG = "数据导入（统计员、市级管理员、区县管理员限本区县）"
UNITS = ("万元", "元", "亿元")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UndoConflict(ApiError):
    """The service refused the undo (not done yet, already undone, a later batch changed the same facts):
    the batch's state conflicts with the request, which is not malformed (so not the usual 400)."""

    status_code = 409
    code = "undo_refused"
    default_detail = "该批次无法撤销"


class BatchSerializer(serializers.Serializer):
    class Meta:
        ref_name = "ImportBatch"

    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField()
    file_name = serializers.CharField()
    sha256 = serializers.CharField()
    mode = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    message = serializers.CharField()
    total = serializers.IntegerField(help_text="数据行数")
    processed = serializers.IntegerField()
    inserted = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    rejected = serializers.IntegerField()
    has_error_file = serializers.SerializerMethodField()
    years = serializers.ListField(child=serializers.IntegerField())
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    url = serializers.SerializerMethodField()

    def get_has_error_file(self, batch: ImportBatch) -> bool:
        return bool(batch.error_file)

    def get_url(self, batch: ImportBatch) -> str:
        return reverse("api:import-detail", kwargs={"pk": batch.pk})


class ImportListCreateApi(GenericAPIView):
    permission_classes = [Imports]
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = BatchSerializer

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ImportUpload"

        kind = serializers.ChoiceField(choices=[(k.code, k.zh) for k in KINDS.values()], help_text="数据类型")
        file = serializers.FileField(help_text="xlsx 或 CSV（UTF-8/GB18030），按模板列名")
        mode = serializers.ChoiceField(
            choices=ImportBatch.Mode.choices, default=ImportBatch.Mode.ALL_OR_NOTHING, help_text="导入方式"
        )
        unit = serializers.ChoiceField(choices=UNITS, default="万元", help_text="金额单位（列名未注明时）")

        def validate_file(self, upload: Any) -> Any:
            problem = services.size_problem(upload.size)
            if problem:
                raise serializers.ValidationError(problem)
            if upload.size == 0:
                raise serializers.ValidationError("文件为空")
            return upload

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user to check
            return ImportBatch.objects.none()
        return selectors.batch_list(user=self.request.user)

    @extend_schema(
        tags=[TAG], summary="导入批次列表", operation_id="imports_list", responses=BatchSerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(BatchSerializer(page, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="上传文件并创建导入批次（后台执行；按统一社会信用代码+年度幂等）",
        operation_id="imports_create",
        request={"multipart/form-data": InputSerializer},
        responses={202: BatchSerializer},
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        args = data.validated_data
        upload = args["file"]
        batch = services.batch_submit(
            kind=args["kind"],
            data=upload.read(),
            file_name=upload.name,
            user=request.user,
            mode=args["mode"],
            unit=args["unit"],
            channel="api",
        )
        batch.refresh_from_db()  # an immediate task backend has already run it
        body = BatchSerializer(batch).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})


class ImportDetailApi(APIView):
    permission_classes = [Imports]

    @extend_schema(
        tags=[TAG], summary="导入批次状态与结果", operation_id="imports_retrieve", responses=BatchSerializer
    )
    def get(self, request: Request, pk: int) -> Response:
        services.batches_reap()  # a batch whose job died is failed here, not left 导入中
        batch = selectors.batch_get(user=request.user, pk=pk)
        return Response(BatchSerializer(batch).data)


class ImportUndoApi(APIView):
    permission_classes = [Imports]

    @extend_schema(
        tags=[TAG],
        summary="撤销已完成的导入批次（删除其新增数据、恢复其覆盖的数据）",
        operation_id="imports_undo",
        request=None,
        responses={
            200: BatchSerializer,
            404: OpenApiResponse(description="批次不存在（市级角色）"),
            409: OpenApiResponse(description="无法撤销：批次未完成或已撤销，或之后的批次又修改了同一数据"),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        # Every role first: a district office may undo only what it may see (403 as for a missing batch,
        # like the web page), and a city-wide role gets 404 for a missing batch rather than a 409.
        selectors.batch_get(user=request.user, pk=pk)
        try:
            batch = undo.batch_undo(batch_id=pk, user=request.user, recompute_later=True)
        except services.ImportError_ as exc:
            raise UndoConflict(str(exc)) from exc
        audit_record(
            event=AuditEvent.Event.IMPORT,
            obj=batch,
            detail={"channel": "api", "action": "undo", "kind": batch.kind},
        )
        return Response(BatchSerializer(batch).data)


class ImportErrorsApi(APIView):
    permission_classes = [Imports]

    @extend_schema(
        tags=[TAG],
        summary="下载导入批次的错误行（xlsx：行号、列、值、原因）",
        operation_id="imports_errors",
        responses={
            (200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="错误行工作簿（附件）"),
            404: OpenApiResponse(description="批次不存在（市级角色）或没有错误行文件"),
        },
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        batch = selectors.batch_get(user=request.user, pk=pk)
        if batch.error_path is None or not batch.error_path.is_file():
            raise NotFound("该批次没有错误行文件")
        return FileResponse(
            open(batch.error_path, "rb"),
            as_attachment=True,
            filename=f"batch-{batch.pk}-errors.xlsx",
            content_type=XLSX,
        )
