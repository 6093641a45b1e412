"""Columns of the workplan list pages; the same definitions write their .xlsx exports."""

from django.utils.translation import gettext_lazy as _

from edubureau.core.tables import Column

PLAN_COLUMNS = (
    Column("year", _("年度"), sort="year"),
    Column("title", _("标题"), sort="title", link=True),
    Column("status", _("状态"), sort="status"),
    Column("created_at", _("创建时间"), sort="created_at"),
)

TASK_COLUMNS = (
    Column("plan.year", _("年度"), sort="plan__year"),
    Column("section.__str__", _("部分"), sort="section__order"),
    Column("label", _("编号"), sort="number"),
    Column("title", _("任务名称"), sort="title", link=True),
    Column("lead_department.name", _("牵头科室"), sort="lead_department__name"),
    Column("status", _("状态"), sort="status"),
    Column("highlight", _("特色亮点"), sort="highlight"),
)

TASK_EXPORT_COLUMNS = (
    *TASK_COLUMNS,
    Column("description", _("任务内容")),
    Column("cooperating_text", _("配合科室与学校")),
    Column("override_reason", _("指定状态原因")),
)

REPORT_COLUMNS = (
    Column("task.__str__", _("任务"), sort="task__number", link=True),
    Column("period_label", _("期间"), sort="period_start"),
    Column("period", _("周期"), sort="period"),
    Column("percent", _("完成进度（%）"), sort="percent"),
    Column("delay_reason_labels", _("滞后原因")),
    Column("text", _("推进情况")),
    Column("reported_by.__str__", _("填报人")),
    Column("reported_at", _("填报时间"), sort="reported_at"),
)

PROJECT_COLUMNS = (
    Column("code", _("项目编号"), sort="code"),
    Column("name", _("项目名称"), sort="name", link=True),
    Column("year", _("计划年度"), sort="year"),
    Column("location", _("学校或地点")),
    Column("type", _("项目类型"), sort="type"),
    Column("stage", _("当前阶段"), sort="stage_order"),
    Column("total_investment", _("总投资（万元）"), sort="total_investment"),
    Column("completed_investment", _("已完成投资（万元）"), sort="completed_investment"),
    Column("investment_percent", _("投资完成率（%）")),
    Column("places_added", _("新增学位"), sort="places_added"),
)

PROJECT_EXPORT_COLUMNS = (
    *PROJECT_COLUMNS,
    Column("funding_source", _("资金来源")),
    Column("classes_added", _("新增班级")),
    Column("delay_reason", _("滞后原因")),
    Column("delay_text", _("滞后情况说明")),
)
