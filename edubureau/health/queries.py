"""Read-side queries of the health pages: what a user may see, and the figures of the school,
class and day pages. Writes and the rules stay in services.py; the trends read the rollups only.

Scope: the health module is granted per role (schools: their own school; the 体卫艺科 department
with the module: the district), independently of the registry modules, so a department that holds
only "health" still sees every school's name and classes here.
"""

import datetime

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from edubureau.core.scope import VIEW, scope_of
from edubureau.org.models import School, SchoolStatus
from edubureau.people.calendar import school_days
from edubureau.people.models import SchoolClass, SchoolYear, Student, StudentStatus, Term

from . import services
from . import symptoms as sym
from .models import OPEN_ALERT_STATUSES, Alert, ClassReport, SchoolDayRollup, SickCase, StaffHealthReport


def health_schools(user, action: str = VIEW):
    """The schools whose health data `user` may see (or act on)."""
    scope = scope_of(user)
    if not scope.allows("health", action):
        return School.objects.none()
    if scope.all_units:
        return School.objects.all()
    return School.objects.filter(pk__in=scope.school_ids)


def is_bureau(user) -> bool:
    """A district-wide health user (admin, leader, the department holding the module)."""
    scope = scope_of(user)
    return scope.bureau_may("health", VIEW)


def health_classes(user, action: str = VIEW):
    """The classes whose health data `user` may see (or act on): a 班主任's own classes only."""
    scope = scope_of(user)
    classes = SchoolClass.objects.filter(school__in=health_schools(user, action))
    if scope.class_bound("health"):
        classes = classes.filter(pk__in=scope.class_ids)
    return classes


def whole_school(user) -> bool:
    """Does `user` see the health of whole schools (not only their own classes)?"""
    return not scope_of(user).class_bound("health")


def current_classes(user, action: str = VIEW):
    year = SchoolYear.current()
    return (
        health_classes(user, action)
        .filter(school__status=SchoolStatus.OPEN, school_year=year)
        .select_related("school")
        .order_by("school__code", "grade", "class_no")
    )


def class_students(school_class: SchoolClass):
    return Student.objects.filter(school_class=school_class, status=StudentStatus.STUDYING).order_by("name")


