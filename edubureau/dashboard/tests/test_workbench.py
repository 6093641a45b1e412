"""The 科室 workbench: the department's queue (alerts waiting for its step, overdue milestones and
missing progress reports of its tasks, resource reports to confirm), each counting what its link lists."""

import datetime

import pytest
from django.urls import reverse

from edubureau.accounts.models import Department
from edubureau.accounts.roles import Role
from edubureau.equity import workflow
from edubureau.equity.models import ResourceReport
from edubureau.health.services import submit_class_report
from edubureau.workplan import services as plans

from .conftest import ON_TIME, make_user, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def fever_alert(on_school_day, health_class_a, pupils_a):
    (alert,) = submit_class_report(
        report(health_class_a, expected=12, cases=pupils_a[:3]), now=ON_TIME
    ).alerts
    return alert


def queue(response) -> dict:
    return {q.key: q for q in response.context["queue"]}


def test_it_shows_the_alerts_waiting_for_the_bureau(login, health_officer, fever_alert):
    client = login(health_officer)
    response = client.get(reverse("home"))
    assert response.templates[0].name == "dashboard/workbench.html"
    item = queue(response)["alerts_new"]
    assert item.count == 1 and item.deadline == fever_alert.report_due.date()
    rows = client.get(item.link).context["rows"]
    assert [obj for obj, _cells in rows] == [fever_alert]


def test_it_lists_the_overdue_milestones_and_missing_reports_of_its_tasks(
    login, health_officer, on_school_day
):
    plan = plans.create_plan(2025)
    section = plans.create_section(plan, "一、健康")
    own = plans.create_task(section, "晨午检全覆盖", lead_department=health_officer.department)
    plans.create_milestone(own, "培训校医", datetime.date(2025, 10, 10))
    other = plans.create_task(section, "别的科室的任务")
    plans.create_milestone(other, "别的节点", datetime.date(2025, 9, 1))
    client = login(health_officer)
    items = queue(client.get(reverse("home")))
    assert items["milestones_overdue"].count == 1
    assert items["milestones_overdue"].deadline == datetime.date(2025, 10, 10)
    assert items["reports_missing"].count == 1
    assert items["reports_missing"].deadline == datetime.date(2025, 10, 31)
    reminders = client.get(items["milestones_overdue"].link).context
    assert len(reminders["milestones"]) == 1 and len(reminders["missing"]) == 1


def test_it_lists_resource_reports_to_confirm(login, school_a, school_a_admin, calendar, on_school_day):
    department = Department.objects.create(name="基教科", grants={"equity": ["view", "change"]})
    officer = make_user("junheng", Role.DEPARTMENT, department=department)
    values = {"building_area": 8000, "sports_area": 6000, "equipment_value": 300, "multimedia_classrooms": 20}
    saved, _created = workflow.save_report(school_a_admin, school_a, calendar, values)
    workflow.submit(school_a_admin, saved)
    client = login(officer)
    item = queue(client.get(reverse("home")))["resource_reports"]
    assert item.count == 1
    assert [obj for obj, _cells in client.get(item.link).context["rows"]] == [ResourceReport.objects.get()]


def test_a_department_without_the_steps_has_an_empty_queue(login, fever_alert):
    department = Department.objects.create(name="督导室", grants={"health": ["view"]})
    reader = make_user("dudao", Role.DEPARTMENT, department=department)
    response = login(reader).get(reverse("home"))
    assert response.context["queue"] == []
    assert "暂无待办事项" in response.content.decode()
