"""Read-side queries of the health pages: what a user may see, and the figures of the school,
class and day pages. Writes and the rules stay in services.py; the trends read the rollups only.

Scope: the health module is granted per role (schools: their own school; the 体卫艺科 department
with the module: the district), independently of the registry modules, so a department that holds
only "health" still sees every school's name and classes here.
"""

import datetime
import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from edubureau.core.scope import VIEW, scope_of
from edubureau.org.models import School, SchoolStatus
from edubureau.people.calendar import is_school_day, school_days
from edubureau.people.models import GRADE_LABELS, SchoolClass, SchoolYear, Student, StudentStatus, Term

from . import services
from . import symptoms as sym
from .models import (
    OPEN_ALERT_STATUSES,
    Alert,
    ClassReport,
    SchoolDayRollup,
    Session,
    SickCase,
    StaffHealthReport,
)


def health_schools(user, action: str = VIEW):
    """The schools whose health data `user` may see (or act on)."""
    scope = scope_of(user)
    if not scope.allows("health", action):
        return School.objects.none()
    return scope.in_units(School.objects.all())


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


CLASS_NUMBER = re.compile(r"[(（]\s*(\d{1,2})\s*[)）]\s*班?|(\d{1,2})\s*班")
GRADE_NUMBER = re.compile(r"(\d{1,2})\s*年级")
GRADE_WORDS = sorted(((label, grade) for grade, label in GRADE_LABELS.items()), key=lambda g: -len(g[0]))


def search_classes(user, text: str, action: str = VIEW, limit: int = 20):
    """The current classes of `user`'s scope (current_classes) that `text` names: words of the school's
    name, short name or code, a grade (三年级, 高一, 3年级) and a class number ((2), （2）班, 2班); bare
    numbers are the grade, then the class number ("康城 3 2"). Empty text: the first classes."""
    text = text.strip()[:100]
    grade = class_no = None
    if match := CLASS_NUMBER.search(text):
        class_no = int(match.group(1) or match.group(2))
        text = text[: match.start()] + " " + text[match.end() :]
    if match := GRADE_NUMBER.search(text):
        grade = int(match.group(1))
        text = text[: match.start()] + " " + text[match.end() :]
    for label, value in GRADE_WORDS:
        if grade is None and label in text:
            grade = value
            text = text.replace(label, " ", 1)
    words = []
    for word in text.split():
        if word.isdigit() and len(word) <= 2 and (grade is None or class_no is None):
            if grade is None:
                grade = int(word)
            else:
                class_no = int(word)
        else:
            words.append(word)
    classes = current_classes(user, action)
    for word in words:
        classes = classes.filter(
            Q(school__name__icontains=word) | Q(school__short_name__icontains=word) | Q(school__code__startswith=word)
        )
    if grade is not None:
        classes = classes.filter(grade=grade)
    if class_no is not None:
        classes = classes.filter(class_no=class_no)
    return classes[:limit]


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


def same_day_last_year(day: datetime.date) -> datetime.date:
    """The day a year before to compare with: the same weekday 52 weeks earlier, so a school day
    meets a school day whatever the calendar year."""
    return day - datetime.timedelta(weeks=52)


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


# ---------------------------------------------------------------- completeness and trends


@dataclass
class SchoolCompleteness:
    school: School
    expected: int
    reported: int = 0
    on_time: int = 0
    late: int = 0

    @property
    def missing(self) -> int:
        return max(self.expected - self.reported, 0)

    @property
    def status(self) -> str:
        if self.reported == 0:
            return "未报"
        if self.missing:
            return "部分未报"
        return "迟报" if self.late else "按时"


@dataclass
class Totals:
    expected: int = 0
    reported: int = 0
    on_time: int = 0
    late: int = 0
    schools: int = 0
    schools_complete: int = 0

    def add(self, row: SchoolCompleteness) -> None:
        self.expected += row.expected
        self.reported += row.reported
        self.on_time += row.on_time
        self.late += row.late
        self.schools += 1
        self.schools_complete += row.missing == 0

    @property
    def missing(self) -> int:
        return self.expected - self.reported

    @property
    def rate(self) -> float:
        return self.reported / self.expected if self.expected else 0.0

    @property
    def on_time_rate(self) -> float:
        return self.on_time / self.expected if self.expected else 0.0


