"""The rules of workplan.services: validation (nothing partly saved), status, reminders, projects."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from edubureau.core.models import ChangeRecord
from edubureau.org.models import School, SchoolStatus, Stage
from edubureau.workplan import metrics, services
from edubureau.workplan.models import MetricCode, Milestone, ProgressReport, Project, ProjectStage, TaskStatus

D = datetime.date


def test_it_refuses_a_milestone_after_the_plan_year(tasks):
    task = tasks[0]
    with pytest.raises(ValidationError) as e:
        services.create_milestone(task, "完成验收", D(2027, 1, 5))
    assert "2027-01-05 不在工作要点年度 2026 年内" in str(e.value)
    assert not Milestone.objects.exists()


def test_it_derives_the_status_from_milestones_and_reports(tasks):
    task = tasks[0]
    assert task.status == TaskStatus.NOT_STARTED
    services.create_milestone(task, "方案制定", D(2026, 9, 30))
    services.report_progress(task, D(2026, 5, 1), "已完成调研。", percent=30)
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS
    services.create_milestone(task, "启动试点", D(2026, 3, 31))  # already past: overdue
    task.refresh_from_db()
    assert task.status == TaskStatus.DELAYED
    for m in task.milestones.all():
        services.update_milestone(m, done_date=D(2026, 6, 1))
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


def test_it_needs_a_reason_to_override_the_status(tasks):
    task = tasks[0]
    with pytest.raises(ValidationError) as e:
        services.override_status(task, TaskStatus.CANCELLED, "  ")
    assert "必须填写原因" in str(e.value)
    task.refresh_from_db()
    assert task.status == TaskStatus.NOT_STARTED and task.status_override == ""
    services.override_status(task, TaskStatus.CANCELLED, "上级政策调整，任务取消")
    task.refresh_from_db()
    assert (task.status, task.override_reason) == (TaskStatus.CANCELLED, "上级政策调整，任务取消")
    services.override_status(task, "", "")
    task.refresh_from_db()
    assert task.status == TaskStatus.NOT_STARTED


def test_it_records_delay_reasons_and_kpi_actuals(tasks, planner):
    task = tasks[0]
    target = services.create_target(task, "建成标准化考场", 41, "个")
    report = services.report_progress(
        task, D(2026, 5, 20), "受疫情影响部分考场延期施工。", percent=40, actuals={target.pk: "30"},
        delay_reasons=["疫情影响", "资金压力"], delay_text="两所学校停工", user=planner,
    )  # fmt: skip
    assert report.period_start == D(2026, 5, 1)
    assert report.delay_reasons == ["疫情影响", "资金压力"]
    target.refresh_from_db()
    assert target.actual_value == Decimal(30)
    assert services.kpi_attainment(target) == 73
    task.refresh_from_db()
    assert task.status == TaskStatus.DELAYED
    # the same period again corrects the report instead of adding one
    services.report_progress(task, D(2026, 5, 3), "考场已恢复施工。", percent=60)
    assert ProgressReport.objects.filter(task=task).count() == 1
    assert ChangeRecord.objects.filter(object_repr__contains="2026年5月").exists()


def test_it_refuses_a_bad_progress_report_and_keeps_nothing(tasks):
    task = tasks[0]
    target = services.create_target(task, "发放口罩", 172, "万只")
    cases = [
        ({"delay_reasons": ["天气原因"]}, "滞后原因“天气原因”无效"),
        ({"delay_reasons": ["其他"]}, "请说明具体情况"),
        ({"actuals": {target.pk: "很多"}}, "实际值“很多”不是数字"),
        ({"actuals": {target.pk: "-3"}}, "应为不小于 0 的数字"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValidationError) as e:
            services.report_progress(task, D(2026, 5, 1), "说明", **kwargs)
        assert message in str(e.value)
    with pytest.raises(ValidationError, match="尚未开始"):
        services.report_progress(task, D(2026, 8, 1), "说明")
    with pytest.raises(ValidationError, match="不在工作要点年度"):
        services.report_progress(task, D(2025, 12, 1), "说明")
    assert not ProgressReport.objects.exists()
    target.refresh_from_db()
    assert target.actual_value is None


def test_it_lists_overdue_milestones_and_missing_reports(tasks):
    t1, t2, t3 = tasks
    services.create_milestone(t1, "完成方案", D(2026, 4, 30))
    services.report_progress(t2, D(2026, 5, 1), "五月进展")
    services.report_progress(t3, D(2026, 4, 1), "第二季度进展", period=ProgressReport.Period.QUARTER)
    items = services.reminders(t1.plan.tasks.all())
    texts = [(r.task.number, r.kind) for r in items]
    assert (1, "milestone") in texts
    assert (1, "report") in texts  # no May report
    assert (2, "report") not in texts and (3, "report") not in texts  # monthly and quarterly cover May
    assert "已逾期 46 天" in next(r.text for r in items if r.kind == "milestone")


def test_it_computes_live_kpis(tasks, district):
    School.objects.create(
        district=district, code="2131000099", name="新开小学", stage=Stage.PRIMARY, opened_on=D(2026, 3, 1)
    )
    target = services.create_target(tasks[1], "新开办学校", 3, "所", metric="schools_opened")
    assert services.kpi_actual(target) == 1
    assert services.kpi_attainment(target) == 33
    with pytest.raises(ValidationError, match="不存在"):
        services.create_target(tasks[1], "乱填", 1, "个", metric="nonsense")
    assert set(metrics.METRICS) == set(MetricCode)  # every code the model accepts has its function


# ---------------------------------------------------------------- projects


def project_fields(**extra):
    return {
        "code": "JS2026-01", "name": "实验小学扩建工程", "year": 2026, "type": "改扩建", "site": "莘庄镇",
        "total_investment": Decimal("1200"), "completed_investment": Decimal("300"), **extra,
    }  # fmt: skip


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"total_investment": Decimal("-5")}, "总投资（万元）不能为负数（填写的是 -5）"),
        ({"completed_investment": Decimal("-1")}, "已完成投资（万元）不能为负数"),
        ({"completed_investment": Decimal("1500")}, "已完成投资 1500 万元超过了总投资 1200 万元"),
        ({"site": ""}, "请选择学校或填写建设地点"),
    ],
)
def test_it_refuses_bad_investments(db, extra, message):
    with pytest.raises(ValidationError) as e:
        services.create_project(stages={"立项": D(2026, 1, 10)}, **project_fields(**extra))
    assert message in str(e.value)
    assert not Project.objects.exists() and not ProjectStage.objects.exists()


def test_it_refuses_stage_dates_out_of_order_and_keeps_the_old_ones(db):
    with pytest.raises(ValidationError) as e:
        services.create_project(stages={"立项": D(2026, 3, 1), "设计": D(2026, 2, 1)}, **project_fields())
    assert "“设计”的计划日期 2026-02-01 早于前一阶段“立项”的计划日期 2026-03-01" in str(e.value)
    assert not Project.objects.exists()
    project = services.create_project(
        stages={"立项": D(2026, 1, 10), "开工": D(2026, 5, 1)}, **project_fields()
    )
    services.advance_project(project, "立项", D(2026, 1, 12))
    with pytest.raises(ValidationError, match="早于前一阶段“立项”的实际日期"):
        services.set_stage_dates(
            project, {"招标": {"actual_date": D(2026, 1, 5)}, "开工": {"actual_date": D(2026, 2, 1)}}
        )
    assert not project.stages.filter(stage__in=["招标"]).exists()
    assert project.stages.get(stage="开工").actual_date is None


def test_it_advances_stages_forward_only(db):
    project = services.create_project(stages={"立项": D(2026, 1, 10)}, **project_fields())
    services.advance_project(project, "立项", D(2026, 1, 10))
    services.advance_project(project, "招标", D(2026, 3, 10))  # stages may be skipped
    project.refresh_from_db()
    assert project.stage == "招标"
    with pytest.raises(ValidationError, match="已处于“招标”阶段"):
        services.advance_project(project, "设计", D(2026, 4, 1))
    with pytest.raises(ValidationError, match="晚于今天"):
        services.advance_project(project, "开工", D(2026, 7, 1))


def test_a_delivered_new_school_becomes_a_school(db, district):
    project = services.create_project(
        **project_fields(code="JS2026-09", name="莘庄新建小学", type="新建", site="莘庄镇莘北路地块",
                         new_school_code="2131000777", new_school_name="莘庄第二小学", new_school_stage=Stage.PRIMARY,
                         places_added=1200)
    )  # fmt: skip
    services.advance_project(project, "竣工验收", D(2026, 5, 20))
    services.advance_project(project, "交付使用", D(2026, 6, 1))
    project.refresh_from_db()
    school = School.objects.get(code="2131000777")
    assert project.school == school
    assert (school.status, school.opened_on) == (SchoolStatus.OPEN, D(2026, 6, 1))
    assert metrics.places_added(2026) == 1200


def test_a_delivery_with_a_bad_school_code_changes_nothing(db, district):
    project = services.create_project(
        **project_fields(code="JS2026-10", type="新建", new_school_code="12", new_school_name="坏代码学校",
                         new_school_stage=Stage.PRIMARY)
    )  # fmt: skip
    with pytest.raises(ValidationError, match="学校标识码"):
        services.advance_project(project, "交付使用", D(2026, 6, 1))
    project.refresh_from_db()
    assert project.stage == "立项" and project.school is None
    assert not project.stages.exists()
    assert not School.objects.filter(name="坏代码学校").exists()


def test_it_keeps_tasks_two_levels_deep(tasks):
    t1, t2, t3 = tasks
    sub = services.create_task(t1.section, "子任务", parent=t1)
    assert sub.label == "（1）" and sub.number == 1
    with pytest.raises(ValidationError, match="子任务下不能再分子任务"):
        services.create_task(t1.section, "孙任务", parent=sub)
    with pytest.raises(ValidationError, match="不能再作为子任务"):
        services.update_task(t1, parent=t3)
    t1.refresh_from_db()
    assert t1.parent is None
