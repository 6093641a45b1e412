"""Endpoints for schools' own systems and mini-programs: submit class reports and staff status,
read reports, cases, rollups and alerts, and move an alert along its workflow.

A school user's token reports only for that school (403 otherwise). A report is identified by
(学校标识码, 年级, 班号, 日期, 晨检/午检): POSTing it again is safe — identical content changes
nothing, different content replaces it and keeps the earlier version.
"""

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.reverse import reverse

from edubureau.core.api import ScopedViewSetMixin
from edubureau.core.ids import parse_id
from edubureau.core.scope import CHANGE

from .. import services
from ..filtersets import (
    AlertFilterSet,
    ClassReportFilterSet,
    SchoolDayRollupFilterSet,
    SickCaseFilterSet,
    StaffHealthReportFilterSet,
)
from ..forms import assignee_choices
from ..models import Alert, ClassReport, SchoolDayRollup, SickCase, Source, StaffHealthReport
from . import serializers

MAX_BODY_BYTES = getattr(settings, "HEALTH_MAX_REPORT_BYTES", 256 * 1024)
REFUSED = OpenApiResponse(serializers.RefusedSerializer, description="日报未保存：errors 列出每一处问题")
TOO_LARGE = OpenApiResponse(serializers.RefusedSerializer, description="请求体超过 256 KB")


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "请求体过大：一份日报不超过 256 KB。"


class ReportRefused(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, messages):
        super().__init__(
            {"detail": f"日报未保存：共 {len(messages)} 处问题，请逐条修改后重新提交。", "errors": messages}
        )


def _check_size(request):
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        raise PayloadTooLarge()


def _submit(request, submit, input_type, detail_name):
    """The JSON body as the service's input type (`from_json`), submitted; the service's answer as HTTP."""
    _check_size(request)
    try:
        result = submit(input_type.from_json(request.data), user=request.user, source=Source.API)
    except services.OutOfScope as e:
        raise exceptions.PermissionDenied(e.messages[0]) from e
    except services.ReportError as e:
        raise ReportRefused(e.messages) from e
    report = result.report
    body = {
        "status": result.status,
        "id": report.pk,
        "url": reverse(detail_name, args=[report.pk], request=request),
        "version": report.version,
        "late": report.late,
        "alerts": [
            {"id": a.pk, "rule": a.rule_code, "level": a.level, "cases": a.cases, "status": a.status}
            for a in result.alerts
        ],
    }
    return Response(
        body, status=status.HTTP_201_CREATED if result.status == "created" else status.HTTP_200_OK
    )


class ReadViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    pass


@extend_schema_view(
    create=extend_schema(
        request=serializers.ClassReportInSerializer,
        responses={
            201: serializers.SubmissionSerializer,
            200: serializers.SubmissionSerializer,
            400: REFUSED,
            403: OpenApiResponse(description="学校不在您的管理范围内"),
            413: TOO_LARGE,
        },  # fmt: skip
    )
)
class ClassReportViewSet(mixins.CreateModelMixin, ReadViewSet):
    """班级健康日报（晨午检 / 因病缺课登记）。

    POST 提交一个班一天的日报（自然键：学校标识码 school、年级 grade、班号 class_no、日期 date，可选 session
    = 晨检/午检）；学生用证件号码 student_id_no，没有证件号码的学生用学生编号 student。同一日报再次提交
    是安全的：内容相同不做改动（200, status=unchanged），内容不同则替换并保留原版本（200,
    status=replaced），新日报返回 201。
    有任何问题时整份日报不保存，400 的 errors 逐条说明。截止时间后提交的日报照收并标记为迟报。
    """

    queryset = ClassReport.objects.select_related("school", "school_class", "submitted_by").prefetch_related(
        "cases__student"
    )
    serializer_class = serializers.ClassReportSerializer
    filterset_class = ClassReportFilterSet
    ordering_fields = ["date", "submitted_at"]

    def create(self, request, *args, **kwargs):
        return _submit(
            request, services.submit_class_report, services.ClassReportInput, "health-api:classreport-detail"
        )


