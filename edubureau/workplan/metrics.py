"""KPIs computed live from other modules: a small registry of named metric functions.

A Target with `metric = "schools_opened"` shows METRICS["schools_opened"].compute(year) as its
actual value, so the figure in a generated document is whatever the registry says at that moment.
Each function takes the plan year and returns a number; they read the whole district (KPIs are
district figures), so call them only where the user may see the plan.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from edubureau.org.models import School
from edubureau.people.models import SchoolClass, SchoolYear, Student, StudentStatus

from .models import MetricCode, Project, ProjectStageName

LARGE_CLASS_SIZE = 55  # 大班额: more than 55 pupils in one class


@dataclass(frozen=True)
class Metric:
    label: str
    unit: str
    compute: Callable[[int], Decimal]


def schools_opened(year: int) -> Decimal:
    """新开办学校: schools whose 开办日期 falls in the year."""
    return Decimal(School.objects.filter(opened_on__year=year).count())


def _school_year_for(year: int):
    """The school year that starts in the plan year's autumn, else the latest one before it."""
    return SchoolYear.objects.filter(start_year__lte=year).order_by("-start_year").first()


def large_classes(year: int) -> Decimal:
    """大班额: classes of the school year starting in `year` with more than 55 在读 pupils."""
    school_year = _school_year_for(year)
    if school_year is None:
        return Decimal(0)
    sizes = (
        SchoolClass.objects.filter(school_year=school_year)
        .annotate(n=Count("students", filter=Q(students__status=StudentStatus.STUDYING)))
        .filter(n__gt=LARGE_CLASS_SIZE)
    )
    return Decimal(sizes.count())


def students_enrolled(year: int) -> Decimal:
    """在校生: pupils on the roll (在读) today."""
    return Decimal(Student.objects.filter(status=StudentStatus.STUDYING).count())


def students_admitted(year: int) -> Decimal:
    """新入学: pupils whose 入学日期 falls in the year."""
    return Decimal(Student.objects.filter(enrolled_on__year=year).count())


def _delivered_in(year: int):
    return Project.objects.filter(stages__stage=ProjectStageName.DELIVERED, stages__actual_date__year=year)


def places_added(year: int) -> Decimal:
    """新增学位: places of the projects delivered (交付使用) in the year."""
    return Decimal(_delivered_in(year).aggregate(n=Sum("places_added"))["n"] or 0)


def projects_started(year: int) -> Decimal:
    """开工项目: projects whose 开工 actual date falls in the year."""
    started = Project.objects.filter(stages__stage=ProjectStageName.STARTED, stages__actual_date__year=year)
    return Decimal(started.count())


def projects_delivered(year: int) -> Decimal:
    """建成项目: projects delivered (交付使用) in the year."""
    return Decimal(_delivered_in(year).count())


METRICS: dict[str, Metric] = {
    code: Metric(code.label, unit, function)
    for code, unit, function in (
        (MetricCode.SCHOOLS_OPENED, "所", schools_opened),
        (MetricCode.LARGE_CLASSES, "个", large_classes),
        (MetricCode.STUDENTS_ENROLLED, "人", students_enrolled),
        (MetricCode.STUDENTS_ADMITTED, "人", students_admitted),
        (MetricCode.PLACES_ADDED, "个", places_added),
        (MetricCode.PROJECTS_STARTED, "个", projects_started),
        (MetricCode.PROJECTS_DELIVERED, "个", projects_delivered),
    )
}

METRIC_CHOICES = [("", "—"), *MetricCode.choices]


def compute(key: str, year: int) -> Decimal | None:
    metric = METRICS.get(key)
    return None if metric is None else metric.compute(year)
