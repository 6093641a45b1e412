"""Demo data of the plan and the projects: this year's 工作要点 (3 sections, 20 tasks with KPIs,
milestones and monthly progress reports, some delayed) and a few dozen construction projects with
their stages and investments. Set-based inserts; deterministic for a seed (and the day it runs on,
since "past months" and "overdue" follow the calendar)."""

import datetime
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from edubureau.accounts.models import Department
from edubureau.org.models import School, SchoolStatus, Stage

from .models import (
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
from .services import derive_status

TZ = ZoneInfo("Asia/Shanghai")
# (section title, [(task title, lead department, highlight, [(KPI, target, unit, metric)])])
PLAN = [
    ("坚持立德树人，全面提升育人质量", [
        ("深化思政课一体化建设", "德育科", True, [("建设思政课示范课堂", 60, "节", "")]),
        ("推进课堂教学方式变革", "基教科", False, [("评选教学改革示范校", 12, "所", "")]),
        ("落实“双减”提质增效", "基教科", True, [("课后服务覆盖学校比例", 100, "%", "")]),
        ("加强学生体质健康促进", "体卫艺科", False, [("学生体质健康优良率", 55, "%", "")]),
        ("提升艺术与劳动教育实效", "体卫艺科", False, [("建设劳动教育实践基地", 8, "个", "")]),
        ("健全心理健康教育体系", "德育科", False, [("配备专职心理教师学校数", 40, "所", "")]),
        ("推进学前教育普及普惠", "学前科", True, [("新增普惠性学位", 900, "个", "")]),
    ]),
    ("优化资源配置，推动优质均衡发展", [
        ("加快新建学校开办进度", "基建科", True, [("新开办中小幼学校", 6, "所", "schools_opened")]),
        ("推进校舍新建与改扩建", "基建科", False, [("开工建设项目", 10, "个", "projects_started"),
                                                 ("交付新增学位", 4000, "个", "places_added")]),
        ("实施校舍安全加固工程", "基建科", False, [("完成加固校舍面积", 3.2, "万平方米", "")]),
        ("消除大班额", "基教科", False, [("56人以上大班额班级", 0, "个", "large_classes")]),
        ("扩大紧密型教育集团覆盖面", "基教科", False, [("新组建教育集团", 3, "个", "")]),
        ("建设标准化考场和智慧教室", "信息中心", False, [("建成理化生实验标准化考场", 30, "个", ""),
                                                       ("改造教室照明", 800, "间", "")]),
        ("保障随迁子女平等入学", "基教科", False, [("在校学生规模", 160000, "人", "students_enrolled")]),
    ]),
    ("深化综合改革，夯实教育保障体系", [
        ("推进县管校聘管理改革", "人事科", False, [("交流轮岗教师", 300, "人", "")]),
        ("加强高层次教师队伍建设", "人事科", True, [("新增区级骨干教师", 120, "人", "")]),
        ("完善教育经费保障与绩效管理", "计财科", False, [("预算执行率", 95, "%", "")]),
        ("推进教育数字化转型", "信息中心", False, [("建成数字化应用场景", 15, "个", "")]),
        ("筑牢校园安全防线", "安全稳定科", False, [("开展应急疏散演练", 400, "次", "")]),
        ("强化督导评估与问责", "督导室", False, [("完成学校综合督导", 50, "所", "")]),
    ]),
]  # fmt: skip

REPORT_TEXTS = [
    "按计划推进，已完成阶段性工作，各校落实情况良好。",
    "召开专题推进会，细化任务分工，相关学校已启动实施。",
    "完成中期检查，梳理问题清单并督促整改。",
    "试点学校形成经验做法，准备在全区推广。",
]
DELAY_TEXTS = {
    DelayReason.EPIDEMIC: "受疫情防控影响，部分现场活动推迟。",
    DelayReason.FUNDING: "专项资金到位较晚，部分采购未能按期启动。",
    DelayReason.APPROVAL: "立项审批手续办理周期较长。",
    DelayReason.OTHER: "配套工程协调难度较大。",
}
FUNDING = ["区级财政", "市级补助", "专项债", "多渠道"]
EQUIPMENT = [
    "教室照明改造",
    "晨检测温设备",
    "理化生标准化考场",
    "智慧黑板更新",
    "直饮水设备更新",
    "校园安防监控升级",
]


def _stage_dates(rng, start: datetime.date, today: datetime.date, late: bool):
    """Planned dates for every stage from `start`; actual dates for the stages whose planned date
    has passed (a late project reaches fewer, later), never after today and never out of order."""
    planned, day = [], start
    for _ in ProjectStageName.values:
        planned.append(day)
        day = day + datetime.timedelta(days=rng.randint(30, 100))
    due = sum(1 for d in planned if d <= today)
    reached = max(1, due - (rng.randint(1, 2) if late else 0))
    actual, slip = [], 0
    for i in range(reached):
        slip += rng.randint(15, 45) if late and i >= 2 else 0
        value = planned[i] + datetime.timedelta(days=slip + rng.randint(-3, 3))
        actual.append(min(max(value, actual[-1] if actual else value), today))
    return planned, actual


def _milestone_dates(year: int, i: int) -> list[tuple[datetime.date, str]]:
    """Task i's milestones: every other task starts with a plan due 10 January, then one each
    quarter, staggered by task over the months of the quarter (the last on 31 December), so that
    from 10 January to 30 December some milestones are behind today and some ahead."""
    dates = [(datetime.date(year, 1, 10), "完成任务分解，制定推进方案")] if i % 2 == 0 else []
    for quarter in range(4):
        month = quarter * 3 + 1 + i % 3
        end = datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)
        dates.append((end, f"完成第{quarter + 1}季度节点任务"))
    return dates