@extend_schema_view(
    create=extend_schema(
        request=serializers.StaffReportInSerializer,
        responses={
            201: serializers.SubmissionSerializer,
            200: serializers.SubmissionSerializer,
            400: REFUSED,
            413: TOO_LARGE,
        },  # fmt: skip
    )
)
class StaffReportViewSet(mixins.CreateModelMixin, ReadViewSet):
    """教职工健康日报：每校每天一份（在岗、因病缺勤及其症状）；再次提交同样按内容替换或不变。"""

    queryset = StaffHealthReport.objects.select_related("school").prefetch_related("cases__staff")
    serializer_class = serializers.StaffHealthReportSerializer
    filterset_class = StaffHealthReportFilterSet
    ordering_fields = ["date"]

    def create(self, request, *args, **kwargs):
        return _submit(
            request, services.submit_staff_report, services.StaffReportInput, "health-api:staffreport-detail"
        )


class SickCaseViewSet(ReadViewSet):
    """因病缺课登记（只读）：过滤 symptom、diagnosis、closed（是否结案）、日期范围等。证件号码默认脱敏。"""

    queryset = SickCase.objects.select_related("school", "school_class", "student")
    serializer_class = serializers.SickCaseSerializer
    filterset_class = SickCaseFilterSet
    ordering_fields = ["date", "onset"]


class RollupViewSet(ReadViewSet):
    """学校日汇总（只读）：应报/已报/按时/迟报班级数，应到、实到、因病、因事，症状人数。"""

    queryset = SchoolDayRollup.objects.select_related("school")
    serializer_class = serializers.SchoolDayRollupSerializer
    filterset_class = SchoolDayRollupFilterSet
    ordering_fields = ["date", "sick"]


class AlertViewSet(ReadViewSet):
    """预警（只读，状态用 transition 修改）：规则预警（聚集）与统计预警（EARS）。"""

    queryset = Alert.objects.select_related("school", "school_class", "rule", "assignee").prefetch_related(
        "events__user"
    )
    serializer_class = serializers.AlertSerializer
    filterset_class = AlertFilterSet
    ordering_fields = ["last_date", "first_date", "cases", "status"]

    @extend_schema(
        request=serializers.AlertTransitionSerializer,
        responses={200: serializers.AlertSerializer, 400: REFUSED},
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """改变预警状态：新建 → 已核实 → 已报告疾控 → 处置中 → 已关闭，或标记为误报（须填写说明）。"""
        alert = self.get_object_for(CHANGE)
        data = serializers.AlertTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignee = None
        if data.validated_data.get("assignee"):
            # Only the users who may take this alert: any other name gets the same answer, existing or not.
            assignee = assignee_choices(alert).filter(username=data.validated_data["assignee"]).first()
            if assignee is None:
                raise ReportRefused(
                    [f"负责人“{data.validated_data['assignee']}”不能指定：须是本校用户或教育局有健康日报权限的用户。"]
                )
        try:
            services.transition_alert(
                alert, data.validated_data["status"], user=request.user, note=data.validated_data["note"],
                assignee=assignee,
            )  # fmt: skip
        except services.OutOfScope as e:
            raise exceptions.PermissionDenied(e.messages[0]) from e
        except services.ReportError as e:
            raise ReportRefused(e.messages) from e
        return Response(self.get_serializer(self.get_object_for(CHANGE)).data)

    def get_object_for(self, action_name):
        pk = parse_id(self.kwargs["pk"])
        if pk is None:  # /alerts/abc/transition/ names no alert
            raise exceptions.NotFound()
        queryset = Alert.objects.for_user(self.request.user, action_name).select_related(
            "school", "school_class", "rule", "assignee"
        )
        alert = queryset.filter(pk=pk).first()
        if alert is None:
            if Alert.objects.for_user(self.request.user).filter(pk=pk).exists():
                raise exceptions.PermissionDenied("您没有修改该预警的权限。")
            raise exceptions.NotFound()
        return alert
