"""One FilterSet per model, shared by the list pages, their .xlsx exports and the API.

Related objects filter by natural keys (plan = year, department = name, school = 学校标识码)
as well as by ids (hidden on the pages' forms)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edubureau.core.filters import SearchFilterSet, yes_no_filter

from .models import (
    DelayReason,
    FundingSource,
    Plan,
    ProgressReport,
    Project,
    ProjectStageName,
    ProjectType,
    Task,
    TaskStatus,
)
from .services import delayed_project_ids


class PlanFilterSet(SearchFilterSet):
    search_fields = ("title", "intro")
    year = django_filters.NumberFilter(label=_("年度"))
    status = django_filters.ChoiceFilter(choices=Plan.Status.choices, label=_("状态"), empty_label=_("全部"))

    class Meta:
        model = Plan
        fields = ["q", "year", "status"]


class TaskFilterSet(SearchFilterSet):
    search_fields = ("title", "description")
    year = django_filters.NumberFilter(field_name="plan__year", label=_("年度"))
    plan_id = django_filters.NumberFilter(
        field_name="plan_id", label=_("工作要点ID"), widget=forms.HiddenInput
    )
    section = django_filters.NumberFilter(field_name="section__order", label=_("部分序号"))
    status = django_filters.ChoiceFilter(choices=TaskStatus.choices, label=_("状态"), empty_label=_("全部"))
    department = django_filters.CharFilter(method="by_department", label=_("科室"))
    school = django_filters.CharFilter(field_name="cooperating_schools__code", label=_("配合学校标识码"))
    highlight = yes_no_filter(_("特色亮点"))
    subtasks = yes_no_filter(_("子任务"), field_name="parent", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Task
        fields = [
            "q",
            "year",
            "plan_id",
            "section",
            "status",
            "department",
            "school",
            "highlight",
            "subtasks",
        ]

    def by_department(self, queryset, name, value):
        """Led by or cooperating: the department's own tasks."""
        value = value.strip()
        if not value:
            return queryset
        own = Task.objects.filter(Q(lead_department__name=value) | Q(cooperating_departments__name=value))
        return queryset.filter(pk__in=own.values("pk"))


class ProgressReportFilterSet(SearchFilterSet):
    search_fields = ("text", "delay_text", "task__title")
    year = django_filters.NumberFilter(field_name="task__plan__year", label=_("年度"))
    task_id = django_filters.NumberFilter(field_name="task_id", label=_("任务ID"), widget=forms.HiddenInput)
    period = django_filters.ChoiceFilter(
        choices=ProgressReport.Period.choices, label=_("周期"), empty_label=_("全部")
    )
    start = django_filters.DateFilter(field_name="period_start", lookup_expr="gte", label=_("期间起"))
    end = django_filters.DateFilter(field_name="period_start", lookup_expr="lte", label=_("期间止"))
    delay_reason = django_filters.ChoiceFilter(
        choices=DelayReason.choices, method="by_delay_reason", label=_("滞后原因"), empty_label=_("全部")
    )
    delayed = django_filters.BooleanFilter(
        method="by_delayed", label=_("有滞后"),
        widget=forms.Select(choices=[("", _("全部")), ("true", _("是")), ("false", _("否"))]),
    )  # fmt: skip

    class Meta:
        model = ProgressReport
        fields = ["q", "year", "task_id", "period", "start", "end", "delay_reason", "delayed"]

    def by_delay_reason(self, queryset, name, value):
        # delay_reasons is a short JSON list; a text match on the quoted value works on SQLite and PG.
        return queryset.filter(delay_reasons__icontains=f'"{value}"') if value else queryset

    def by_delayed(self, queryset, name, value):
        if value is None:
            return queryset
        empty = Q(delay_reasons=[])
        return queryset.exclude(empty) if value else queryset.filter(empty)


class ProjectFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "site", "school__name")
    year = django_filters.NumberFilter(label=_("计划年度"))
    type = django_filters.ChoiceFilter(
        choices=ProjectType.choices, label=_("项目类型"), empty_label=_("全部")
    )
    stage = django_filters.ChoiceFilter(
        choices=ProjectStageName.choices, label=_("当前阶段"), empty_label=_("全部")
    )
    funding_source = django_filters.ChoiceFilter(
        choices=FundingSource.choices, label=_("资金来源"), empty_label=_("全部")
    )
    school = django_filters.CharFilter(field_name="school__code", label=_("学校标识码"))
    school_id = django_filters.NumberFilter(
        field_name="school_id", label=_("学校ID"), widget=forms.HiddenInput
    )
    delayed = django_filters.BooleanFilter(
        method="by_delayed", label=_("进度滞后"),
        widget=forms.Select(choices=[("", _("全部")), ("true", _("是")), ("false", _("否"))]),
    )  # fmt: skip

    class Meta:
        model = Project
        fields = ["q", "year", "type", "stage", "funding_source", "school", "school_id", "delayed"]

    def by_delayed(self, queryset, name, value):
        if value is None:
            return queryset
        late = delayed_project_ids(timezone.localdate())
        return queryset.filter(pk__in=late) if value else queryset.exclude(pk__in=late)
