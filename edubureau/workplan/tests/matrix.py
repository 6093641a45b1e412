"""The scope-matrix hook (tests/test_scope_matrix.py): the plan and its sections are shared; school A
and school B each cooperate on a task (with a KPI, a milestone, a report and its evidence) and each
have a construction project. Their titles are the secrets the other school must never see."""

import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from edubureau.accounts.models import Department
from edubureau.accounts.roles import ALL
from edubureau.org.models import School
from edubureau.workplan.models import (
    Attachment,
    Milestone,
    Plan,
    ProgressReport,
    Project,
    ProjectStage,
    Section,
    Target,
    Task,
)

FILLERS = {
    "workplan:section_add": lambda seed: ({"plan_pk": seed.shared[Plan].pk}, None),
}


def _school_objects(plan, section, department, school, head, n):
    task = Task.objects.create(
        plan=plan, section=section, number=n, title=f"{head}协作推进课后服务任务", lead_department=department
    )
    task.cooperating_schools.set([school])
    target = Target.objects.create(task=task, description=f"{head}课后服务参与率", target_value=95, unit="%")
    milestone = Milestone.objects.create(
        task=task, title=f"{head}完成课后服务方案", due_date=datetime.date(2026, 3, 1)
    )
    report = ProgressReport.objects.create(
        task=task,
        period_start=datetime.date(2026, 1, 1),
        text=f"{head}课后服务推进顺利",
        delay_reasons=["资金压力"],
    )
    project = Project.objects.create(
        code=f"MATRIX-{n}", name=f"{head}操场改造工程", year=2026, school=school, type="改扩建",
        total_investment=500, completed_investment=100,
    )  # fmt: skip
    ProjectStage.objects.create(project=project, stage="立项", planned_date=datetime.date(2026, 1, 5))
    path = default_storage.save(f"workplan/matrix/matrix-{n}.txt", ContentFile(b"abc"))
    attachment = Attachment.objects.create(project=project, name=f"{head}施工许可.txt", size=3, path=path)
    objects = {Task: task, Target: target, Milestone: milestone, ProgressReport: report, Project: project,
               Attachment: attachment}  # fmt: skip
    secrets = {task.title, target.description, milestone.title, report.text, project.name, attachment.name}
    return objects, secrets


def seed(data, actors):
    plan = Plan.objects.create(year=2026, title="2026年矩阵测试工作要点")
    section = Section.objects.create(plan=plan, order=1, title="扩大优质资源")
    department = Department.objects.create(name="矩阵规划科", grants={m: list(ALL) for m in ["workplan"]})
    a, secrets_a = _school_objects(plan, section, department, data.a[School], "甲校", 1)
    b, secrets_b = _school_objects(plan, section, department, data.b[School], "乙校", 2)
    data.a.update(a)
    data.b.update(b)
    data.secrets_a |= secrets_a
    data.secrets_b |= secrets_b
    data.shared[Plan] = plan
    data.shared[Section] = section
