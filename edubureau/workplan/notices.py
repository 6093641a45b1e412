"""Who is told of what in the work plan (消息中心), computed by `edubureau notify send-due`.

  里程碑临近（3天内）  an open milestone (not done, its task neither 已完成 nor 取消) due today or within
                       the next DUE_SOON_DAYS days;
  里程碑逾期           an open milestone past its date;
to the users of the task's lead department (when the department holds the work-plan module) and the
users of its cooperating schools whose role holds the module (学校管理员, 学校填报员). Each is sent once
per milestone and date: moving the date announces it again.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from edubureau.accounts.models import Department, User
from edubureau.accounts.roles import SCHOOL_GRANTS, Role
from edubureau.notifications.models import Kind
from edubureau.notifications.services import Message

from .models import Milestone, Task, TaskStatus

DUE_SOON_DAYS = 3
MODULE = "workplan"


def _recipients(task_ids: set[int]) -> dict[int, set[int]]:
    """task id -> ids of the active users who follow it: its lead department's, its cooperating schools'."""
    tasks = dict(Task.objects.filter(pk__in=task_ids).values_list("pk", "lead_department_id"))
    departments = {d.pk for d in Department.objects.filter(pk__in=set(tasks.values())) if MODULE in d.modules}
    by_department: dict[int, set[int]] = {}
    for pk, department_id in User.objects.filter(
        is_active=True, role=Role.DEPARTMENT, department_id__in=departments
    ).values_list("pk", "department_id"):
        by_department.setdefault(department_id, set()).add(pk)
    school_roles = [role for role, grants in SCHOOL_GRANTS.items() if MODULE in grants]
    schools: dict[int, set[int]] = {}
    through = Task.cooperating_schools.through.objects.filter(task_id__in=task_ids)
    for task_id, school_id in through.values_list("task_id", "school_id"):
        schools.setdefault(school_id, set()).add(task_id)
    result = {pk: set(by_department.get(department_id, ())) for pk, department_id in tasks.items()}
    for pk, school_id in User.objects.filter(
        is_active=True, role__in=school_roles, org_id__in=schools
    ).values_list("pk", "org_id"):
        for task_id in schools[school_id]:
            result[task_id].add(pk)
    return result


def milestone_reminders(now: datetime.datetime) -> list[tuple[str, list[Message]]]:
    today = timezone.localtime(now).date()
    open_ones = (
        Milestone.objects.filter(
            done_date__isnull=True, due_date__lte=today + datetime.timedelta(days=DUE_SOON_DAYS)
        )
        .exclude(task__status__in=[TaskStatus.DONE, TaskStatus.CANCELLED])
        .select_related("task")
        .order_by("due_date", "pk")
    )
    milestones = list(open_ones)
    followers = _recipients({m.task_id for m in milestones})
    soon, overdue = [], []
    for m in milestones:
        task = f"任务 {m.task.label}“{m.task.title[:40]}”"
        if m.due_date < today:
            title = f"里程碑逾期：{m.title}（应于 {m.due_date:%Y-%m-%d} 完成）"
            body = f"{task}的里程碑已逾期 {(today - m.due_date).days} 天，请尽快推进并填报推进情况。"
            into, key = overdue, f"milestone:{m.pk}:overdue:{m.due_date.isoformat()}"
        else:
            days = (m.due_date - today).days
            title = f"里程碑临近：{m.title}（{'今天' if days == 0 else f'{days} 天后'}到期）"
            body = f"{task}的里程碑应于 {m.due_date:%Y-%m-%d} 完成。"
            into, key = soon, f"milestone:{m.pk}:due:{m.due_date.isoformat()}"
        into.extend(
            Message(pk, key, title, body, m.get_absolute_url()) for pk in sorted(followers.get(m.task_id, ()))
        )
    return [(Kind.MILESTONE_DUE, soon), (Kind.MILESTONE_OVERDUE, overdue)]


def due(now: datetime.datetime) -> list[tuple[str, list[Message]]]:
    """The work plan's reminders for `edubureau notify send-due`."""
    return milestone_reminders(now)