def build(seed: int, scale: str, progress) -> dict[str, int]:
    rng = random.Random(seed * 31 + 5)
    today = timezone.localdate()
    year = today.year
    progress("工作要点")
    departments = {d.name: d for d in Department.objects.all()}
    schools = list(
        School.objects.filter(status=SchoolStatus.OPEN).exclude(stage=Stage.OTHER).order_by("code")
    )
    plan = Plan.objects.create(
        year=year, title=f"{year}年区教育局工作要点", status=Plan.Status.PUBLISHED, issuer="区教育局",
        intro="坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的教育方针，落实立德树人根本任务，"
        "以推进教育优质均衡发展为主线，办好人民满意的教育。",
    )  # fmt: skip
    sections = Section.objects.bulk_create(
        [Section(plan=plan, order=i + 1, title=title) for i, (title, _) in enumerate(PLAN)]
    )
    tasks, spec, number = [], [], 0
    for section, (_, items) in zip(sections, PLAN, strict=True):
        for title, lead, highlight, kpis in items:
            number += 1
            tasks.append(Task(plan=plan, section=section, number=number, title=title, highlight=highlight,
                              description=f"{title}，明确责任科室和时间节点，按月报送推进情况。",
                              lead_department=departments.get(lead)))  # fmt: skip
            spec.append(kpis)
    tasks = Task.objects.bulk_create(tasks)
    # Sub-tasks under the first task of each section.
    subs = Task.objects.bulk_create([
        Task(plan=plan, section=t.section, parent=t, number=n, title=f"{t.title}（第{n}批试点）",
             lead_department=t.lead_department)
        for t in (tasks[0], tasks[7], tasks[14]) for n in (1, 2)
    ])  # fmt: skip
    cooperating = Task.cooperating_schools.through
    links = []
    for task in tasks:
        for school in rng.sample(schools, min(len(schools), rng.randint(0, 3))):
            links.append(cooperating(task_id=task.pk, school_id=school.pk))
    cooperating.objects.bulk_create(links)
    coop_depts = Task.cooperating_departments.through
    names = sorted(departments)
    coop_depts.objects.bulk_create([
        coop_depts(task_id=t.pk, department_id=departments[name].pk)
        for t in tasks for name in rng.sample(names, min(len(names), 1)) if departments[name] != t.lead_department
    ])  # fmt: skip

    targets = []
    for task, kpis in zip(tasks, spec, strict=True):
        for description, value, unit, metric in kpis:
            actual = (
                None if metric else Decimal(str(round(value * rng.uniform(0.3, 1.1), 1 if value < 10 else 0)))
            )
            targets.append(Target(task=task, description=description, target_value=Decimal(str(value)), unit=unit,
                                  actual_value=actual, metric=metric,
                                  measured_by="系统实时统计" if metric else "科室月报"))  # fmt: skip
    Target.objects.bulk_create(targets)

    milestones, reports = [], []
    delayed = set(rng.sample(range(len(tasks)), 5))
    for i, task in enumerate(tasks):
        for due, title in _milestone_dates(year, i):
            done = due if due < today and i not in delayed else None
            milestones.append(Milestone(task=task, title=title, due_date=due, done_date=done))
        for month in range(1, today.month):
            reasons = []
            if i in delayed and month >= 3:
                reasons = [
                    rng.choice(
                        [DelayReason.EPIDEMIC, DelayReason.FUNDING, DelayReason.APPROVAL, DelayReason.OTHER]
                    )
                ]
            if i % 7 == 6 and month == today.month - 1:
                continue  # a missing report to remind of
            reports.append(ProgressReport(
                task=task, period=ProgressReport.Period.MONTH, period_start=datetime.date(year, month, 1),
                text=rng.choice(REPORT_TEXTS), percent=min(100, month * 9 + rng.randint(0, 8)),
                delay_reasons=[str(r) for r in reasons], delay_text=" ".join(DELAY_TEXTS[r] for r in reasons),
            ))  # fmt: skip
    Milestone.objects.bulk_create(milestones)
    ProgressReport.objects.bulk_create(reports)
    # Each month's report came in during the first days of the next month (never after yesterday).
    yesterday = today - datetime.timedelta(days=1)
    for report in reports:
        month_end = (report.period_start + datetime.timedelta(days=32)).replace(day=1)
        day = min(month_end + datetime.timedelta(days=rng.randint(0, 4)), yesterday)
        report.reported_at = datetime.datetime.combine(day, datetime.time(rng.randint(9, 17)), TZ)
    ProgressReport.objects.bulk_update(reports, ["reported_at"], batch_size=1000)
    issued = min(datetime.date(year, 2, 20), yesterday)
    Plan.objects.filter(pk=plan.pk).update(created_at=datetime.datetime.combine(issued, datetime.time(10), TZ))
    all_tasks = list(Task.objects.filter(plan=plan).prefetch_related("milestones"))
    for task in all_tasks:
        task.status = derive_status(task, today)
    Task.objects.bulk_update(all_tasks, ["status"])
    task = tasks[-1]
    Task.objects.filter(pk=task.pk).update(status=TaskStatus.CANCELLED, status_override=TaskStatus.CANCELLED,
                                           override_reason="并入全区督导体制改革统筹推进")  # fmt: skip

    progress("重点项目")
    projects, stage_rows = _projects(rng, scale, schools, today, tasks)
    return {
        "工作要点": 1, "任务": len(tasks) + len(subs), "指标": len(targets), "里程碑": len(milestones),
        "推进情况": len(reports), "重点项目": len(projects), "项目阶段": stage_rows,
    }  # fmt: skip


