"""The rules of the plan and the projects: every write of views, API, CLI, importer and demo goes here.

Each function validates first and raises a Chinese ValidationError naming the field and value,
then writes inside one transaction (nothing partly saved) and logs through core.changelog.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from edubureau.core import changelog
from edubureau.org import services as org_services
from edubureau.org.models import School, SchoolStatus

from . import metrics
from .models import (
    STAGE_ORDER,
    Attachment,
    DelayReason,
    Milestone,
    Plan,
    ProgressReport,
    Project,
    ProjectStage,
    ProjectStageName,
    ProjectType,
    Section,
    Target,
    Task,
    TaskStatus,
)

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


def _clean_and_save(obj, before: dict | None = None, exclude=None):
    """full_clean + save + change log; a create when `before` is None."""
    obj.full_clean(exclude=exclude)
    obj.save()
    if before is None:
        changelog.log_create(obj)
    else:
        changelog.log_update(obj, before)
    return obj


def _update(obj, fields: dict):
    before = changelog.snapshot(obj)
    for name, value in fields.items():
        setattr(obj, name, value)
    return _clean_and_save(obj, before)


# ---------------------------------------------------------------- plan, sections, tasks


def create_plan(
    year: int, title: str = "", intro: str = "", status: str = Plan.Status.DRAFT, issuer: str = ""
) -> Plan:
    if Plan.objects.filter(year=year).exists():
        raise ValidationError({"year": f"{year} 年的工作要点已经存在，请在原有工作要点中修改。"})
    with transaction.atomic():
        plan = Plan(year=year, title=title or f"{year}年工作要点", intro=intro, status=status, issuer=issuer)
        return _clean_and_save(plan)


def update_plan(plan: Plan, **fields) -> Plan:
    with transaction.atomic():
        return _update(plan, fields)


def publish_plan(plan: Plan) -> Plan:
    return update_plan(plan, status=Plan.Status.PUBLISHED)


def create_section(plan: Plan, title: str, text: str = "", order: int | None = None) -> Section:
    with transaction.atomic():
        if order is None:
            order = (plan.sections.aggregate(n=Max("order"))["n"] or 0) + 1
        return _clean_and_save(Section(plan=plan, order=order, title=title, text=text))


def update_section(section: Section, **fields) -> Section:
    with transaction.atomic():
        return _update(section, fields)


def next_task_number(plan: Plan, parent: Task | None = None) -> int:
    siblings = parent.children.all() if parent else plan.tasks.filter(parent__isnull=True)
    return (siblings.aggregate(n=Max("number"))["n"] or 0) + 1


def create_task(
    section: Section,
    title: str,
    *,
    number: int | None = None,
    parent: Task | None = None,
    description: str = "",
    lead_department=None,
    cooperating_departments=(),
    cooperating_schools=(),
    highlight: bool = False,
) -> Task:
    """A task (number 1 … N across the plan) or, with `parent`, a sub-task of it."""
    plan = section.plan
    with transaction.atomic():
        if number is None:
            number = next_task_number(plan, parent)
        task = Task(
            plan=plan, section=section, parent=parent, number=number, title=title.strip(),
            description=description, lead_department=lead_department, highlight=highlight,
        )  # fmt: skip
        _clean_and_save(task)
        task.cooperating_departments.set(cooperating_departments)
        task.cooperating_schools.set(cooperating_schools)
    return task


def update_task(task: Task, *, cooperating_departments=None, cooperating_schools=None, **fields) -> Task:
    with transaction.atomic():
        _update(task, fields)
        if cooperating_departments is not None:
            task.cooperating_departments.set(cooperating_departments)
        if cooperating_schools is not None:
            task.cooperating_schools.set(cooperating_schools)
        refresh_status(task)
    return task


def delete_task(task: Task) -> None:
    with transaction.atomic():
        changelog.delete(task)


# ---------------------------------------------------------------- status


def derive_status(task: Task, today: datetime.date | None = None) -> str:
    """未启动 → 推进中 → 已完成, 延缓 when a milestone is overdue or the latest report gives delay
    reasons. All milestones done (or the latest report at 100 %) is 已完成."""
    today = today or timezone.localdate()
    milestones = list(task.milestones.all())
    latest = task.reports.order_by("-period_start", "-pk").first()
    if (milestones and all(m.done_date for m in milestones)) or (latest and latest.percent == 100):
        return TaskStatus.DONE
    if any(m.is_overdue(today) for m in milestones) or (latest and latest.delay_reasons):
        return TaskStatus.DELAYED
    if latest or any(m.done_date for m in milestones):
        return TaskStatus.IN_PROGRESS
    return TaskStatus.NOT_STARTED


def refresh_status(task: Task, today: datetime.date | None = None) -> str:
    """Store the status the task should show: the override if there is one, else the derived one."""
    status = task.status_override or derive_status(task, today)
    if status != task.status:
        before = changelog.snapshot(task)
        task.status = status
        task.save(update_fields=["status", "updated_at"])
        changelog.log_update(task, before)
    return status


def refresh_plan_statuses(plan: Plan, today: datetime.date | None = None) -> int:
    """Re-derive every task's status (milestones become overdue with time); returns how many changed."""
    changed = 0
    with transaction.atomic():
        for task in plan.tasks.prefetch_related("milestones"):
            old = task.status
            changed += refresh_status(task, today) != old
    return changed