@dataclass
class Completeness:
    day: datetime.date
    school_day: bool
    schools: list[SchoolCompleteness]
    by_stage: dict[str, Totals]
    district: Totals

    def missing_classes(self):
        """The chase list: classes expected today with no 晨检 report, school by school."""
        ids = [row.school.pk for row in self.schools if row.missing]
        year = services.school_year_of(self.day)
        if not ids or year is None:
            return SchoolClass.objects.none()
        reported = ClassReport.objects.filter(date=self.day, session=Session.MORNING, school_id__in=ids)
        return (
            SchoolClass.objects.filter(school_id__in=ids, school_year=year)
            .exclude(pk__in=reported.values("school_class_id"))
            .select_related("school", "head_teacher")
            .order_by("school__code", "grade", "class_no")
        )


def class_counts(day: datetime.date, schools=None) -> dict[int, int]:
    """Classes expected to report, per open school, in the school year of `day`."""
    year = services.school_year_of(day)
    if year is None:
        return {}
    rows = SchoolClass.objects.filter(school_year=year, school__status=SchoolStatus.OPEN)
    if schools is not None:
        rows = rows.filter(school__in=schools)
    return dict(rows.values_list("school_id").annotate(n=Count("pk")).order_by())


def completeness(day: datetime.date, schools=None) -> Completeness:
    """Which schools and classes reported on `day` on time, late or not at all (from rollups)."""
    open_day = is_school_day(day)
    counts = class_counts(day, schools) if open_day else {}
    rollups = {
        r[0]: r[1:]
        for r in SchoolDayRollup.objects.filter(date=day, school_id__in=list(counts)).values_list(
            "school_id", "classes_reported", "classes_on_time", "classes_late"
        )
    }
    by_pk = School.objects.in_bulk(list(counts))
    rows, by_stage, district = [], {}, Totals()
    for school_id, expected in counts.items():
        reported, on_time, late = rollups.get(school_id, (0, 0, 0))
        row = SchoolCompleteness(by_pk[school_id], expected, reported, on_time, late)
        rows.append(row)
        by_stage.setdefault(row.school.stage, Totals()).add(row)
        district.add(row)
    rows.sort(key=lambda r: (-r.missing, r.school.code))
    return Completeness(day, open_day, rows, dict(sorted(by_stage.items())), district)


def completeness_history(start: datetime.date, end: datetime.date, schools=None) -> list[dict]:
    """Per school day of the range: classes expected, reported, on time, late, and the rates."""
    days = school_days(start, end)
    if not days:
        return []
    expected = sum(class_counts(end, schools).values())
    rows = SchoolDayRollup.objects.filter(date__in=days)
    if schools is not None:
        rows = rows.filter(school__in=schools)
    agg = {
        d: (rep or 0, on or 0, late or 0)
        for d, rep, on, late in rows.values_list("date")
        .annotate(Sum("classes_reported"), Sum("classes_on_time"), Sum("classes_late"))
        .order_by()
    }
    history = []
    for d in days:
        reported, on_time, late = agg.get(d, (0, 0, 0))
        history.append(
            {"date": d, "expected": expected, "reported": reported, "on_time": on_time, "late": late,
             "rate": reported / expected if expected else 0.0, "on_time_rate": on_time / expected if expected else 0.0}
        )  # fmt: skip
    return history


def _rollups(start, end, schools):
    """The rollups of the range, unordered: the model's order (by school code) would join the schools and
    sort ~40,000 rows for sums and grids that do not need it."""
    rows = SchoolDayRollup.objects.filter(date__range=(start, end)).order_by()
    return rows if schools is None else rows.filter(school__in=schools)


