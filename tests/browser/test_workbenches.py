"""Home pages by role in the browser (issue 13): the leader opens the cockpit and follows three tiles
to their pages; a 班主任 reaches the own class's report in one click; a school administrator sees the
classes that have not reported today.

The 班主任 and school tests build their own school around today (today is made a school day), so they
do not depend on the dates of the demo data."""

import datetime
import re

import pytest
from django.utils import timezone

from conftest import PASSWORD, make_user
from edubureau.accounts.roles import Role
from edubureau.core.idcodes import make_resident_id
from edubureau.health.services import submit_class_report
from edubureau.people.models import SchoolClass, SchoolYear, Staff
from tests.browser.around_today import add_pupils, school_in_term


@pytest.fixture
def school_today(transactional_db):
    """A primary school with 三年级 (1) and (2) of six pupils, in a term around today; today a school day."""
    today = timezone.localdate()
    school = school_in_term(term_began_days_ago=60, today_a_school_day=True)
    year = SchoolYear.objects.get(is_current=True)
    classes = [
        SchoolClass.objects.create(school=school, school_year=year, grade=3, class_no=n) for n in (1, 2)
    ]
    for c in classes:
        add_pupils(c, [f"学生{n}" for n in range(6)], first_serial=10 + 10 * c.class_no)
    teacher = Staff.objects.create(
        name="孙老师", gender="女", birth_date=datetime.date(1985, 3, 4), school=school,
        id_number=make_resident_id("310112", datetime.date(1985, 3, 4), 31, False),
    )  # fmt: skip
    classes[0].head_teacher = teacher
    classes[0].save()
    make_user("banzhuren", Role.HEAD_TEACHER, org=school, staff=teacher)
    make_user("xiaoxue_admin", Role.SCHOOL_ADMIN, org=school)
    return {"school": school, "classes": classes, "today": today}


def test_the_leader_follows_three_tiles_of_the_cockpit(page, log_in, demo):
    log_in("leader", demo.password)
    assert page.inner_text("h2.page-title") == "教育数据驾驶舱"
    assert page.locator("[data-tile]").count() >= 8
    assert re.search(r"计算于 \d\d:\d\d", page.inner_text("#tile-health_completeness"))
    page.wait_for_selector("#cockpit-map .chart[data-chart-drawn]")

    for tile, url, title in [
        ("health_completeness", r"/health/day/\?date=", "上报情况"),
        ("workplan", r"/workplan/tasks/\?year=", "任务"),
        ("registry_students", r"/people/students/$", "学生"),
    ]:
        page.goto("/")
        page.locator(f"#tile-{tile} a.tile-value").click()
        page.wait_for_url(re.compile(url))
        assert title in page.inner_text("h2.page-title")
    assert not page.console_errors


def test_a_class_teacher_reaches_the_own_class_report_in_one_click(page, log_in, school_today):
    first = school_today["classes"][0]
    log_in("banzhuren", PASSWORD)
    assert page.locator("#not-school-day").count() == 0
    card = page.locator(f"#open-class-report-{first.pk}")
    assert "未提交" in card.inner_text()
    card.click()
    page.wait_for_selector("#report-form")
    assert page.input_value("#id_school_class") == str(first.pk)
    assert page.input_value("#id_expected") == "6"
    assert not page.console_errors


def test_a_school_admin_sees_its_missing_classes(page, log_in, school_today):
    first, second = school_today["classes"]
    today = school_today["today"]
    submit_class_report({
        "school": "2131000001", "grade": 3, "class_no": 1, "date": today.isoformat(), "expected": 6,
        "present": 6, "sick": 0, "personal": 0, "cases": [],
    })  # fmt: skip
    log_in("xiaoxue_admin", PASSWORD)
    assert page.inner_text("#missing-count") == "1"
    rows = page.locator("#missing-classes .missing-class")
    assert rows.count() == 1 and second.name in rows.first.inner_text()
    rows.first.get_by_role("link").click()
    page.wait_for_selector("#report-form")
    assert page.input_value("#id_school_class") == str(second.pk)