def override_status(task: Task, status: str, reason: str) -> Task:
    """Set the status by hand (e.g. 取消 for a task dropped by the bureau); empty status clears it."""
    if status and status not in TaskStatus.values:
        raise ValidationError(
            {"status_override": f"任务状态“{status}”无效，可选：{'、'.join(TaskStatus.values)}。"}
        )
    if status and not reason.strip():
        raise ValidationError({"override_reason": f"把任务“{task}”的状态指定为“{status}”时必须填写原因。"})
    with transaction.atomic():
        _update(task, {"status_override": status, "override_reason": reason.strip() if status else ""})
        refresh_status(task)
    return task


# ---------------------------------------------------------------- KPIs and milestones


def kpi_actual(target: Target) -> Decimal | None:
    """The actual value: computed live when the KPI names a metric, else the stored one."""
    if target.metric:
        return metrics.compute(target.metric, target.task.plan.year)
    return target.actual_value


def kpi_attainment(target: Target) -> int | None:
    """Per cent of the target reached (None when there is no target value or no actual)."""
    actual = kpi_actual(target)
    if actual is None or not target.target_value:
        return None
    return int(actual * 100 / target.target_value)


def create_target(
    task: Task, description: str, target_value=None, unit: str = "", *,
    actual_value=None, measured_by: str = "", metric: str = "", source_text: str = "",
) -> Target:  # fmt: skip
    with transaction.atomic():
        target = Target(
            task=task, description=description, target_value=target_value, unit=unit, actual_value=actual_value,
            measured_by=measured_by, metric=metric, source_text=source_text[:500],
        )  # fmt: skip
        return _clean_and_save(target)


def update_target(target: Target, **fields) -> Target:
    with transaction.atomic():
        return _update(target, fields)


def delete_target(target: Target) -> None:
    with transaction.atomic():
        changelog.delete(target)


def create_milestone(
    task: Task, title: str, due_date: datetime.date, done_date: datetime.date | None = None
) -> Milestone:
    with transaction.atomic():
        milestone = _clean_and_save(Milestone(task=task, title=title, due_date=due_date, done_date=done_date))
        refresh_status(task)
    return milestone


def update_milestone(milestone: Milestone, **fields) -> Milestone:
    with transaction.atomic():
        _update(milestone, fields)
        refresh_status(milestone.task)
    return milestone


def delete_milestone(milestone: Milestone) -> None:
    task = milestone.task
    with transaction.atomic():
        changelog.delete(milestone)
        refresh_status(task)


# ---------------------------------------------------------------- progress reports


def period_start_of(day: datetime.date, period: str) -> datetime.date:
    if period == ProgressReport.Period.QUARTER:
        return datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return day.replace(day=1)


