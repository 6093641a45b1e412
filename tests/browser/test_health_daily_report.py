"""The daily health report in the browser (issue 3, "Done means"): a 班主任 submits a class report with
two sick pupils and resubmits a correction that adds a third feverish pupil (a class cluster: 3 in one
day); the 校医 sees the school summary; the 体卫艺科 user sees completeness and the alert, verifies it and
closes it."""

import datetime
import re

import pytest
from django.utils import timezone

from conftest import PASSWORD, make_user
from edubureau.accounts.models import Department
from edubureau.accounts.roles import ALL, Role
from edubureau.core.idcodes import make_resident_id
from edubureau.health.models import Alert, AlertStatus, ClassReport, ClassReportVersion, SickCase
from edubureau.people.models import SchoolClass, SchoolYear, Staff
from tests.browser.around_today import add_pupils, latest_weekday, school_in_term, seed_rules_if_flushed


@pytest.fixture
def district_day(transactional_db):
    """One primary school with two classes of eight pupils, in a term around today, and the users."""
    seed_rules_if_flushed()
    today = timezone.localdate()
    school = school_in_term()
    year = SchoolYear.objects.get(is_current=True)
    classes = [
        SchoolClass.objects.create(school=school, school_year=year, grade=3, class_no=n) for n in (1, 2)
    ]
    pupils = add_pupils(classes[0], [f"学生{c}" for c in "甲乙丙丁戊己庚辛"])
    department = Department.objects.create(name="体卫艺科", grants={m: list(ALL) for m in ["health"]})
    teacher = Staff.objects.create(
        name="孙老师", gender="女", birth_date=datetime.date(1985, 3, 4), school=school,
        id_number=make_resident_id("310112", datetime.date(1985, 3, 4), 31, False),
    )  # fmt: skip
    classes[0].head_teacher = teacher
    classes[0].save()
    users = {
        "teacher": make_user("banzhuren", Role.HEAD_TEACHER, org=school, staff=teacher),
        "doctor": make_user("xiaoyi", Role.SCHOOL_DOCTOR, org=school),
        "bureau": make_user("tiweiyi", Role.DEPARTMENT, department=department),
    }
    return {
        "school": school,
        "classes": classes,
        "pupils": pupils,
        "users": users,
        "day": latest_weekday(today),
    }


def fill_case(page, index, pupil, day):
    row = page.locator(f"#case-row-{index}")
    row.locator(f"select[name=case-{index}-person]").select_option(str(pupil.pk))
    row.locator(f"input[name=case-{index}-symptoms][value=发热]").check()
    row.locator(f"input[name=case-{index}-onset]").fill(day.isoformat())


def set_sick(page, n):
    """Typing the number sick redraws the case rows through HTMX."""
    page.fill("#id_sick", str(n))
    page.locator("#id_sick").dispatch_event("change")
    page.wait_for_selector(f"#case-row-{n - 1}")


def log_out(page):
    page.locator("form[action='/logout/'] button").click()
    page.wait_for_url("**/login/**")


def test_a_class_report_its_correction_the_school_summary_and_the_alert(page, log_in, district_day):
    page.set_default_timeout(60_000)  # eight builds share this machine's two cores
    d = district_day
    day, pupils, school = d["day"], d["pupils"], d["school"]
    first_class = d["classes"][0]

    # The head teacher opens today's report for the class and reports two pupils off sick.
    log_in("banzhuren", PASSWORD)
    page.goto(f"/health/report/?date={day.isoformat()}")
    assert page.inner_text("#chosen-class") == "实验小学 三年级（1）班"  # their only class is chosen already
    page.fill("#class-search", "实验 三年级（1）班")  # the search finds it too (HTMX) and opens it on a click
    page.locator(f"#class-results button[value='{first_class.pk}']").click()
    page.wait_for_selector("#report-form")
    assert page.input_value("#id_expected") == "8"  # the class size
    page.fill("#id_present", "6")
    set_sick(page, 2)
    fill_case(page, 0, pupils[0], day)
    fill_case(page, 1, pupils[1], day)
    page.locator("#submit-report").click()
    page.wait_for_url(re.compile(r"/health/reports/\d+/$"))
    assert page.inner_text("#fact-version").startswith("1")
    assert page.locator("#case-table tbody tr").count() == 2

    # A correction: a third feverish pupil. It replaces the report and keeps version 1.
    page.locator("#correct-report").click()
    page.wait_for_selector("#existing-report")
    page.fill("#id_present", "5")
    set_sick(page, 3)
    assert page.input_value("select[name=case-0-person]") == str(pupils[0].pk)  # kept
    fill_case(page, 2, pupils[2], day)
    page.locator("#submit-report").click()
    page.wait_for_url(re.compile(r"/health/reports/\d+/$"))
    assert page.inner_text("#fact-version").startswith("2")
    assert page.locator("#version-table tbody tr").count() == 1
    report = ClassReport.objects.get()
    assert (report.version, report.sick, report.present) == (2, 3, 5)
    assert ClassReportVersion.objects.get().payload["sick"] == 2
    assert SickCase.objects.count() == 3
    log_out(page)

    # The school doctor sees the school's summary: one class of two reported, three sick.
    log_in("xiaoyi", PASSWORD)
    page.goto(f"/health/schools/{school.pk}/?date={day.isoformat()}")
    assert page.inner_text("#figure-reported").replace(" ", "") == "1/2"
    assert page.inner_text("#figure-sick") == "3"
    assert page.locator("#class-status tbody tr").count() == 2
    log_out(page)

    # The bureau: completeness of the day, then the class alert, verified and closed.
    log_in("tiweiyi", PASSWORD)
    page.goto(f"/health/day/?date={day.isoformat()}")
    assert page.inner_text("#figure-expected") == "2"
    assert page.inner_text("#figure-reported") == "1"
    assert page.inner_text("#figure-missing") == "1"
    assert page.locator("#chase-table tbody tr").first.inner_text().find("三年级（2）班") >= 0
    page.locator("#sidebar-menu a.nav-link", has_text="预警").click()
    page.wait_for_url("**/health/alerts/")
    page.locator("#object-table tbody tr a").first.click()
    page.wait_for_url(re.compile(r"/health/alerts/\d+/$"))
    alert = Alert.objects.get()
    assert alert.rule_code == "class-fever" and alert.cases == 3
    assert page.locator("#evidence-table tbody tr").count() == 3
    assert pupils[0].name not in page.content()  # names are masked for the bureau
    page.locator("#id_to_status").select_option(AlertStatus.VERIFIED)
    page.fill("#id_note", "已电话核实：三名学生发热，已通知家长就医。")
    page.locator("#alert-save").click()
    page.wait_for_selector("#alert-status")
    assert Alert.objects.get().status == AlertStatus.VERIFIED
    page.locator("#id_to_status").select_option(AlertStatus.CLOSED)
    page.fill("#id_note", "学生均已退热返校。")
    page.locator("#alert-save").click()
    page.wait_for_function("document.querySelector('#alert-status').textContent.includes('已关闭')")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED and alert.verified_at and alert.closed_at
    assert page.locator("#alert-events li").count() == 3  # found, verified, closed
    assert not page.console_errors
