"""Fixtures of the message tests on top of the project's actors: school A's 校医 and 班主任, the bureau's
体卫艺科 (health changes), a class in each school, and the health calendar of term 1."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from conftest import make_user
from edubureau.accounts.models import Department
from edubureau.accounts.roles import ALL, Role
from edubureau.health.tests.conftest import make_pupil, make_teacher
from edubureau.people.models import CalendarDay, SchoolClass, Term

SHANGHAI = ZoneInfo("Asia/Shanghai")
SCHOOL_DAY = datetime.date(2025, 11, 17)  # a Monday in term 1
ON_TIME = datetime.datetime(2025, 11, 17, 8, 50, tzinfo=SHANGHAI)


@pytest.fixture
def calendar(school_year):
    Term.objects.create(school_year=school_year, number=1, start_date=datetime.date(2025, 9, 1),
                        end_date=datetime.date(2026, 1, 23))  # fmt: skip
    CalendarDay.objects.create(date=datetime.date(2025, 10, 1), kind=CalendarDay.Kind.HOLIDAY, name="国庆节")
    return school_year


@pytest.fixture
def class_a(school_a, calendar):
    teacher = make_teacher(school_a, name="班主任甲")
    return SchoolClass.objects.create(
        school=school_a, school_year=calendar, grade=3, class_no=2, head_teacher=teacher
    )


@pytest.fixture
def class_b(school_b, calendar):
    return SchoolClass.objects.create(school=school_b, school_year=calendar, grade=3, class_no=2)


@pytest.fixture
def pupils_a(school_a, class_a):
    return [make_pupil(school_a, class_a) for _ in range(6)]


@pytest.fixture
def pupils_b(school_b, class_b):
    return [make_pupil(school_b, class_b) for _ in range(6)]


@pytest.fixture
def doctor_a(school_a):
    return make_user(
        "a_doctor", Role.SCHOOL_DOCTOR, org=school_a, email="doctor@a.example", phone="13812345678"
    )


@pytest.fixture
def head_teacher_a(school_a, class_a):
    return make_user("a_head", Role.HEAD_TEACHER, org=school_a, staff=class_a.head_teacher)


@pytest.fixture
def doctor_b(school_b):
    return make_user("b_doctor", Role.SCHOOL_DOCTOR, org=school_b)


@pytest.fixture
def health_officer(db):
    department = Department.objects.create(name="体卫艺科", grants={"health": list(ALL)})
    return make_user("tiweiyi", Role.DEPARTMENT, department=department)


@pytest.fixture
def run_hooks(django_capture_on_commit_callbacks):
    """The hooks run after the domain's transaction commits: here, when the block ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