def report_progress(
    task: Task,
    period_start: datetime.date,
    text: str,
    *,
    period: str = ProgressReport.Period.MONTH,
    percent: int | None = None,
    actuals: dict | None = None,
    delay_reasons=(),
    delay_text: str = "",
    user=None,
    files=(),
) -> ProgressReport:
    """File (or correct) the task's report for a month/quarter; copies KPI actuals onto the KPIs and
    re-derives the task's status. `actuals` maps KPI ids to values; `files` are uploaded files."""
    errors = {}
    if not text.strip():
        errors["text"] = "请填写推进情况。"
    unknown = [r for r in delay_reasons if r not in DelayReason.values]
    if unknown:
        errors["delay_reasons"] = (
            f"滞后原因“{'、'.join(unknown)}”无效，可选：{'、'.join(DelayReason.values)}。"
        )
    elif DelayReason.OTHER in delay_reasons and not delay_text.strip():
        errors["delay_text"] = "滞后原因选择“其他”时请说明具体情况。"
    if period_start.year != task.plan.year:
        errors["period_start"] = f"期间 {period_start:%Y-%m} 不在工作要点年度 {task.plan.year} 年内。"
    elif period_start > timezone.localdate():
        errors["period_start"] = f"期间 {period_start:%Y-%m} 尚未开始，不能提前填报。"
    values = _clean_actuals(task, actuals or {}, errors)
    for f in files:
        if f.size > MAX_ATTACHMENT_BYTES:
            errors["files"] = f"附件“{f.name}”超过 20 MB。"
    if errors:
        raise ValidationError(errors)
    start = period_start_of(period_start, period)
    with transaction.atomic():
        report = ProgressReport.objects.filter(task=task, period=period, period_start=start).first()
        before = changelog.snapshot(report) if report else None
        report = report or ProgressReport(task=task, period=period, period_start=start)
        report.text = text.strip()
        report.percent = percent
        report.actuals = {str(t.pk): str(v) for t, v in values}
        report.delay_reasons = [r for r in DelayReason.values if r in delay_reasons]
        report.delay_text = delay_text.strip()
        if before is None:
            report.reported_by = user if getattr(user, "pk", None) else None
        _clean_and_save(report, before)
        for target, value in values:
            if not target.metric:
                _update(target, {"actual_value": value})
        for f in files:
            add_attachment(f, report=report, user=user)
        refresh_status(task)
    return report


def _clean_actuals(task: Task, actuals: dict, errors: dict) -> list[tuple[Target, Decimal]]:
    targets = {str(t.pk): t for t in task.targets.all()}
    values = []
    for key, raw in actuals.items():
        if raw in (None, ""):
            continue
        target = targets.get(str(key))
        if target is None:
            errors["actuals"] = f"指标 {key} 不属于任务“{task}”。"
            continue
        try:
            value = Decimal(str(raw).strip())
        except ArithmeticError:
            errors["actuals"] = f"指标“{target.description}”的实际值“{raw}”不是数字。"
            continue
        if not value.is_finite() or value < 0:
            errors["actuals"] = f"指标“{target.description}”的实际值“{raw}”应为不小于 0 的数字。"
            continue
        values.append((target, value))
    return values


def add_attachment(
    file, *, report: ProgressReport | None = None, project: Project | None = None, user=None
) -> Attachment:
    """Store an uploaded file (default storage) as evidence of a report or a document of a project."""
    if file.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": f"附件“{file.name}”超过 20 MB。"})
    owner = f"report-{report.pk}" if report else f"project-{project.pk}"
    name = Path(file.name).name[:120] or "附件"
    attachment = Attachment(
        report=report, project=project, name=name, size=file.size,
        uploaded_by=user if getattr(user, "pk", None) else None,
    )  # fmt: skip
    attachment.path = default_storage.save(f"workplan/{owner}/{name}", file)
    # A later failure in the caller's transaction leaves this file unreferenced (harmless; Django
    # has no on-rollback hook): the rows are what counts.
    try:
        _clean_and_save(attachment)
    except ValidationError:
        default_storage.delete(attachment.path)
        raise
    return attachment


# ---------------------------------------------------------------- reminders


@dataclass
class Reminder:
    task: Task
    kind: str  # "milestone" or "report"
    text: str
    due: datetime.date


