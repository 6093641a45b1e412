"""ECharts options of the plan and project dashboards (drawn by app.js from json_script blocks).
The querysets come in already scoped by the view."""

from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Count, Sum

from . import services
from .models import Plan, ProjectStage, ProjectStageName, ProjectType, Target, TaskStatus

STATUS_COLORS = {
    TaskStatus.NOT_STARTED: "#9aa0ac",
    TaskStatus.IN_PROGRESS: "#206bc4",
    TaskStatus.DONE: "#2fb344",
    TaskStatus.DELAYED: "#f76707",
    TaskStatus.CANCELLED: "#1d273b",
}


def stacked_bar(title: str, categories: list[str], counts: dict[str, Counter]) -> dict:
    """Tasks per category, one stacked series per status."""
    series = [
        {
            "name": status, "type": "bar", "stack": "status", "itemStyle": {"color": STATUS_COLORS[status]},
            "data": [counts[c][status] for c in categories],
        }
        for status in TaskStatus.values
        if any(counts[c][status] for c in categories)
    ]  # fmt: skip
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 40, "right": 20, "bottom": 60, "containLabel": True},
        "xAxis": {
            "type": "category",
            "data": categories,
            "axisLabel": {"interval": 0, "rotate": 30 if len(categories) > 4 else 0},
        },
        "yAxis": {"type": "value", "name": "任务数", "minInterval": 1},
        "series": series,
    }


def plan_charts(plan: Plan, tasks) -> list[tuple[str, dict]]:
    top = list(tasks.filter(parent__isnull=True).select_related("section", "lead_department"))
    by_section: dict[str, Counter] = defaultdict(Counter)
    by_department: dict[str, Counter] = defaultdict(Counter)
    sections = []
    for t in top:
        name = f"{t.section.number}、{t.section.title[:10]}"
        if name not in sections:
            sections.append(name)
        by_section[name][t.status] += 1
        by_department[t.lead_department.name if t.lead_department else "未指定"][t.status] += 1
    charts = [
        ("chart-plan-sections", stacked_bar("各部分任务进展", sections, by_section)),
        (
            "chart-plan-departments",
            stacked_bar("各科室任务进展（牵头）", sorted(by_department), by_department),
        ),
    ]
    kpis = []
    for target in (
        Target.objects.filter(task__in=tasks).select_related("task__plan").order_by("task__number", "pk")
    ):
        attainment = services.kpi_attainment(target)
        if attainment is not None:
            kpis.append((f"{target.task.label} {target.description[:14]}", min(attainment, 200)))
    if kpis:
        charts.append(("chart-plan-kpis", {
            "title": {"text": "指标完成率（%）", "left": "center", "textStyle": {"fontSize": 14}},
            "tooltip": {"trigger": "axis"},
            "grid": {"left": 40, "right": 30, "bottom": 20, "containLabel": True},
            "xAxis": {"type": "value", "max": 200},
            "yAxis": {"type": "category", "data": [k for k, _ in kpis], "inverse": True},
            "series": [{"type": "bar", "data": [
                {"value": v, "itemStyle": {"color": "#2fb344" if v >= 100 else "#f76707"}} for _, v in kpis
            ], "markLine": {"data": [{"xAxis": 100}], "symbol": "none"}}],
        }))  # fmt: skip
    return charts


def project_totals(projects) -> dict:
    totals = projects.aggregate(
        n=Count("pk"),
        total=Sum("total_investment"),
        completed=Sum("completed_investment"),
        places=Sum("places_added"),
    )
    total, completed = totals["total"] or Decimal(0), totals["completed"] or Decimal(0)
    return {**totals, "percent": int(completed * 100 / total) if total else 0}


def project_charts(projects) -> list[tuple[str, dict]]:
    stages = Counter(dict(projects.values_list("stage").annotate(n=Count("pk")).order_by()))
    funnel = {
        "title": {"text": "项目阶段分布", "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "item", "formatter": "{b}：{c} 个"},
        "series": [{
            "type": "funnel", "sort": "none", "top": 40, "bottom": 10, "minSize": "10%",
            # A project at a later stage has passed every earlier one: the funnel counts "reached".
            "data": [
                {"name": name, "value": sum(stages[s] for s in ProjectStageName.values[i:])}
                for i, name in enumerate(ProjectStageName.values)
            ],
            "label": {"formatter": "{b} {c}"},
        }],
    }  # fmt: skip
    by_type = {
        row["type"]: row
        for row in projects.values("type")
        .annotate(total=Sum("total_investment"), done=Sum("completed_investment"))
        .order_by()
    }
    types = [t for t in ProjectType.values if t in by_type]
    investment = {
        "title": {"text": "投资完成情况（万元）", "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 40, "right": 20, "bottom": 40, "containLabel": True},
        "xAxis": {"type": "category", "data": types},
        "yAxis": {"type": "value"},
        "series": [
            {"name": "总投资", "type": "bar", "data": [float(by_type[t]["total"] or 0) for t in types]},
            {"name": "已完成投资", "type": "bar", "data": [float(by_type[t]["done"] or 0) for t in types]},
        ],
    }
    delivered = (
        ProjectStage.objects.filter(
            project__in=projects, stage=ProjectStageName.DELIVERED, actual_date__isnull=False
        )
        .values_list("actual_date__year")
        .annotate(places=Sum("project__places_added"))
        .order_by("actual_date__year")
    )
    years = [(str(y), p or 0) for y, p in delivered]
    seats = {
        "title": {"text": "新增学位（按交付年份）", "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 20, "bottom": 20, "containLabel": True},
        "xAxis": {"type": "category", "data": [y for y, _ in years]},
        "yAxis": {"type": "value", "name": "学位"},
        "series": [{"type": "bar", "data": [p for _, p in years], "itemStyle": {"color": "#2fb344"}}],
    }
    return [
        ("chart-project-funnel", funnel),
        ("chart-project-investment", investment),
        ("chart-project-seats", seats),
    ]
