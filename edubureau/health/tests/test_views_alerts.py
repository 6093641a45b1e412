"""Alert list and detail: filters, evidence, the status workflow, assignee and notes, scope."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from edubureau.core.testing import read_xlsx
from edubureau.health.models import Alert, AlertEvent
from edubureau.health.services import submit_class_report

from .actors import health_officer_fixture  # noqa: F401  (the health_officer fixture)
from .conftest import SCHOOL_DAY, report

ON_TIME = datetime.datetime(2025, 11, 17, 8, 50, tzinfo=ZoneInfo("Asia/Shanghai"))
pytestmark = pytest.mark.django_db


@pytest.fixture
def fever_alert(health_class_a, pupils_a):
    """Three pupils of one class with fever on one day: the class rule (3 within a day) fires."""
    result = submit_class_report(report(health_class_a, expected=12, cases=pupils_a[:3]), now=ON_TIME)
    (alert,) = result.alerts
    return alert


def test_it_lists_alerts_within_scope(login, health_officer, school_b_admin, fever_alert):
    rows = login(health_officer).get(reverse("health:alert_list"), {"status": "新建"}).context["rows"]
    assert [obj for obj, _cells in rows] == [fever_alert]
    assert login(school_b_admin).get(reverse("health:alert_list")).context["rows"] == []


def test_it_filters_alerts_by_kind_level_and_open(login, health_officer, fever_alert):
    client = login(health_officer)
    assert (
        len(client.get(reverse("health:alert_list"), {"kind": "rule", "level": "class"}).context["rows"]) == 1
    )
    assert client.get(reverse("health:alert_list"), {"kind": "statistical"}).context["rows"] == []
    assert client.get(reverse("health:alert_list"), {"open": "false"}).context["rows"] == []


def test_it_exports_the_alert_list(login, health_officer, fever_alert):
    rows = read_xlsx(login(health_officer).get(reverse("health:alert_export")))
    assert rows[0][:3] == ["最近日期", "类型", "规则"]
    assert rows[1][2] == "班级发热聚集" and rows[1][7] == 3


def test_it_shows_the_evidence_with_masked_names(login, health_officer, fever_alert, pupils_a):
    response = login(health_officer).get(fever_alert.get_absolute_url())
    page = response.content.decode()
    assert len(response.context["cases"]) == 3
    assert pupils_a[0].name not in page and pupils_a[0].name[0] + "*" in page


def test_the_bureau_verifies_and_closes_an_alert(login, health_officer, fever_alert):
    client = login(health_officer)
    url = fever_alert.get_absolute_url()
    assert client.post(url, {"to_status": "已核实", "note": "电话核实，3 人发热"}).status_code == 302
    fever_alert.refresh_from_db()
    assert (
        fever_alert.status == "已核实" and fever_alert.verified_at and fever_alert.assignee == health_officer
    )
    assert client.post(url, {"to_status": "已关闭", "note": "均已退热"}).status_code == 302
    fever_alert.refresh_from_db()
    assert fever_alert.status == "已关闭" and fever_alert.closed_at
    notes = list(AlertEvent.objects.filter(alert=fever_alert).values_list("to_status", "note"))
    assert notes[-2:] == [("已核实", "电话核实，3 人发热"), ("已关闭", "均已退热")]


def test_it_refuses_a_step_the_workflow_does_not_allow(login, health_officer, fever_alert):
    response = login(health_officer).post(fever_alert.get_absolute_url(), {"to_status": "已关闭"})
    assert response.status_code == 400  # 新建 may only go to 已核实 or 误报
    fever_alert.refresh_from_db()
    assert fever_alert.status == "新建"


def test_a_false_alarm_needs_an_explanation(login, health_officer, fever_alert):
    response = login(health_officer).post(fever_alert.get_absolute_url(), {"to_status": "误报"})
    assert response.status_code == 400
    assert "标记为误报时请填写说明。" in response.context["form"].non_field_errors()


def test_it_adds_a_note_and_an_assignee_without_changing_the_status(
    login, health_officer, school_a_admin, fever_alert
):
    response = login(health_officer).post(
        fever_alert.get_absolute_url(), {"note": "请学校提交名单", "assignee": school_a_admin.pk}
    )
    assert response.status_code == 302
    fever_alert.refresh_from_db()
    assert fever_alert.status == "新建" and fever_alert.assignee == school_a_admin
    assert AlertEvent.objects.filter(alert=fever_alert, note="请学校提交名单").exists()


def test_the_school_sees_and_handles_its_own_alert(login, school_a_admin, fever_alert):
    client = login(school_a_admin)
    assert client.get(fever_alert.get_absolute_url()).status_code == 200
    assert client.post(fever_alert.get_absolute_url(), {"to_status": "已核实"}).status_code == 302


def test_school_b_and_a_leader_cannot_change_it(login, school_b_admin, leader, fever_alert):
    assert login(school_b_admin).get(fever_alert.get_absolute_url()).status_code == 404
    assert (
        login(school_b_admin).post(fever_alert.get_absolute_url(), {"to_status": "已核实"}).status_code == 404
    )
    assert login(leader).post(fever_alert.get_absolute_url(), {"to_status": "已核实"}).status_code == 403
    assert Alert.objects.get().status == "新建"


def test_an_alert_is_updated_not_duplicated_as_cases_are_added(
    login, school_a_clerk, fever_alert, health_class_a, pupils_a
):
    later = ON_TIME + datetime.timedelta(days=1)
    submit_class_report(
        report(health_class_a, day=SCHOOL_DAY + datetime.timedelta(days=1), expected=12, cases=pupils_a[3:5]),
        now=later,
    )
    assert Alert.objects.count() == 1
    assert Alert.objects.get().cases == 5


def test_it_shows_a_statistical_alert_with_its_ears_statistics(login, health_officer, health_class_a):
    alert = Alert.objects.create(
        kind=Alert.Kind.STATISTICAL, rule_code="EARS", level=Alert.Level.SCHOOL, school=health_class_a.school,
        first_date=SCHOOL_DAY, last_date=SCHOOL_DAY, cases=9, created_at=timezone.now(), updated_at=timezone.now(),
        detail={"rate": 0.045, "sick": 9, "expected": 200, "methods": ["C1", "C3"], "c1": 4.2, "c2": 2.9, "c3": 2.5},
    )  # fmt: skip
    response = login(health_officer).get(alert.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "4.2 / 2.9 / 2.5 (C1、C3)" in page
    rows = read_xlsx(login(health_officer).get(reverse("health:alert_export")))
    assert rows[1][2] == "EARS 统计预警"
