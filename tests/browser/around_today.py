"""A primary school in a term around today, for the browser tests that need a school day without the
demo's dates (each test's transactional database starts empty)."""

import datetime
import importlib

from django.apps import apps
from django.utils import timezone

from edubureau.core.idcodes import make_resident_id
from edubureau.health.models import ClusterRule
from edubureau.org.models import District, School, Stage
from edubureau.people.models import CalendarDay, SchoolYear, Student, Term


def latest_weekday(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def seed_rules_if_flushed() -> None:
    """A transactional test flushes the cluster rules the migration seeded; the report rules need them."""
    if not ClusterRule.objects.exists():
        importlib.import_module("edubureau.health.migrations.0002_seed_rules").seed(apps, None)


def school_in_term(*, term_began_days_ago: int = 90, today_a_school_day: bool = False) -> School:
    """闵行区实验小学 in term 1 of a current school year around today (a weekend today made a 调休 day
    when asked)."""
    today = timezone.localdate()
    year = SchoolYear.objects.create(
        start_year=today.year - 1, start_date=today - datetime.timedelta(days=200),
        end_date=today + datetime.timedelta(days=100), is_current=True,
    )  # fmt: skip
    Term.objects.create(school_year=year, number=1, start_date=today - datetime.timedelta(days=term_began_days_ago),
                        end_date=today + datetime.timedelta(days=30))  # fmt: skip
    if today_a_school_day and today.weekday() >= 5:
        CalendarDay.objects.create(date=today, kind=CalendarDay.Kind.MAKEUP, name="调休")
    district = District.objects.create(code="310112", name="闵行区")
    return School.objects.create(district=district, code="2131000001", name="闵行区实验小学",
                                 short_name="实验小学", stage=Stage.PRIMARY)  # fmt: skip


def add_pupils(school_class, names, first_serial: int = 10) -> list[Student]:
    """Pupils born in March 2017, one per name, with valid ID numbers (serials from first_serial)."""
    pupils = []
    for n, name in enumerate(names):
        birth = datetime.date(2017, 3, n + 1)
        pupils.append(Student.objects.create(
            name=name, gender="男", birth_date=birth, school=school_class.school, school_class=school_class,
            id_number=make_resident_id("310112", birth, first_serial + n, True),
        ))  # fmt: skip
    return pupils