def overdue_milestones(tasks, today: datetime.date | None = None):
    today = today or timezone.localdate()
    return (
        Milestone.objects.filter(task__in=tasks, done_date__isnull=True, due_date__lt=today)
        .select_related("task", "task__lead_department", "task__plan")
        .order_by("due_date", "pk")
    )


def last_month_start(today: datetime.date) -> datetime.date:
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def missing_reports(tasks, today: datetime.date | None = None):
    """Open tasks (not 已完成/取消) with no report covering last month, in plans of this year."""
    today = today or timezone.localdate()
    month = last_month_start(today)
    covered = ProgressReport.objects.filter(
        Q(period=ProgressReport.Period.MONTH, period_start=month)
        | Q(
            period=ProgressReport.Period.QUARTER,
            period_start=period_start_of(month, ProgressReport.Period.QUARTER),
        )
    ).values("task")
    return (
        tasks.filter(plan__year=month.year, parent__isnull=True)
        .exclude(status__in=[TaskStatus.DONE, TaskStatus.CANCELLED])
        .exclude(pk__in=covered)
        .select_related("lead_department", "plan")
        .order_by("plan", "number")
    )


def reminders(tasks, today: datetime.date | None = None) -> list[Reminder]:
    """Everything to chase up among `tasks` (already scoped by the caller), oldest first."""
    today = today or timezone.localdate()
    items = [
        Reminder(m.task, "milestone", f"里程碑“{m.title}”应于 {m.due_date:%Y-%m-%d} 完成，已逾期 {(today - m.due_date).days} 天", m.due_date)
        for m in overdue_milestones(tasks, today)
    ]  # fmt: skip
    month = last_month_start(today)
    items += [
        Reminder(t, "report", f"尚未填报 {month.year}年{month.month}月推进情况", month)
        for t in missing_reports(tasks, today)
    ]
    return sorted(items, key=lambda r: (r.due, r.task.number))


# ---------------------------------------------------------------- projects


def create_project(stages: dict | None = None, tasks=(), **fields) -> Project:
    """A project with its planned stage dates (stage name → date); validated all together."""
    with transaction.atomic():
        project = _clean_and_save(Project(**fields))
        _write_stages(project, {name: {"planned_date": d} for name, d in (stages or {}).items()})
        project.tasks.set(tasks)
    return project


def update_project(project: Project, *, tasks=None, **fields) -> Project:
    if "stage" in fields:
        raise ValidationError({"stage": "项目阶段请通过“推进阶段”办理，以便记录日期。"})
    with transaction.atomic():
        _update(project, fields)
        if tasks is not None:
            project.tasks.set(tasks)
    return project


def set_stage_dates(project: Project, dates: dict) -> Project:
    """Planned/actual dates of several stages at once: {stage: {"planned_date": d, "actual_date": d}}.
    Dates must not go backwards along the stage order; the project's stage becomes the last stage
    with an actual date."""
    with transaction.atomic():
        _write_stages(project, dates)
        _sync_stage(project)
    return project


def advance_project(project: Project, stage: str, date: datetime.date, note: str = "") -> Project:
    """The project reaches `stage` on `date` (a later stage than its current one; stages may be skipped,
    e.g. equipment has no 主体结顶). A 新建 project reaching 交付使用 opens its school."""
    if stage not in STAGE_ORDER:
        raise ValidationError({"stage": f"阶段“{stage}”无效，可选：{' → '.join(ProjectStageName.values)}。"})
    current = project.stages.filter(actual_date__isnull=False).order_by("-order").first()
    if current and STAGE_ORDER[stage] <= current.order:
        raise ValidationError(
            {
                "stage": f"项目“{project}”已处于“{current.stage}”阶段，不能再推进到“{stage}”。如需更正日期请编辑阶段日期。"
            }
        )
    if date > timezone.localdate():
        raise ValidationError(
            {"actual_date": f"“{stage}”的实际日期 {date:%Y-%m-%d} 晚于今天，请在完成后再登记。"}
        )
    with transaction.atomic():
        _write_stages(project, {stage: {"actual_date": date, "note": note}})
        _sync_stage(project)
        if stage == ProjectStageName.DELIVERED and project.type == ProjectType.NEW:
            deliver_new_school(project, date)
    return project


