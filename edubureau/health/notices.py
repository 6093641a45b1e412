"""Who is told of what in the health module (消息中心), next to the rules it follows.

新预警          the users who may take the alert's first step (verify it): services.ALERT_STEP_OWNERS
                through services.may_move_alert — the school's 校医 and 学校管理员, the bureau's
                administrators and the users of departments granted health changes (体卫艺科);
预警指派给我    the alert's assignee, unless they took it themselves;
日报未按时上报  after the 晨检 deadline of a school day (ReportingSettings), for the classes with no
                晨检 report (queries.completeness → missing_classes): the school's 学校管理员 and
                学校填报员, and the 班主任 of each missing class.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from edubureau.accounts.models import User
from edubureau.accounts.roles import SCHOOL_ROLES, Role
from edubureau.notifications.models import Kind
from edubureau.notifications.services import Message, notify

from .models import Alert, AlertStatus, ReportingSettings

# The school's users who report every school day and chase the missing classes.
REPORTING_ROLES = (Role.SCHOOL_ADMIN, Role.SCHOOL_CLERK)
LISTED_CLASSES = 10  # classes named in one message; the page lists them all


def _where(alert: Alert) -> str:
    place = alert.school.short_name or alert.school.name
    return f"{place} {alert.school_class.name}" if alert.school_class_id else place


def _what(alert: Alert) -> str:
    return alert.rule.name if alert.rule_id else alert.get_kind_display()


def alert_owners(alert: Alert) -> list[int]:
    """Ids of the active users who may verify `alert` (the first step of its workflow)."""
    from . import services  # services imports this module

    step = AlertStatus.VERIFIED
    roles = services.ALERT_STEP_OWNERS[step]
    school_roles = [r for r in roles if r in SCHOOL_ROLES]
    candidates = User.objects.filter(is_active=True).filter(
        Q(org_id=alert.school_id, role__in=school_roles)
        | Q(role__in=[r for r in roles if r not in school_roles])
        | Q(is_superuser=True)
    )
    return [u.pk for u in candidates.select_related("department") if services.may_move_alert(u, alert, step)]


def alert_created(alert: Alert) -> None:
    notify(
        alert_owners(alert), Kind.NEW_ALERT, f"新预警：{_where(alert)} {_what(alert)}",
        f"{alert.first_date:%Y-%m-%d} 至 {alert.last_date:%Y-%m-%d} 共 {alert.cases} 例，请及时核实处置。",
        alert.get_absolute_url(), f"alert:{alert.pk}",
    )  # fmt: skip


def alert_assigned(alert: Alert, by=None) -> None:
    """Tell the alert's assignee, once per alert and assignee (a later step repeats nothing)."""
    if alert.assignee_id and alert.assignee_id != getattr(by, "pk", None):
        notify(
            [alert.assignee_id], Kind.ALERT_ASSIGNED, f"预警指派给您：{_where(alert)} {_what(alert)}",
            f"当前状态：{alert.get_status_display()}。" + (f"指派人：{by}。" if by is not None else ""),
            alert.get_absolute_url(), f"alert:{alert.pk}:assignee:{alert.assignee_id}",
        )  # fmt: skip


def missing_reports(now: datetime.datetime) -> list[Message]:
    """The 晨检 reports missing after today's deadline, as messages to the school's reporters."""
    from . import queries

    local = timezone.localtime(now)
    day = local.date()
    if local.time() < ReportingSettings.get().morning_deadline:
        return []
    result = queries.completeness(day)
    if not result.school_day:
        return []
    classes = list(result.missing_classes())
    if not classes:
        return []
    by_school: dict[int, list] = {}
    for school_class in classes:
        by_school.setdefault(school_class.school_id, []).append(school_class)
    key = f"report:{day.isoformat()}"
    day_link = f"{reverse('health:day')}?date={day.isoformat()}"
    messages = []
    reporters = User.objects.filter(is_active=True, role__in=REPORTING_ROLES, org_id__in=by_school)
    for pk, school_id in reporters.values_list("pk", "org_id"):
        missing = by_school[school_id]
        names = "、".join(c.name for c in missing[:LISTED_CLASSES]) + (
            "等" if len(missing) > LISTED_CLASSES else ""
        )
        messages.append(Message(pk, key, f"{day:%m月%d日}晨检日报未按时上报：{len(missing)} 个班级",
                                f"截至上报时限仍未上报的班级：{names}。", day_link))  # fmt: skip
    heads = {(c.school_id, c.head_teacher_id): c for c in classes if c.head_teacher_id}
    teachers = User.objects.filter(
        is_active=True, role=Role.HEAD_TEACHER, staff_id__in={staff for _s, staff in heads}
    ).values_list("pk", "org_id", "staff_id")
    for pk, school_id, staff_id in teachers:
        school_class = heads.get((school_id, staff_id))
        if school_class is not None:
            messages.append(Message(pk, key, f"{day:%m月%d日}{school_class.name}晨检日报未按时上报",
                                    "请尽快填报本班晨检日报。", reverse("health:report_new")))  # fmt: skip
    return messages


def due(now: datetime.datetime) -> list[tuple[str, list[Message]]]:
    """The health module's reminders for `edubureau notify send-due`."""
    return [(Kind.REPORT_MISSING, missing_reports(now))]
