"""Demo data of 优质均衡: a confirmed resource report for every open compulsory school of the demo
district, made so that the dashboard and the optimiser have something to fix.

The registry already concentrates 骨干 in the lead schools of education groups and has a few 大班额
classes; here the resources differ between schools in a fixed pattern: 生均体育运动场馆面积 varies so
much between the schools with junior students that its 初中 差异系数 is above 0.45, and some schools
fall short on building area, equipment or classrooms. Values are the standard × the school's
students × a factor, so the indicator value is the standard × the factor whatever the school's size.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from django.utils import timezone

from edubureau.accounts.models import User
from edubureau.accounts.roles import Role
from edubureau.org.models import School, SchoolStatus, Stage
from edubureau.people.models import SchoolYear, Student, StudentStatus

from .models import DEFAULT_STANDARDS, IndicatorOverride, Part, ReportStatus, ResourceReport
from .workflow import COMPULSORY_PARTS

# Factor patterns (cycled over the schools in code order): value = standard × factor.
BUILDING = (1.2, 1.08, 0.8, 1.3, 1.1, 1.15, 1.4)
EQUIPMENT = (1.5, 1.1, 1.3, 2.0, 1.1, 0.7, 1.2)
MULTIMEDIA = (1.3, 1.1, 1.05, 1.5, 1.2, 1.08, 0.9)
# Very uneven among the schools with junior students (CV ≈ 0.5 and more), even among primary ones.
SPORTS_JUNIOR = (0.5, 2.4, 1.0, 0.8, 1.6, 0.6, 1.2)
SPORTS_PRIMARY = (1.2, 0.9, 1.4, 1.1, 1.05, 1.3, 1.15)

TZ = ZoneInfo("Asia/Shanghai")


def report_times(year: SchoolYear, today: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """When the schools submitted the year's reports and the bureau confirmed them: 15 and 20
    October of the school year, or (early in the year) a week and a day before today."""
    submitted = min(datetime.date(year.start_year, 10, 15), today - datetime.timedelta(days=7))
    reviewed = min(submitted + datetime.timedelta(days=5), today - datetime.timedelta(days=1))
    return (
        datetime.datetime.combine(submitted, datetime.time(10), TZ),
        datetime.datetime.combine(reviewed, datetime.time(14, 30), TZ),
    )


def _students_by_part(year: SchoolYear) -> dict[int, tuple[int, int, int]]:
    """school pk -> (primary, junior, senior) 在读 students, from the grade of their class."""
    rows = (
        Student.objects.filter(status=StudentStatus.STUDYING, school_class__school_year=year)
        .order_by()
        .values("school_id")
        .annotate(
            primary=Count("pk", filter=Q(school_class__grade__range=(1, 5))),
            junior=Count("pk", filter=Q(school_class__grade__range=(6, 9))),
            senior=Count("pk", filter=Q(school_class__grade__gte=10)),
        )
    )
    return {r["school_id"]: (r["primary"], r["junior"], r["senior"]) for r in rows}


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


def build(seed: int, scale: str, progress=None) -> dict[str, int]:
    year = SchoolYear.current()
    if year is None:
        return {}
    rng = random.Random(f"equity-{seed}")
    schools = list(
        School.objects.filter(stage__in=list(COMPULSORY_PARTS), status=SchoolStatus.OPEN).order_by("code")
    )
    students = _students_by_part(year)
    submitted_at, reviewed_at = report_times(year, timezone.localdate())
    admins = dict(
        User.objects.filter(role=Role.SCHOOL_ADMIN, org__in=schools)
        .order_by("pk")
        .values_list("org_id", "pk")
    )
    reviewer = (
        User.objects.filter(role=Role.DEPARTMENT, department__grants__has_key="equity")
        .order_by("pk")
        .first()
        or User.objects.filter(role=Role.ADMIN).order_by("pk").first()
    )
    primary_std, junior_std = DEFAULT_STANDARDS[Part.PRIMARY], DEFAULT_STANDARDS[Part.JUNIOR]
    reports, n_junior, n_primary = [], 0, 0
    for i, school in enumerate(schools):
        p, j, s = students.get(school.pk, (0, 0, 0))
        has_junior = Part.JUNIOR in COMPULSORY_PARTS[school.stage] and j
        if has_junior:
            sports = SPORTS_JUNIOR[n_junior % len(SPORTS_JUNIOR)]
            n_junior += 1
        else:
            sports = SPORTS_PRIMARY[n_primary % len(SPORTS_PRIMARY)]
            n_primary += 1
        # the standard × students (senior students of complete schools weigh 1.2, the method's split
        # ratio) × the school's factor × a little noise
        need = {k: primary_std[k] * p + junior_std[k] * (j + 1.2 * s) for k in ("i4", "i5", "i6", "i7")}
        factor = {
            "i4": BUILDING[i % len(BUILDING)],
            "i5": sports,
            "i6": EQUIPMENT[i % len(EQUIPMENT)],
            "i7": MULTIMEDIA[i % len(MULTIMEDIA)],
        }
        total = {k: need[k] * factor[k] * rng.uniform(0.97, 1.03) for k in need}
        reports.append(
            ResourceReport(
                school=school,
                school_year=year,
                building_area=_money(total["i4"]),
                sports_area=_money(total["i5"]),
                equipment_value=_money(total["i6"]),
                multimedia_classrooms=max(1, round(total["i7"] / 100)),
                status=ReportStatus.CONFIRMED,
                submitted_by_id=admins.get(school.pk),
                submitted_at=submitted_at,
                reviewed_by=reviewer,
                reviewed_at=reviewed_at,
                note="示例数据",
            )
        )
    ResourceReport.objects.bulk_create(reports, batch_size=1000)
    overrides = []
    first = next((r for r in reports if r.school.stage == Stage.PRIMARY), None)
    if first is not None:
        # One bureau override, so the pages show what an override looks like.
        overrides.append(
            IndicatorOverride(
                school=first.school,
                school_year=year,
                part=Part.PRIMARY,
                indicator="i7",
                value=Decimal("2.5"),
                reason="新建录播教室已验收，台账尚未更新（督导室核实）",
                created_by=reviewer,
            )  # fmt: skip
        )
        IndicatorOverride.objects.bulk_create(overrides)
    if progress:
        progress("办学资源填报", len(reports))
    return {"办学资源填报": len(reports), "指标人工调整": len(overrides)}


def wipe() -> None:
    IndicatorOverride.objects.all().delete()
    ResourceReport.objects.all().delete()
