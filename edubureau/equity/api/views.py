"""优质均衡 API: resource reports (read/write through equity.workflow) and indicator results (read only)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status, viewsets
from rest_framework import serializers as drf
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from edubureau.core.api import ScopedModelViewSet, django_errors, writing
from edubureau.core.scope import CHANGE, VIEW, scope_of

from .. import services, workflow
from ..filtersets import ResourceReportFilterSet
from ..models import ResourceReport
from . import serializers


class ResourceReportViewSet(ScopedModelViewSet):
    """办学资源填报。POST 同一学校、同一学年再次提交时更新该草稿（幂等），不会重复新建；
    `submit` 提交，`confirm` 确认（教育局），`return` 退回（教育局，须填写原因）。
    过滤：`school`（学校标识码）、`school_year`（起始年份）、`status`、`stage`、`q`。"""

    queryset = ResourceReport.objects.select_related("school", "school_year")
    serializer_class = serializers.ResourceReportSerializer
    filterset_class = ResourceReportFilterSet
    ordering_fields = ["school__code", "school_year__start_year", "status", "submitted_at"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        school, year = data.pop("school"), data.pop("school_year")
        report, created = self._save(school, year, data)
        body = self.get_serializer(report).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        report = self.get_object()
        serializer = self.get_serializer(report, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if k not in ("school", "school_year")}
        report, _created = self._save(report.school, report.school_year, data)
        return Response(self.get_serializer(report).data)

    def _save(self, school, year, data):
        try:
            with writing():
                return workflow.save_report(self.request.user, school, year, data)
        except DjangoValidationError as e:
            raise drf.ValidationError(django_errors(e)) from e

    @extend_schema(request=None, responses=serializers.ResourceReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._step(workflow.submit)

    @extend_schema(request=None, responses=serializers.ResourceReportSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._step(workflow.confirm)

    @extend_schema(request=serializers.ReturnSerializer, responses=serializers.ResourceReportSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        self.get_object()  # another school's report is 404 before its body is even read
        reason = serializers.ReturnSerializer(data=request.data)
        reason.is_valid(raise_exception=True)
        return self._step(
            lambda user, report: workflow.return_report(user, report, reason.validated_data["return_reason"])
        )

    def _step(self, step):
        report = self.get_object()
        try:
            report = step(self.request.user, report)
        except DjangoValidationError as e:
            raise drf.ValidationError(django_errors(e)) from e
        return Response(self.get_serializer(report).data)

    def get_queryset(self):
        # workflow steps are POSTs but act on an existing report: look it up with the change right
        if self.action in ("submit", "confirm", "return_"):
            return self.queryset.all().for_user(self.request.user, CHANGE)
        return super().get_queryset()


class IndicatorResultViewSet(viewsets.ViewSet):
    """优质均衡指标结果（只读）：每所学校每个学段的七项指标、标准、达标项数和是否达标。
    参数：`school_year`（起始年份，默认当前学年）、`stage`（小学/初中）、`school`（学校标识码）。
    学校用户只看到本校。"""

    permission_classes = [IsAuthenticated]
    serializer_class = serializers.IndicatorResultSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("school_year", int, description="学年起始年份，如 2025"),
            OpenApiParameter("stage", str, enum=["小学", "初中"]),
            OpenApiParameter("school", str, description="学校标识码"),
        ],
        responses=serializers.IndicatorResultSerializer(many=True),
    )
    def list(self, request):
        scope = scope_of(request.user)
        if not scope.allows("equity", VIEW):
            raise exceptions.PermissionDenied("您没有查看优质均衡的权限。")
        year = request.query_params.get("school_year") or None
        try:
            result = services.evaluate_year(int(year) if year else None)
        except (ValueError, services.ServiceError) as e:
            raise drf.ValidationError(
                {"school_year": [str(e) if isinstance(e, services.ServiceError) else "应为年份，如 2025"]}
            ) from e
        stage, code = request.query_params.get("stage"), request.query_params.get("school")
        rows = []
        for p in result.parts:
            a = p.assessment
            if (
                not scope.covers_school(p.school_id)
                or (stage and a.stage != stage)
                or (code and p.code != code)
            ):
                continue
            rows.append({
                "school": p.code, "school_name": p.name, "part": a.stage, "students": a.students, "status": a.status,
                "values": a.values, "standards": p.standards, "overridden": sorted(p.overrides), "reached": a.reached,
                "passed": a.passed, "missing": list(a.missing),
            })  # fmt: skip
        return Response(serializers.IndicatorResultSerializer(rows, many=True).data)
