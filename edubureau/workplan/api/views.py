from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from edubureau.core.api import ScopedModelViewSet, scoped_schema
from edubureau.core.scope import CHANGE

from .. import services
from ..filtersets import PlanFilterSet, ProgressReportFilterSet, ProjectFilterSet, TaskFilterSet
from ..models import Plan, ProgressReport, Project, Task
from . import serializers


@scoped_schema(serializers.WorkPlanSerializer)
class PlanViewSet(ScopedModelViewSet):
    """工作要点（按年度）。只有系统管理员可以新建和修改；同一年度已有工作要点时新建返回 409。"""

    queryset = Plan.objects.prefetch_related("sections")
    serializer_class = serializers.WorkPlanSerializer
    filterset_class = PlanFilterSet
    ordering_fields = ["year"]
    natural_key = ("year",)
    detail_view_name = "workplan-api:plan-detail"


@scoped_schema(serializers.TaskSerializer)
class TaskViewSet(ScopedModelViewSet):
    """任务。科室人员看到并修改本科室牵头或配合的任务；学校只读其配合的任务。
    `plan` 为年度，`section` 为部分序号，科室按名称、学校按学校标识码指定；编号留空则自动编号。"""

    queryset = Task.objects.select_related("plan", "section", "lead_department").prefetch_related(
        "cooperating_departments", "cooperating_schools", "targets__task__plan", "milestones"
    )
    serializer_class = serializers.TaskSerializer
    filterset_class = TaskFilterSet
    ordering_fields = ["number", "status", "updated_at"]


@scoped_schema(serializers.ProgressReportSerializer)
class ProgressReportViewSet(ScopedModelViewSet):
    """推进情况。同一任务同一期间只有一份：再次提交即更正（可安全重试）。
    `delay_reasons` 取 疫情影响、资金压力、审批滞后、其他；选“其他”时须填写 `delay_text`。"""

    queryset = ProgressReport.objects.select_related("task__plan", "reported_by")
    serializer_class = serializers.ProgressReportSerializer
    filterset_class = ProgressReportFilterSet
    ordering_fields = ["period_start", "reported_at"]

    def create(self, request, *args, **kwargs):
        # the task must be one the user may change (not only see)
        wanted = request.data.get("task") if isinstance(request.data, dict) else None
        try:
            task = Task.objects.for_user(request.user, CHANGE).filter(pk=wanted).first() if wanted else None
        except (TypeError, ValueError):  # {"task": {}}, "abc", [1]: the serializer answers 400 for the field
            task = wanted = None
        if task is None and wanted:
            raise NotFound("任务不存在或不在您的管理范围内。")
        return super().create(request, *args, **kwargs)


@scoped_schema(serializers.ProjectSerializer)
class ProjectViewSet(ScopedModelViewSet):
    """重点项目（基本建设）。投资单位为万元；已完成投资不得超过总投资。阶段通过 `advance` 推进并登记日期。"""

    queryset = Project.objects.select_related("school").prefetch_related("stages", "tasks")
    serializer_class = serializers.ProjectSerializer
    filterset_class = ProjectFilterSet
    ordering_fields = ["code", "year", "total_investment", "completed_investment"]
    natural_key = ("code",)
    detail_view_name = "workplan-api:project-detail"

    @extend_schema(request=serializers.AdvanceSerializer, responses=serializers.ProjectSerializer)
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        """推进到某一阶段并登记实际日期；新建项目交付使用时开办新学校。"""
        project = self.get_object()
        data = serializers.AdvanceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():
            serializers.call(services.advance_project, project, **data.validated_data)
            self.recheck_scope(project, CHANGE)
        project.refresh_from_db()
        return Response(self.get_serializer(project).data)
