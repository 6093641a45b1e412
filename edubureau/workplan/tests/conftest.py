"""Fixtures of the workplan tests: a plan of the current year with two sections and tasks led by
two departments, one of them cooperating with school A; departments that hold the modules."""

import datetime

import pytest
import time_machine

from conftest import make_user
from edubureau.accounts.models import Department
from edubureau.accounts.roles import ALL, Role
from edubureau.workplan import services

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _today():
    # Milestones, reports and "overdue" depend on today: the tests run on a fixed mid-year day.
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def jijiao(db):
    return Department.objects.create(name="规划科", grants={m: list(ALL) for m in ["workplan"]})


@pytest.fixture
def jijian(db):
    return Department.objects.create(name="基建科", grants={m: list(ALL) for m in ["workplan", "projects"]})


@pytest.fixture
def planner(jijiao):
    """A department user of 规划科 (module workplan)."""
    return make_user("guihua", Role.DEPARTMENT, department=jijiao)


@pytest.fixture
def builder(jijian):
    """A department user of 基建科 (modules workplan and projects)."""
    return make_user("jijian", Role.DEPARTMENT, department=jijian)


@pytest.fixture
def plan(db):
    plan = services.create_plan(
        2026, "2026年区教育局工作要点", intro="以立德树人为根本任务。", issuer="闵行区教育局"
    )
    services.create_section(plan, "聚焦内涵发展，提升教育质量")
    services.create_section(plan, "聚焦民生关切，扩大优质资源")
    return plan


@pytest.fixture
def tasks(plan, jijiao, jijian, school_a):
    """Task 1 led by 规划科; task 2 led by 基建科 with school A cooperating; task 3 led by 基建科."""
    first, second = plan.sections.all()
    t1 = services.create_task(first, "推进课程教学改革", lead_department=jijiao)
    t2 = services.create_task(
        second, "新建中小学校舍", lead_department=jijian, cooperating_schools=[school_a]
    )
    t3 = services.create_task(
        second, "实施校舍加固工程", lead_department=jijian, cooperating_departments=[jijiao]
    )
    return t1, t2, t3
