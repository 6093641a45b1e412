"""The cockpit's tiles of the modules that exist today, one provider per figure (see registry.py).

Each provider reads through the module's own read functions (health.queries, workplan.services,
equity.classsizes …) within the user's scope, with a few aggregate queries: never a query per school
or class. The registry shows a tile only to users whose scope allows its module.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, F, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from edubureau.people.models import SchoolYear

from . import figures
from .registry import BAD, GOOD, NEUTRAL, WARN, Tile, tile


def url(name: str, *args, **query) -> str:
    base = reverse(name, args=args)
    query = {k: v for k, v in query.items() if v is not None}
    return f"{base}?{urlencode(query)}" if query else base


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}"


# ---------------------------------------------------------------- health


@tile("health_completeness", module="health", order=10)
def health_completeness(user, today):
    from edubureau.health import queries

    schools = queries.health_schools(user)
    result = queries.completeness(today, schools)
    link = url("health:day", date=today.isoformat())
    if not result.school_day:
        return [Tile("health_completeness", _("今日上报完整率"), "—", detail=[_("今天不是上学日")], link=link,
                     group=_("健康日报"))]  # fmt: skip
    d = result.district
    rate = d.rate if d.expected else None
    status = NEUTRAL if rate is None else GOOD if rate >= 0.95 else WARN if rate >= 0.8 else BAD
    detail = [
        _("已报 %(reported)s / 应报 %(expected)s 个班，未报 %(missing)s 个")
        % {"reported": d.reported, "expected": d.expected, "missing": d.missing},
        _("全部上报的学校 %(done)s / %(all)s 所") % {"done": d.schools_complete, "all": d.schools},
    ]
    return [Tile("health_completeness", _("今日上报完整率"), percent(rate), "%", detail, link, status,
                 group=_("健康日报"))]  # fmt: skip


@tile("health_sick_rate", module="health", order=11)
def health_sick_rate(user, today):
    from edubureau.health import queries

    schools = queries.health_schools(user)
    day = queries.latest_data_day(schools)
    now, before = queries.day_totals(day, schools), queries.day_totals(queries.same_day_last_year(day), schools)
    rate = now["sick_rate"] if now["expected"] else None
    last = before["sick_rate"] if before["expected"] else None
    detail = [_("%(day)s：因病缺课 %(sick)s 人 / 应到 %(expected)s 人")
              % {"day": day.isoformat(), "sick": now["sick"], "expected": now["expected"]}]  # fmt: skip
    status = NEUTRAL
    if last is not None and rate is not None:
        detail.append(
            _("去年同期（%(day)s）：%(rate)s%%") % {"day": queries.same_day_last_year(day), "rate": percent(last)}
        )
        status = BAD if rate > last * 1.5 and rate - last > 0.005 else WARN if rate > last else GOOD
    else:
        detail.append(_("去年同期：无数据"))
    return [Tile("health_sick_rate", _("因病缺课率"), percent(rate), "%", detail,
                 url("health:trends"), status, group=_("健康日报"))]  # fmt: skip


@tile("health_alerts", module="health", order=12)
def health_alerts(user, today):
    from edubureau.health.models import OPEN_ALERT_STATUSES, Alert, ClusterRule

    alerts = Alert.objects.for_user(user).filter(status__in=OPEN_ALERT_STATUSES)
    by_level = dict(alerts.order_by().values_list("level").annotate(n=Count("pk")))
    total = sum(by_level.values())
    detail = [f"{label}：{by_level.get(value, 0)}" for value, label in ClusterRule.Level.choices]
    status = BAD if by_level.get(ClusterRule.Level.SCHOOL) else WARN if total else GOOD
    links = [(str(label), url("health:alert_list", open="true", level=value))
             for value, label in ClusterRule.Level.choices]  # fmt: skip
    return [Tile("health_alerts", _("未结束预警"), total, _("条"), detail,
                 url("health:alert_list", open="true"), status, links, group=_("健康日报"))]  # fmt: skip


# ---------------------------------------------------------------- admissions


@tile("admissions", module="admissions", order=20)
def admissions(user, today):
    """One tile per campaign of the latest year: its open stages, applicants per place, verified, unplaced."""
    from edubureau.admissions.models import (
        AllocationRun,
        Application,
        ApplicationStatus,
        Campaign,
        SchoolPlan,
    )

    campaigns = list(
        Campaign.objects.for_user(user).prefetch_related("stages").order_by("-year", "entry_grade")
    )
    if not campaigns:
        return []
    # The latest year's campaigns and, when those have no applicants yet (autumn: next year's is being
    # prepared), the latest ones that have: the year just finished keeps its results in view.
    with_applicants = set(
        Application.objects.for_user(user).order_by().values_list("campaign__year", flat=True).distinct()
    )
    years = {campaigns[0].year, max(with_applicants, default=campaigns[0].year)}
    campaigns = [c for c in campaigns if c.year in years]
    ids = [c.pk for c in campaigns]
    counts: dict[int, dict] = {}
    rows = Application.objects.for_user(user).filter(campaign__in=ids).order_by()
    for campaign_id, status, n in rows.values_list("campaign", "status").annotate(
        n=Count("pk", distinct=True)
    ):
        counts.setdefault(campaign_id, {})[status] = n
    places = dict(
        SchoolPlan.objects.for_user(user).filter(campaign__in=ids).order_by().values_list("campaign")
        .annotate(n=Sum(F("planned_classes") * Coalesce("class_size", "campaign__class_size")))
    )  # fmt: skip
    latest_runs = {}
    for run in (
        AllocationRun.objects.for_user(user).filter(campaign__in=ids).order_by("campaign", "-created_at")
    ):
        latest_runs.setdefault(run.campaign_id, run)
    out = []
    for c in campaigns:
        by_status = counts.get(c.pk, {})
        applicants = sum(by_status.values())
        seats = places.get(c.pk) or 0
        run = latest_runs.get(c.pk)
        detail = [
            _("当前阶段：%(stages)s") % {"stages": c.stage_summary},
            _("计划学位 %(places)s，报名/学位 %(ratio)s")
            % {"places": seats, "ratio": f"{applicants / seats:.2f}" if seats else "—"},
            _("已验证通过 %(passed)s，待验证 %(pending)s")
            % {"passed": by_status.get(ApplicationStatus.PASSED, 0),
               "pending": by_status.get(ApplicationStatus.PENDING, 0)},
            _("未录取 %(n)s") % {"n": run.unplaced} if run else _("尚未分配"),
        ]  # fmt: skip
        status = WARN if run and run.unplaced else NEUTRAL
        links = [(_("入学申请"), url("admissions:application_list", campaign=c.pk))]
        out.append(Tile(f"admissions_{c.pk}", str(c), applicants, _("人报名"), detail, c.get_absolute_url(),
                        status, links, group=_("招生入学")))  # fmt: skip
    return out


# ---------------------------------------------------------------- work plan and projects


def plan_year(user, today) -> int | None:
    from edubureau.workplan.models import Plan

    plans = Plan.objects.for_user(user)
    plan = plans.filter(year__lte=today.year).order_by("-year").first() or plans.order_by("year").first()
    return plan.year if plan else None


@tile("workplan", module="workplan", order=30)
def workplan(user, today):
    from edubureau.workplan import services
    from edubureau.workplan.models import Task, TaskStatus

    year = plan_year(user, today)
    if year is None:
        return []
    tasks = Task.objects.for_user(user).filter(plan__year=year)
    by_status = dict(tasks.order_by().values_list("status").annotate(n=Count("pk")))
    late = by_status.get(TaskStatus.DELAYED, 0)
    on_track = by_status.get(TaskStatus.NOT_STARTED, 0) + by_status.get(TaskStatus.IN_PROGRESS, 0)
    overdue = services.overdue_milestones(tasks, today).count()
    detail = [
        _("推进中/未启动 %(on)s，延缓 %(late)s，已完成 %(done)s")
        % {"on": on_track, "late": late, "done": by_status.get(TaskStatus.DONE, 0)},
        _("逾期里程碑 %(n)s 个") % {"n": overdue},
    ]
    status = BAD if overdue or late else GOOD
    links = [(_("延缓任务"), url("workplan:task_list", year=year, status=TaskStatus.DELAYED)),
             (_("逾期与未报提醒"), url("workplan:reminders"))]  # fmt: skip
    return [Tile("workplan", _("%(year)s年工作要点任务") % {"year": year}, sum(by_status.values()), _("项"),
                 detail, url("workplan:task_list", year=year), status, links, group=_("工作要点与项目"))]  # fmt: skip


@tile("projects", module="projects", order=31)
def projects(user, today):
    from edubureau.workplan import dashboards, services
    from edubureau.workplan.models import Project, ProjectStageName

    rows = Project.objects.for_user(user)
    totals = dashboards.project_totals(rows)
    if not totals["n"]:
        return []
    by_stage = dict(rows.order_by().values_list("stage").annotate(n=Count("pk")))
    delayed = services.delayed_projects(rows, today).count()
    stages = "，".join(
        f"{label} {by_stage[value]}" for value, label in ProjectStageName.choices if by_stage.get(value)
    )
    detail = [
        stages,
        _("投资完成 %(done)s / %(total)s 万元（%(percent)s%%）")
        % {
            "done": f"{totals['completed'] or 0:,.0f}",
            "total": f"{totals['total'] or 0:,.0f}",
            "percent": totals["percent"],
        },
        _("滞后项目 %(n)s 个") % {"n": delayed},
    ]
    return [Tile("projects", _("重点项目"), totals["n"], _("个"), detail, url("workplan:project_dashboard"),
                 BAD if delayed else GOOD, group=_("工作要点与项目"))]  # fmt: skip


# ---------------------------------------------------------------- equity


STAGE_KEYS = {"小学": "primary", "初中": "junior"}  # ASCII keys (element ids) of the 学段


@tile("equity_cv", module="equity", order=40)
def equity_cv(user, today):
    """Per 学段, the seven 差异系数 against their thresholds (district-wide figures, as on the page)."""
    from edubureau.equity import services
    from edubureau.equity.indicators import INDICATOR_LABELS, STAGE_LABELS

    year = SchoolYear.current()
    if year is None:
        return []
    result = services.evaluate_year(year)
    out = []
    for stage, stage_cvs in result.cvs.items():
        known = [c for c in stage_cvs.indicators.values() if c.passed is not None]
        passed = sum(1 for c in known if c.passed)
        threshold = next(iter(stage_cvs.indicators.values())).threshold
        worst = max(known, key=lambda c: c.cv / c.threshold if c.threshold else 0, default=None)
        detail = [_("阈值 %(threshold)s") % {"threshold": f"{threshold:.2f}"}]
        if worst is not None:
            detail.append(
                _("最高：%(name)s %(cv)s")
                % {"name": INDICATOR_LABELS[worst.indicator], "cv": f"{worst.cv:.3f}"}
            )
        detail += [_("未达标：%(name)s %(cv)s") % {"name": INDICATOR_LABELS[key], "cv": f"{c.cv:.3f}"}
                   for key, c in stage_cvs.indicators.items() if c.passed is False]  # fmt: skip
        if len(known) < len(stage_cvs.indicators):
            detail.append(_("%(n)s 项数据不全，无法计算") % {"n": len(stage_cvs.indicators) - len(known)})
        status = NEUTRAL if not known else GOOD if passed == len(stage_cvs.indicators) else BAD
        out.append(Tile(f"equity_cv_{STAGE_KEYS.get(stage, stage)}", _("%(stage)s差异系数达标") % {"stage": STAGE_LABELS[stage]},
                        f"{passed}/{len(stage_cvs.indicators)}", _("项"), detail,
                        url("equity:dashboard", year=year.start_year), status, group=_("优质均衡")))  # fmt: skip
    return out


@tile("equity_large_classes", module="equity", order=41)
def equity_large_classes(user, today):
    from edubureau.equity import classsizes
    from edubureau.equity.views.common import visible_schools

    year = SchoolYear.current()
    if year is None:
        return []
    summary = classsizes.summarise(year, classsizes.classes_of(year, visible_schools(user)))
    n = summary.large + summary.huge
    detail = [
        _("大班额 %(large)s，超大班额 %(huge)s") % {"large": summary.large, "huge": summary.huge},
        _("超过标准班额 %(over)s / 共 %(all)s 个班") % {"over": summary.over, "all": summary.classes},
    ]
    return [Tile("equity_large_classes", _("大班额班级"), n, _("个"), detail,
                 url("equity:class_sizes", year=year.start_year), BAD if summary.huge else WARN if n else GOOD,
                 group=_("优质均衡"))]  # fmt: skip


# ---------------------------------------------------------------- registry


@tile("registry_students", module="students", order=50)
def registry_students(user, today):
    total = figures.student_figures(user)["total"]
    return [Tile("registry_students", _("在读学生"), total, _("人"), link=url("people:student_list"),
                 links=[(_("师生库概览"), url("dashboard:registry"))], group=_("师生库"))]  # fmt: skip


@tile("registry_staff", module="staff", order=51)
def registry_staff(user, today):
    total = figures.staff_figures(user)["total"]
    return [Tile("registry_staff", _("在职教职工"), total, _("人"), link=url("people:staff_list"),
                 links=[(_("师生库概览"), url("dashboard:registry"))], group=_("师生库"))]  # fmt: skip


@tile("registry_schools", module="org", order=52)
def registry_schools(user, today):
    figs = figures.school_figures(user)
    detail = ["，".join(f"{label} {n}" for label, n in figs["by_stage"])] if figs["by_stage"] else []
    return [Tile("registry_schools", _("学校"), figs["total"], _("所"), detail, url("org:school_list"),
                 group=_("师生库"))]  # fmt: skip