def _write_stages(project: Project, dates: dict) -> None:
    existing = {s.stage: s for s in project.stages.all()}
    for name, values in dates.items():
        if name not in STAGE_ORDER:
            raise ValidationError(
                {"stage": f"阶段“{name}”无效，可选：{' → '.join(ProjectStageName.values)}。"}
            )
        row = existing.get(name)
        before = changelog.snapshot(row) if row else None
        row = row or ProjectStage(project=project, stage=name, order=STAGE_ORDER[name])
        for key, value in values.items():
            setattr(row, key, value)
        existing[name] = row
        row._before = before
    _check_stage_order(list(existing.values()))
    for name in dates:
        row = existing[name]
        row.full_clean(exclude=["order", "project"])
        row.save()
        if row._before is None:
            changelog.log_create(row)
        else:
            changelog.log_update(row, row._before)


def _check_stage_order(rows) -> None:
    """Planned dates and actual dates must each follow the stage order (equal dates are allowed)."""
    rows = sorted(rows, key=lambda r: STAGE_ORDER[r.stage])
    for kind, label in (("planned_date", "计划日期"), ("actual_date", "实际日期")):
        previous = None
        for row in rows:
            date = getattr(row, kind)
            if date is None:
                continue
            if previous and date < getattr(previous, kind):
                raise ValidationError(
                    {kind: f"“{row.stage}”的{label} {date:%Y-%m-%d} 早于前一阶段“{previous.stage}”的{label} "
                           f"{getattr(previous, kind):%Y-%m-%d}，阶段日期须按 立项 → … → 交付使用 的顺序。"}
                )  # fmt: skip
            previous = row


def _sync_stage(project: Project) -> None:
    reached = project.stages.filter(actual_date__isnull=False).order_by("-order").first()
    stage = reached.stage if reached else ProjectStageName.APPROVED
    if stage != project.stage:
        before = changelog.snapshot(project)
        project.stage = stage
        project.save(update_fields=["stage", "updated_at"])
        changelog.log_update(project, before)


def deliver_new_school(project: Project, date: datetime.date) -> School:
    """A delivered 新建 project becomes a school: open the 筹建 school it builds, or create the school
    named on the project through org's rules (validated; a bad code rolls the whole delivery back)."""
    if project.school_id:
        school = project.school
        if school.status == SchoolStatus.PLANNED:
            org_services.open_school(school, date, f"{project.name}交付使用，{school.name}开办")
        return school
    missing = [
        label
        for label, value in (("新校学校标识码", project.new_school_code), ("新校名称", project.new_school_name),
                             ("新校学段", project.new_school_stage))
        if not value
    ]  # fmt: skip
    if missing:
        raise ValidationError(
            {"new_school_code": f"新建项目“{project}”交付使用时将开办新学校，请先填写{'、'.join(missing)}。"}
        )
    from edubureau.org.models import District

    school = School(
        district=District.objects.order_by("pk").first(), code=project.new_school_code, name=project.new_school_name,
        stage=project.new_school_stage, address=project.site,
    )  # fmt: skip
    org_services.open_school(school, date, f"{project.name}交付使用，{school.name}开办")
    before = changelog.snapshot(project)
    project.school = school
    project.save(update_fields=["school", "updated_at"])
    changelog.log_update(project, before)
    return school


def delayed_project_ids(today: datetime.date | None = None):
    """Projects with a stage past its planned date and not reached, or reached late, or a delay reason."""
    today = today or timezone.localdate()
    late = ProjectStage.objects.filter(
        Q(actual_date__isnull=True, planned_date__lt=today) | Q(actual_date__gt=F("planned_date"))
    ).values("project")
    return Project.objects.filter(Q(pk__in=late) | ~Q(delay_reason="")).values("pk")


def delayed_projects(projects, today: datetime.date | None = None):
    return projects.filter(pk__in=delayed_project_ids(today))


def delete_project(project: Project) -> None:
    with transaction.atomic():
        changelog.delete(project)