def trend_by_stage(start: datetime.date, end: datetime.date, schools=None) -> dict[str, list[tuple]]:
    """The daily sick-absence rate (因病缺课 / 应到) per 学段 and for the district ("全区"): one
    GROUP BY over the rollups (≈ 400 rows a day), never over the class reports."""
    rows = (
        _rollups(start, end, schools)
        .values_list("date", "stage")
        .annotate(sick=Sum("sick"), expected=Sum("expected"))
        .order_by("date", "stage")
    )
    trend: dict[str, list[tuple]] = {}
    total: dict[datetime.date, list[int]] = {}
    for day, stage, sick, expected in rows:
        trend.setdefault(stage, []).append((day, sick / expected if expected else 0.0))
        acc = total.setdefault(day, [0, 0])
        acc[0] += sick
        acc[1] += expected
    trend["全区"] = [(d, s / e if e else 0.0) for d, (s, e) in sorted(total.items())]
    return trend


def _json_totals(field: str, start, end, schools) -> dict[str, int]:
    """Sum a {name: count} JSON column of the rollups from start to end: the days before today from what
    this process remembers (services.PAST_ROLLUPS, renewed when such a rollup changes), today afresh."""
    today = timezone.localdate()
    past_end = min(end, today - datetime.timedelta(days=1))
    totals: dict[str, int] = {}
    if start <= past_end:
        key = (field, start, past_end, None if schools is None else schools.values("pk").query.sql_with_params())
        totals = dict(services.PAST_ROLLUPS.get(key, lambda: _json_sums(field, start, past_end, schools)))
    if end >= today:
        for name, n in _json_sums(field, max(start, today), end, schools).items():
            totals[name] = totals.get(name, 0) + n
    return totals


def _json_sums(field: str, start, end, schools) -> dict[str, int]:
    """Sum a {name: count} JSON column of the rollups in the database (JSON table functions of
    PostgreSQL and SQLite), instead of decoding ~40,000 JSON values in Python."""
    rows = _rollups(start, end, schools).exclude(cases=0).values("pk")
    sql, params = rows.query.sql_with_params()
    table = connection.ops.quote_name(SchoolDayRollup._meta.db_table)
    column = connection.ops.quote_name(field)
    if connection.vendor == "postgresql":
        each, value = f"jsonb_each_text(r.{column})", "j.value::integer"
    else:
        each, value = f"json_each(r.{column})", "j.value"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT j.key, SUM({value}) FROM {table} r, {each} j WHERE r.id IN ({sql}) GROUP BY j.key",
            params,
        )
        return {key: int(total) for key, total in cursor.fetchall()}


def symptom_mix(start: datetime.date, end: datetime.date, schools=None) -> dict[str, int]:
    """Sick-absence records per symptom over the range (a record may count under several)."""
    totals = _json_totals("symptom_counts", start, end, schools)
    return {name: totals.get(name, 0) for name in sym.SYMPTOMS}


def diagnosis_mix(start: datetime.date, end: datetime.date, schools=None) -> dict[str, int]:
    totals = _json_totals("diagnosis_counts", start, end, schools)
    return dict(sorted(totals.items(), key=lambda kv: -kv[1]))


def _heat_rollups(start: datetime.date, end: datetime.date, schools, days):
    """The rollups that give the heat table a rate: school days of the range with students expected."""
    return _rollups(start, end, schools).filter(date__in=days, expected__gt=0)


def heat_school_ids(start: datetime.date, end: datetime.date, schools=None) -> list[int]:
    """The schools (ids) that have a row in the heat table, by code: a page of them is drawn at a time."""
    rows = _heat_rollups(start, end, schools, school_days(start, end))
    return list(
        School.objects.filter(pk__in=rows.values("school_id")).order_by("code").values_list("pk", flat=True)
    )


def school_heat(start: datetime.date, end: datetime.date, schools=None, school_ids=None):
    """(days, [(school, [rate or None per day])]) for the heat table, schools by code; `school_ids`: only
    those schools (a page of heat_school_ids)."""
    days = school_days(start, end)
    index = {d: i for i, d in enumerate(days)}
    grid: dict[int, list] = {}
    rows = _heat_rollups(start, end, schools, days)
    if school_ids is not None:
        rows = rows.filter(school_id__in=list(school_ids))
    for school_id, day, sick, expected in rows.values_list("school_id", "date", "sick", "expected"):
        grid.setdefault(school_id, [None] * len(days))[index[day]] = sick / expected
    by_pk = School.objects.in_bulk(list(grid))
    rows = sorted(((by_pk[pk], rates) for pk, rates in grid.items()), key=lambda r: r[0].code)
    return days, rows
