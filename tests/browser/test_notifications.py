"""消息中心 in the browser (issue 13, "Done means"): an alert created by the test through the health
service, then given to the school's 校医, appears in the bell of that user — the unread count and the
entry in the dropdown — and opening it leads to the alert and lowers the count."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from conftest import PASSWORD, make_user
from edubureau.accounts.models import Department
from edubureau.accounts.roles import ALL, Role
from edubureau.core.idcodes import make_resident_id
from edubureau.health import services
from edubureau.health.models import ClusterRule
from edubureau.health.tests.conftest import report
from edubureau.org.models import District, School, Stage
from edubureau.people.models import SchoolClass, SchoolYear, Student, Term


def latest_weekday(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


@pytest.fixture
def school_with_pupils(transactional_db):
    if not ClusterRule.objects.exists():  # a transactional test flushes the seeded rules of the migration
        importlib.import_module("edubureau.health.migrations.0002_seed_rules").seed(apps, None)
    today = timezone.localdate()
    year = SchoolYear.objects.create(
        start_year=today.year - 1, start_date=today - datetime.timedelta(days=200),
        end_date=today + datetime.timedelta(days=100), is_current=True,
    )  # fmt: skip
    Term.objects.create(school_year=year, number=1, start_date=today - datetime.timedelta(days=90),
                        end_date=today + datetime.timedelta(days=30))  # fmt: skip
    district = District.objects.create(code="310112", name="闵行区")
    school = School.objects.create(district=district, code="2131000001", name="闵行区实验小学", short_name="实验小学",
                                   stage=Stage.PRIMARY)  # fmt: skip
    school_class = SchoolClass.objects.create(school=school, school_year=year, grade=3, class_no=2)
    pupils = [
        Student.objects.create(
            name=f"学生{n}", gender="男", birth_date=datetime.date(2017, 3, n + 1), school=school,
            school_class=school_class, id_number=make_resident_id("310112", datetime.date(2017, 3, n + 1), 10 + n, True),
        )
        for n in range(3)
    ]  # fmt: skip
    department = Department.objects.create(name="体卫艺科", grants={"health": list(ALL)})
    return {
        "class": school_class, "pupils": pupils, "day": latest_weekday(today),
        "doctor": make_user("xiaoyi", Role.SCHOOL_DOCTOR, org=school),
        "bureau": make_user("tiweiyi", Role.DEPARTMENT, department=department),
    }  # fmt: skip


def test_an_alert_created_by_a_test_appears_in_the_bell_of_the_assigned_user(
    page, log_in, school_with_pupils
):
    data = school_with_pupils
    now = timezone.now()
    day = data["day"]
    result = services.submit_class_report(
        report(data["class"], day, expected=30, cases=data["pupils"]), now=now
    )
    (alert,) = result.alerts  # three pupils with fever in one class on one day
    services.transition_alert(
        alert, "已核实", user=data["bureau"], note="请学校跟进", assignee=data["doctor"]
    )

    log_in("xiaoyi", PASSWORD)
    page.goto("/notifications/preferences/")
    badge = page.locator("#notification-badge")
    assert badge.inner_text() == "2"  # the new alert (the 校医 may verify it) and the alert given to them

    page.locator("#notification-bell button").click()
    entries = page.locator("#notification-latest .notification-entry")
    entries.first.wait_for()
    titles = entries.all_inner_texts()
    assert len(titles) == 2
    assigned = entries.filter(has_text="预警指派给您")
    assert "实验小学 三年级（2）班" in assigned.inner_text() and "班级发热聚集" in assigned.inner_text()
    assert page.locator("#notification-menu").get_by_text("查看全部消息").is_visible()

    with page.expect_navigation():
        assigned.click()
    assert page.url.endswith(f"/health/alerts/{alert.pk}/")
    assert page.locator("#notification-badge").inner_text() == "1"
    assert not page.console_errors
