"""The home pages of a school's users.

School home (学校管理员, 学校填报员): today's to-dos (classes that have not reported, open alerts on the
school, work-plan tasks it cooperates on, resource reports due), then its own figures.
Class home (班主任, 校医): the own class's report for today (校医: the school's day and the staff report),
one tap to open, saying whether it is in; a warning first when today is not a school day.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import F, Min, Q
from django.urls import reverse

from edubureau.core.scope import ADD, VIEW, scope_of
from edubureau.org.models import School

from . import figures
from .registry import queue_for


def next_school_day(today: datetime.date) -> datetime.date | None:
    """The first school day after today (looking a half-year ahead), None if the calendar has none."""
    from edubureau.people.calendar import school_days

    days = school_days(today + datetime.timedelta(days=1), today + datetime.timedelta(days=190))
    return days[0] if days else None


def report_url(school_class_id: int, day: datetime.date) -> str:
    """The class report form with the class and day chosen (health:report_new's preselect)."""
    query = urlencode({"school_class": school_class_id, "date": day.isoformat()})
    return f"{reverse('health:report_new')}?{query}"


def calendar_context(today: datetime.date) -> dict:
    from edubureau.people.calendar import is_school_day

    school_day = is_school_day(today)
    return {
        "today": today,
        "school_day": school_day,
        "next_school_day": None if school_day else next_school_day(today),
    }


def own_schools(user):
    return scope_of(user).in_units(School.objects.all())


def missing_classes(user, today: datetime.date) -> list[dict]:
    """The user's school's classes with no 晨检 report today (the day page's chase list)."""
    from edubureau.health import queries

    result = queries.completeness(today, queries.health_schools(user))
    can_report = scope_of(user).allows("health", ADD)
    return [
        {"school_class": c, "url": report_url(c.pk, today) if can_report else ""}
        for c in result.missing_classes()
    ]


def open_alerts(user, limit: int = 20) -> list:
    from edubureau.health.models import OPEN_ALERT_STATUSES, Alert

    return list(
        Alert.objects.for_user(user).filter(status__in=OPEN_ALERT_STATUSES)
        .select_related("school", "school_class", "rule").order_by("-last_date", "-id")[:limit]
    )  # fmt: skip


def cooperating_tasks(user, limit: int = 20) -> list:
    """Open work-plan tasks the school cooperates on, soonest open milestone first."""
    from edubureau.workplan.models import Task, TaskStatus

    tasks = (
        Task.objects.for_user(user)
        .exclude(status__in=[TaskStatus.DONE, TaskStatus.CANCELLED])
        .annotate(next_due=Min("milestones__due_date", filter=Q(milestones__done_date__isnull=True)))
        .select_related("plan", "lead_department")
        .order_by(F("next_due").asc(nulls_last=True), "plan__year", "number")
    )
    return list(tasks[:limit])


def school_context(user, today: datetime.date) -> dict:
    scope = scope_of(user)
    ctx = {**calendar_context(today), "school": user.org, "queue": queue_for(user, "school", today)}
    if scope.allows("health", VIEW):
        ctx["health"] = True
        ctx["missing"] = missing_classes(user, today) if ctx["school_day"] else []
        ctx["alerts"] = open_alerts(user)
        ctx["day_url"] = f"{reverse('health:day')}?{urlencode({'date': today.isoformat()})}"
    if scope.allows("workplan", VIEW):
        ctx["tasks"] = cooperating_tasks(user)
    ctx["figures"] = figures.figures(user)
    return ctx


@dataclass
class ClassCard:
    school_class: object
    url: str
    report: object | None  # today's 晨检 report, if submitted


def class_cards(user, today: datetime.date) -> list[ClassCard]:
    """The 班主任's own current classes, each with today's report form and whether it is in."""
    from edubureau.health import queries
    from edubureau.health.models import ClassReport, Session

    classes = list(queries.current_classes(user, ADD))
    reports = {
        r.school_class_id: r
        for r in ClassReport.objects.filter(school_class__in=[c.pk for c in classes], date=today,
                                            session=Session.MORNING)
    }  # fmt: skip
    return [ClassCard(c, report_url(c.pk, today), reports.get(c.pk)) for c in classes]


def doctor_context(user, today: datetime.date) -> dict:
    """The 校医: the school's day (classes reported), the staff report, open alerts to verify."""
    from edubureau.health import queries

    school = user.org
    schools = queries.health_schools(user)
    result = queries.completeness(today, schools) if school else None
    day = urlencode({"date": today.isoformat()})
    return {
        "school_url": f"{reverse('health:school', args=[school.pk])}?{day}" if school else "",
        "staff_url": reverse("health:staff_report_new"),
        "staff_report": queries.staff_report_of(school, today) if school else None,
        "district": result.district if result else None,
        "missing": missing_classes(user, today) if school else [],
        "alerts": open_alerts(user),
    }


def class_context(user, today: datetime.date) -> dict:
    from edubureau.accounts.roles import Role

    ctx = {**calendar_context(today), "school": user.org}
    if not scope_of(user).allows("health", VIEW):
        return ctx
    if user.role == Role.SCHOOL_DOCTOR:
        ctx.update(doctor=True, **doctor_context(user, today))
    else:
        ctx["cards"] = class_cards(user, today)
    ctx["queue"] = queue_for(user, "school", today)
    return ctx
