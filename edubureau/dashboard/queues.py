"""Work waiting for a department (its workbench) or a school (its to-dos), one provider per kind of
work (see registry.py). Each item counts the rows, names the earliest deadline and links to the
module's list filtered to exactly those rows; the rules of who does which step stay in the modules
(`health.services.next_statuses_for`, `equity.workflow.is_bureau`, `admissions` stages)."""

from __future__ import annotations

import calendar

from django.db.models import Count, Min
from django.utils.translation import gettext as _

from edubureau.core.scope import ADD, CHANGE, scope_of

from .registry import BAD, NEUTRAL, WARN, QueueItem, queue_item
from .tiles import url


@queue_item("health_alerts", module="health", audience=("department", "school"), order=10)
def health_alerts(user, today):
    """Open alerts whose next step the user owns: new ones to verify, the others to report or close."""
    from edubureau.health import services
    from edubureau.health.models import OPEN_ALERT_STATUSES, Alert, AlertStatus

    if not scope_of(user).allows("health", CHANGE):
        return []
    rows = (
        Alert.objects.for_user(user)
        .filter(status__in=OPEN_ALERT_STATUSES)
        .only("pk", "status", "school_id", "report_due")
    )
    waiting = [a for a in rows.order_by() if services.next_statuses_for(user, a)]
    new = [a for a in waiting if a.status == AlertStatus.NEW]
    rest = [a for a in waiting if a.status != AlertStatus.NEW]
    items = []
    for key, title, alerts, link in (
        ("alerts_new", _("待核实的预警"), new, url("health:alert_list", status=AlertStatus.NEW)),
        ("alerts_open", _("待报告、处置或关闭的预警"), rest, url("health:alert_list", open="true")),
    ):
        if alerts:
            dues = [a.report_due.date() for a in alerts if a.report_due]
            items.append(QueueItem(key, title, len(alerts), link, min(dues) if dues else None, status=BAD))
    return items


@queue_item("applications_to_verify", module="admissions", audience=("department", "school"), order=20)
def applications_to_verify(user, today):
    """Applications waiting for verification in campaigns whose 验证 stage is open."""
    from edubureau.admissions.models import Application, ApplicationStatus, CampaignStage, StageKind

    if not scope_of(user).allows("admissions", CHANGE):
        return []
    stages = {
        s.campaign_id: s
        for s in CampaignStage.objects.for_user(user)
        .filter(kind=StageKind.VERIFICATION, opened_at__isnull=False, closed_at__isnull=True)
        .select_related("campaign")
    }
    if not stages:
        return []
    pending = dict(
        Application.objects.for_user(user, CHANGE).filter(campaign__in=list(stages), status=ApplicationStatus.PENDING)
        .order_by().values_list("campaign").annotate(n=Count("pk", distinct=True))
    )  # fmt: skip
    return [
        QueueItem(
            f"applications_{campaign_id}",
            _("待验证的入学申请：%(campaign)s") % {"campaign": stage.campaign},
            pending[campaign_id],
            url("admissions:application_list", campaign=campaign_id, status=ApplicationStatus.PENDING),
            stage.planned_end,
            status=WARN,
        )  # fmt: skip
        for campaign_id, stage in stages.items()
        if pending.get(campaign_id)
    ]


def month_end(day):
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@queue_item("workplan_reminders", module="workplan", audience=("department",), order=30)
def workplan_reminders(user, today):
    """The department's tasks: overdue milestones and last month's missing progress reports (the
    reminders page's two lists)."""
    from edubureau.workplan import services
    from edubureau.workplan.models import Task

    tasks = Task.objects.for_user(user)
    items = []
    milestones = (
        services.overdue_milestones(tasks, today).order_by().aggregate(n=Count("pk"), due=Min("due_date"))
    )
    if milestones["n"]:
        items.append(QueueItem("milestones_overdue", _("逾期未完成的里程碑"), milestones["n"],
                               url("workplan:reminders"), milestones["due"], status=BAD))  # fmt: skip
    missing = services.missing_reports(tasks, today).count()
    if missing:
        month = services.last_month_start(today)
        title = _("未填报 %(year)s年%(month)s月推进情况的任务") % {"year": month.year, "month": month.month}
        items.append(QueueItem("reports_missing", title, missing, url("workplan:reminders"), month_end(month),
                               status=WARN))  # fmt: skip
    return items


@queue_item("resource_reports_to_confirm", module="equity", audience=("department",), order=40)
def resource_reports_to_confirm(user, today):
    from edubureau.equity import workflow
    from edubureau.equity.models import ReportStatus, ResourceReport

    if not workflow.is_bureau(user):
        return []
    rows = ResourceReport.objects.for_user(user).filter(status=ReportStatus.SUBMITTED).order_by()
    agg = rows.aggregate(n=Count("pk"), since=Min("submitted_at"))
    if not agg["n"]:
        return []
    detail = _("最早提交于 %(day)s") % {"day": agg["since"].date()} if agg["since"] else ""
    return [QueueItem("resource_reports", _("待确认的办学资源填报"), agg["n"],
                      url("equity:report_list", status=ReportStatus.SUBMITTED), None, detail, NEUTRAL)]  # fmt: skip


@queue_item("resource_reports_due", module="equity", audience=("school",), order=40)
def resource_reports_due(user, today):
    """This school year's resource report of the user's schools that take part, not yet submitted."""
    from edubureau.equity.models import EDITABLE_STATUSES, ResourceReport
    from edubureau.equity.workflow import COMPULSORY_PARTS
    from edubureau.org.models import School, SchoolStatus
    from edubureau.people.models import SchoolYear

    scope = scope_of(user)
    year = SchoolYear.current()
    if year is None or not scope.allows("equity", ADD):
        return []
    schools = scope.in_units(
        School.objects.filter(stage__in=list(COMPULSORY_PARTS), status=SchoolStatus.OPEN)
    )
    done = (
        ResourceReport.objects.filter(school_year=year).exclude(status__in=EDITABLE_STATUSES).values("school")
    )
    n = schools.exclude(pk__in=done).count()
    if not n:
        return []
    return [QueueItem("resource_report_due", _("%(year)s办学资源填报（未提交）") % {"year": year}, n,
                      url("equity:report_list", school_year=year.start_year), status=WARN)]  # fmt: skip
