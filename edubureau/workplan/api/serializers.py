"""The plan and the projects over the API. Writes go through workplan.services, so an API call
is validated, atomic and change-logged like a page. Natural keys: a plan by its year, a
department by its name, a school by its 学校标识码, a project by its 项目编号."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from edubureau.accounts.models import Department
from edubureau.core.api import NaturalKeyField, ScopedModelSerializer, django_errors
from edubureau.org.models import School

from .. import services
from ..models import (
    DelayReason,
    Milestone,
    Plan,
    ProgressReport,
    Project,
    ProjectStage,
    ProjectStageName,
    Section,
    Target,
    Task,
)


def call(service, *args, **kwargs):
    """A service call whose Chinese ValidationError becomes a 400 with field-keyed messages."""
    try:
        return service(*args, **kwargs)
    except DjangoValidationError as e:
        raise serializers.ValidationError(django_errors(e)) from e


def department_field(**kwargs):
    return NaturalKeyField(
        slug_field="name", queryset=Department.objects.all(),
        error_messages={"does_not_exist": "科室“{value}”不存在。"}, **kwargs,
    )  # fmt: skip


class SectionSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)

    class Meta:
        model = Section
        fields = ["id", "order", "number", "title", "text"]


class WorkPlanSerializer(ScopedModelSerializer):
    sections = SectionSerializer(many=True, read_only=True)

    class Meta:
        model = Plan
        fields = ["id", "year", "title", "intro", "status", "issuer", "sections", "created_at"]
        read_only_fields = ["created_at"]


class TargetSerializer(serializers.ModelSerializer):
    actual = serializers.SerializerMethodField()

    class Meta:
        model = Target
        fields = [
            "id",
            "description",
            "target_value",
            "unit",
            "actual_value",
            "actual",
            "measured_by",
            "metric",
        ]

    def get_actual(self, target) -> str | None:
        value = services.kpi_actual(target)
        return None if value is None else str(value)


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "title", "due_date", "done_date"]


class TaskSerializer(ScopedModelSerializer):
    plan = NaturalKeyField(slug_field="year", queryset=Plan.objects.all(), help_text="工作要点年度")
    section = serializers.IntegerField(source="section.order", help_text="部分序号（1=一、2=二……）")
    parent = serializers.PrimaryKeyRelatedField(queryset=Task.objects.all(), required=False, allow_null=True)
    number = serializers.IntegerField(required=False, min_value=1)
    lead_department = department_field(required=False, allow_null=True)
    cooperating_departments = department_field(many=True, required=False)
    cooperating_schools = NaturalKeyField(
        slug_field="code", queryset=School.objects.all(), many=True, required=False
    )
    targets = TargetSerializer(many=True, read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = Task
        fields = [
            "id", "plan", "section", "parent", "number", "label", "title", "description", "lead_department",
            "cooperating_departments", "cooperating_schools", "highlight", "status", "status_override",
            "override_reason", "targets", "milestones", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["label", "status", "status_override", "override_reason", "updated_at"]

    def _section(self, plan, data):
        order = data.pop("section", {}).get("order")
        section = plan.sections.filter(order=order).first()
        if section is None:
            raise serializers.ValidationError({"section": f"{plan.year} 年工作要点没有第 {order} 部分。"})
        return section

    def create(self, validated_data):
        plan = validated_data.pop("plan")
        section = self._section(plan, validated_data)
        return call(services.create_task, section, **validated_data)

    def update(self, task, validated_data):
        plan = validated_data.pop("plan", task.plan)
        if plan != task.plan:
            raise serializers.ValidationError({"plan": "不能把任务移到另一年度的工作要点。"})
        if "section" in validated_data:
            validated_data["section"] = self._section(plan, validated_data)
        return call(services.update_task, task, **validated_data)


class ProgressReportSerializer(ScopedModelSerializer):
    delay_reasons = serializers.ListField(
        child=serializers.ChoiceField(choices=DelayReason.choices), required=False,
        help_text="滞后原因：疫情影响、资金压力、审批滞后、其他",
    )  # fmt: skip
    actuals = serializers.DictField(
        child=serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0), required=False,
        help_text="指标ID → 本期实际值",
    )  # fmt: skip
    period_label = serializers.CharField(read_only=True)
    reported_by = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = ProgressReport
        fields = [
            "id", "task", "period", "period_start", "period_label", "text", "percent", "actuals", "delay_reasons",
            "delay_text", "reported_by", "reported_at",
        ]  # fmt: skip
        read_only_fields = ["reported_at"]

    def create(self, validated_data):
        """One report per task and period: posting the same period again corrects it (idempotent)."""
        task = validated_data.pop("task")
        request = self.context.get("request")
        return call(
            services.report_progress, task, validated_data.pop("period_start"), validated_data.pop("text"),
            user=getattr(request, "user", None), **validated_data,
        )  # fmt: skip

    def update(self, report, validated_data):
        if validated_data.get("task", report.task) != report.task:
            raise serializers.ValidationError({"task": "不能把推进情况改到另一个任务。"})
        data = {
            "period": report.period, "percent": report.percent, "actuals": report.actuals,
            "delay_reasons": report.delay_reasons, "delay_text": report.delay_text,
        }  # fmt: skip
        data.update({k: v for k, v in validated_data.items() if k not in ("task", "period_start", "text")})
        return call(
            services.report_progress, report.task, validated_data.get("period_start", report.period_start),
            validated_data.get("text", report.text), **data,
        )  # fmt: skip


class ProjectStageSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectStage
        fields = ["stage", "planned_date", "actual_date", "note"]


class ProjectSerializer(ScopedModelSerializer):
    school = NaturalKeyField(
        slug_field="code", queryset=School.objects.all(), required=False, allow_null=True,
        error_messages={"does_not_exist": "学校标识码 {value} 不存在。"},
    )  # fmt: skip
    stages = ProjectStageSerializer(many=True, read_only=True)
    planned = serializers.DictField(
        child=serializers.DateField(), required=False, write_only=True,
        help_text="各阶段计划日期：{\"立项\": \"2026-01-10\", \"开工\": \"2026-05-01\", …}",
    )  # fmt: skip
    investment_percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = Project
        fields = [
            "id", "code", "name", "year", "school", "site", "type", "stage", "total_investment",
            "completed_investment", "investment_percent", "funding_source", "places_added", "classes_added",
            "delay_reason", "delay_text", "tasks", "new_school_code", "new_school_name", "new_school_stage",
            "stages", "planned", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["stage", "updated_at"]
        extra_kwargs = {"tasks": {"required": False}}

    def validate_planned(self, value):
        unknown = [k for k in value if k not in ProjectStageName.values]
        if unknown:
            raise serializers.ValidationError(
                f"阶段“{'、'.join(unknown)}”无效，可选：{' → '.join(ProjectStageName.values)}。"
            )
        return value

    def create(self, validated_data):
        planned = validated_data.pop("planned", {})
        tasks = validated_data.pop("tasks", [])
        return call(services.create_project, stages=planned, tasks=tasks, **validated_data)

    def update(self, project, validated_data):
        planned = validated_data.pop("planned", None)
        project = call(services.update_project, project, **validated_data)
        if planned:
            call(services.set_stage_dates, project, {k: {"planned_date": v} for k, v in planned.items()})
        return project


class AdvanceSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=ProjectStageName.choices)
    date = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")