def _projects(rng, scale, schools, today, tasks):
    count = 36 if scale == "full" else 12
    projects, stage_plans = [], []
    for n in range(count):
        kind = [ProjectType.NEW, ProjectType.EXPANSION, ProjectType.REINFORCEMENT, ProjectType.EQUIPMENT][
            n % 4
        ]
        year = today.year - (n % 3 == 0)
        start = datetime.date(year - 1, rng.randint(1, 12), rng.randint(1, 28))
        school = None if kind == ProjectType.NEW and n % 8 else rng.choice(schools) if schools else None
        site = (
            ""
            if school
            else f"{rng.choice(['莘庄', '七宝', '梅陇', '颛桥', '华漕', '浦江'])}镇{rng.randint(1, 60)}号地块"
        )
        total = Decimal(rng.randint(8000, 45000) if kind == ProjectType.NEW else rng.randint(300, 6000))
        if kind == ProjectType.EQUIPMENT:
            total = Decimal(rng.randint(50, 900))
        late = n % 5 == 1
        planned, actual = _stage_dates(rng, start, today, late)
        if kind == ProjectType.NEW and school is None:
            actual = actual[:7]  # not delivered yet: a delivered new school is in the registry already
        reached = len(actual) - 1
        done = (total * Decimal(reached + 1) / 8 * Decimal(str(rng.uniform(0.7, 1.0)))).quantize(
            Decimal("0.01")
        )
        label = school.short_name or school.name if school else site
        name = {ProjectType.NEW: f"{label}新建学校工程", ProjectType.EXPANSION: f"{label}改扩建工程",
                ProjectType.REINFORCEMENT: f"{label}校舍加固工程",
                ProjectType.EQUIPMENT: f"{label}{rng.choice(EQUIPMENT)}"}[kind]  # fmt: skip
        places = (
            rng.choice([450, 900, 1200, 1500])
            if kind == ProjectType.NEW
            else (rng.choice([0, 120, 240]) if kind == ProjectType.EXPANSION else 0)
        )
        projects.append(Project(
            code=f"JS{year}-{n + 1:03d}", name=name, year=year, school=school, site=site, type=kind,
            stage=ProjectStageName.values[reached], total_investment=total, completed_investment=min(done, total),
            funding_source=rng.choice(FUNDING), places_added=places, classes_added=places // 45,
            delay_reason=rng.choice([DelayReason.FUNDING, DelayReason.APPROVAL]) if late else "",
            delay_text="征地拆迁和审批手续滞后，开工时间推迟。" if late else "",
            new_school_code="" if school else f"21310{90000 + n:05d}",
            new_school_name="" if school else f"{label.split('镇')[0]}新建第{n + 1}学校",
            new_school_stage="" if school or kind != ProjectType.NEW else Stage.PRIMARY,
        ))  # fmt: skip
        stage_plans.append((planned, actual))
    projects = Project.objects.bulk_create(projects)
    rows = [
        ProjectStage(project=p, stage=name, order=i, planned_date=planned[i], actual_date=actual[i] if i < len(actual) else None)
        for p, (planned, actual) in zip(projects, stage_plans, strict=True)
        for i, name in enumerate(ProjectStageName.values)
    ]  # fmt: skip
    ProjectStage.objects.bulk_create(rows)
    build_tasks = [t for t in tasks if t.lead_department and t.lead_department.name == "基建科"]
    link = Project.tasks.through
    link.objects.bulk_create(
        [link(project_id=p.pk, task_id=rng.choice(build_tasks).pk) for p in projects if build_tasks]
    )
    return projects, len(rows)


def wipe() -> None:
    """Empty the tables, children first, with one DELETE each."""
    for model in (
        Attachment, Project.tasks.through, ProjectStage, Project, ProgressReport, Milestone, Target,
        Task.cooperating_schools.through, Task.cooperating_departments.through,
    ):  # fmt: skip
        model.objects.all().delete()
    # Sub-tasks point at their parents (CASCADE): deleting the plans removes sections and tasks in order.
    Task.objects.filter(parent__isnull=False).delete()
    Task.objects.all().delete()
    Section.objects.all().delete()
    Plan.objects.all().delete()
