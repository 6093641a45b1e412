"""Health fixtures on top of the project's actors: the 2025-2026 calendar (term 1), a class with
pupils in school A and one in school B, and `report()` to build a payload in the API's shape.

Dates: reports are for school days of term 1 (2025-09-01 … 2026-01-23); SCHOOL_DAY is a Monday.
"""

import datetime
import itertools

import pytest

from edubureau.core import idcodes
from edubureau.people.models import CalendarDay, SchoolClass, Staff, Student, Term

SCHOOL_DAY = datetime.date(2025, 11, 17)  # a Monday in term 1
_seq = itertools.count(1)


def make_pupil(school, school_class, **extra) -> Student:
    n = next(_seq)
    birth = datetime.date(2017, 1, 1) + datetime.timedelta(days=n)
    return Student.objects.create(
        name=extra.pop("name", f"学生{n}"), gender="男", birth_date=birth,
        id_number=extra.pop("id_number", idcodes.make_resident_id("310112", birth, 11, True)), school=school,
        school_class=school_class,
        **extra,
    )  # fmt: skip


def make_teacher(school, **extra) -> Staff:
    n = next(_seq)
    birth = datetime.date(1980, 1, 1) + datetime.timedelta(days=n)
    return Staff.objects.create(
        name=extra.pop("name", f"老师{n}"), gender="女", birth_date=birth,
        id_number=extra.pop("id_number", idcodes.make_resident_id("310112", birth, 12, False)), school=school,
        **extra,
    )  # fmt: skip


def report(school_class, day=SCHOOL_DAY, *, expected=40, present=None, personal=0, cases=(), **extra) -> dict:
    """A class report payload; `cases` are students (symptoms 发热+咳嗽) or ready dicts."""
    items = [
        c if isinstance(c, dict) else case(c, day)
        for c in cases
    ]  # fmt: skip
    sick = len(items)
    if present is None:
        present = expected - sick - personal
    return {
        "school": school_class.school.code, "grade": school_class.grade, "class_no": school_class.class_no,
        "date": day.isoformat(), "expected": expected, "present": present, "sick": sick, "personal": personal,
        "cases": items, **extra,
    }  # fmt: skip


def case(student, day=SCHOOL_DAY, symptoms=("发热", "咳嗽"), **extra) -> dict:
    return {
        "student_id_no": student.id_number, "symptoms": list(symptoms), "onset": day.isoformat(),
        "seen_doctor": False, **extra,
    }  # fmt: skip


@pytest.fixture
def calendar(school_year):
    Term.objects.create(
        school_year=school_year,
        number=1,
        start_date=datetime.date(2025, 9, 1),
        end_date=datetime.date(2026, 1, 23),
    )
    Term.objects.create(
        school_year=school_year,
        number=2,
        start_date=datetime.date(2026, 3, 2),
        end_date=datetime.date(2026, 6, 30),
    )
    CalendarDay.objects.create(date=datetime.date(2025, 10, 1), kind=CalendarDay.Kind.HOLIDAY, name="国庆节")
    CalendarDay.objects.create(date=datetime.date(2025, 9, 28), kind=CalendarDay.Kind.MAKEUP, name="调休")
    return school_year


@pytest.fixture
def health_class_a(school_a, calendar):
    return SchoolClass.objects.create(school=school_a, school_year=calendar, grade=3, class_no=2)


@pytest.fixture
def health_class_a2(school_a, calendar):
    return SchoolClass.objects.create(school=school_a, school_year=calendar, grade=3, class_no=3)


@pytest.fixture
def health_class_b(school_b, calendar):
    return SchoolClass.objects.create(school=school_b, school_year=calendar, grade=3, class_no=2)


@pytest.fixture
def pupils_a(school_a, health_class_a):
    return [make_pupil(school_a, health_class_a) for _ in range(12)]


@pytest.fixture
def pupils_a2(school_a, health_class_a2):
    return [make_pupil(school_a, health_class_a2) for _ in range(12)]


@pytest.fixture
def pupils_b(school_b, health_class_b):
    return [make_pupil(school_b, health_class_b) for _ in range(4)]