def term_range(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The term around `day` (up to `day`), or the 100 days before it outside terms."""
    term = Term.objects.filter(start_date__lte=day, end_date__gte=day).first()
    if term is None:
        term = Term.objects.filter(end_date__lt=day).order_by("-end_date").first()
    if term is None:
        return day - datetime.timedelta(days=100), day
    return term.start_date, min(day, term.end_date)


def latest_data_day(schools) -> datetime.date:
    """Today, or the last day with reports when nothing has been reported today (e.g. in the holidays)."""
    today = timezone.localdate()
    if SchoolDayRollup.objects.filter(school__in=schools, date=today).exists():
        return today
    last = SchoolDayRollup.objects.filter(school__in=schools, date__lt=today).aggregate(Max("date"))[
        "date__max"
    ]
    return last or today


def recent_school_days(day: datetime.date, n: int) -> list[datetime.date]:
    """The last `n` school days up to `day` (looking back at most ~4 months)."""
    return school_days(day - datetime.timedelta(days=max(2 * n, 30) + 60), day)[-n:]


def day_totals(day: datetime.date, schools) -> dict:
    """Students and staff of the day over the schools' rollups."""
    agg = SchoolDayRollup.objects.filter(date=day, school__in=schools).aggregate(
        expected=Sum("expected"), present=Sum("present"), sick=Sum("sick"), personal=Sum("personal"),
        cases=Sum("cases"), staff_on_duty=Sum("staff_on_duty"), staff_sick=Sum("staff_sick"),
    )  # fmt: skip
    totals = {k: v or 0 for k, v in agg.items()}
    totals["sick_rate"] = totals["sick"] / totals["expected"] if totals["expected"] else 0.0
    return totals


def rates_by_stage(day: datetime.date, schools) -> list[dict]:
    rows = (
        SchoolDayRollup.objects.filter(date=day, school__in=schools)
        .values("stage")
        .annotate(expected=Sum("expected"), sick=Sum("sick"), personal=Sum("personal"), schools=Count("pk"))
        .order_by("stage")
    )
    return [{**r, "rate": r["sick"] / r["expected"] if r["expected"] else 0.0} for r in rows]


def rates_by_school(day: datetime.date, schools) -> list[SchoolDayRollup]:
    """The day's rollup rows, highest sick-absence rate first."""
    rows = list(
        SchoolDayRollup.objects.filter(date=day, school__in=schools, expected__gt=0).select_related("school")
    )
    rows.sort(key=lambda r: (-r.sick_rate, r.school.code))
    return rows


def top_symptoms(day: datetime.date, schools, n: int = 5) -> list[tuple[str, int]]:
    counts = dict.fromkeys(sym.SYMPTOMS, 0)
    for row in SchoolDayRollup.objects.filter(date=day, school__in=schools, cases__gt=0).values_list(
        "symptom_counts", flat=True
    ):
        for name, k in row.items():
            counts[name] = counts.get(name, 0) + k
    ranked = sorted(
        ((k, name) for name, k in counts.items() if k), key=lambda t: (-t[0], sym.SYMPTOMS.index(t[1]))
    )
    return [(name, k) for k, name in ranked[:n]]


def open_alerts(schools):
    return (
        Alert.objects.filter(school__in=schools, status__in=OPEN_ALERT_STATUSES)
        .select_related("school", "school_class", "rule", "assignee")
        .order_by("-last_date", "-id")
    )


def sick_rate_series(days: list[datetime.date], schools) -> list[float | None]:
    """The daily sick-absence rate over `schools` for each of `days` (None: nothing reported)."""
    rows = dict(
        (d, (s, e))
        for d, s, e in SchoolDayRollup.objects.filter(date__in=days, school__in=schools)
        .values_list("date")
        .annotate(Sum("sick"), Sum("expected"))
        .order_by()
    )
    return [rows[d][0] / rows[d][1] if d in rows and rows[d][1] else None for d in days]


def class_day_status(school: School, day: datetime.date) -> list[dict]:
    """Each class of the school: its 晨检/午检 reports of the day (or none)."""
    year = SchoolYear.objects.filter(start_date__lte=day, end_date__gte=day).first() or SchoolYear.current()
    classes = SchoolClass.objects.filter(school=school, school_year=year).order_by("grade", "class_no")
    reports: dict[int, list[ClassReport]] = {}
    for report in ClassReport.objects.filter(school=school, date=day).order_by("session"):
        reports.setdefault(report.school_class_id, []).append(report)
    return [{"school_class": c, "reports": reports.get(c.pk, [])} for c in classes]


def class_history(school_class: SchoolClass, days: list[datetime.date]) -> list[dict]:
    """The class's report counting for each day (or None)."""
    by_day = {
        r.date: r
        for r in ClassReport.objects.filter(school_class=school_class, date__in=days, counts_for_day=True)
    }
    return [{"date": d, "report": by_day.get(d)} for d in days]


def open_case_count(schools) -> int:
    return services.open_cases().filter(school__in=schools).count()


def staff_report_of(school: School, day: datetime.date):
    return StaffHealthReport.objects.filter(school=school, date=day).first()


def alerts_touching(school: School | None = None, school_class: SchoolClass | None = None):
    rows = Alert.objects.select_related("school", "school_class", "rule")
    if school_class is not None:
        rows = rows.filter(Q(school_class=school_class) | Q(school=school_class.school, school_class=None))
    elif school is not None:
        rows = rows.filter(school=school)
    return rows.order_by("-last_date", "-id")


def open_cases_in(schools=None, school_class=None):
    rows = services.open_cases().select_related("student", "school_class", "school")
    if school_class is not None:
        return rows.filter(school_class=school_class)
    return rows.filter(school__in=schools)


def latest_case_rows(student_id: int, onset: datetime.date):
    return (
        SickCase.objects.filter(student_id=student_id, onset=onset).select_related("report").order_by("date")
    )
