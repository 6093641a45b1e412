"""消息中心 in the browser (issue 13, "Done means"): an alert created by the test through the health
service, then given to the school's 校医, appears in the bell of that user — the unread count and the
entry in the dropdown — and opening it leads to the alert and lowers the count."""


import pytest
from django.utils import timezone

from conftest import PASSWORD, make_user
from edubureau.accounts.models import Department
from edubureau.accounts.roles import ALL, Role
from edubureau.health import services
from edubureau.health.tests.conftest import report
from edubureau.people.models import SchoolClass, SchoolYear
from tests.browser.around_today import add_pupils, latest_weekday, school_in_term, seed_rules_if_flushed


@pytest.fixture
def school_with_pupils(transactional_db):
    seed_rules_if_flushed()
    today = timezone.localdate()
    school = school_in_term()
    school_class = SchoolClass.objects.create(
        school=school, school_year=SchoolYear.objects.get(is_current=True), grade=3, class_no=2
    )
    pupils = add_pupils(school_class, [f"学生{n}" for n in range(3)])
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
