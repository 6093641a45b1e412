"""The dashboard's data: school A with two classes and school B with one (the health fixtures' calendar,
term 1 of 2025-2026), pinned to a Monday of that term, 09:30 in Shanghai; a 体卫艺科 user."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from conftest import make_user
from edubureau.accounts.models import Department
from edubureau.accounts.roles import ALL, Role
from edubureau.health.tests import conftest as health_fixtures
from edubureau.health.tests.conftest import SCHOOL_DAY, make_teacher, report  # noqa: F401

# The health app's fixtures: its calendar (term 1 of 2025-2026), classes and pupils of schools A and B.
calendar = health_fixtures.calendar
health_class_a = health_fixtures.health_class_a
health_class_a2 = health_fixtures.health_class_a2
health_class_b = health_fixtures.health_class_b
pupils_a = health_fixtures.pupils_a
pupils_a2 = health_fixtures.pupils_a2
pupils_b = health_fixtures.pupils_b

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime.combine(SCHOOL_DAY, datetime.time(9, 30), tzinfo=SHANGHAI)
ON_TIME = datetime.datetime.combine(SCHOOL_DAY, datetime.time(8, 50), tzinfo=SHANGHAI)


@pytest.fixture
def on_school_day():
    with time_machine.travel(NOW, tick=False):
        yield SCHOOL_DAY


@pytest.fixture
def health_officer(db):
    department = Department.objects.create(
        name="体卫艺科", grants={"health": list(ALL), "workplan": ["view", "change"]}
    )
    return make_user("tiweiyi", Role.DEPARTMENT, department=department)


@pytest.fixture
def head_teacher(school_a, health_class_a):
    teacher = make_teacher(school_a)
    health_class_a.head_teacher = teacher
    health_class_a.save()
    return make_user("banzhuren", Role.HEAD_TEACHER, org=school_a, staff=teacher)


@pytest.fixture
def school_doctor(school_a):
    return make_user("xiaoyi", Role.SCHOOL_DOCTOR, org=school_a)
