"""The school home: today's to-dos (classes not reported, with a link to report each; open alerts on
the school; work-plan tasks it cooperates on; the resource report due), then its own figures.
School B's home shows nothing of A's."""

import datetime

import pytest
from django.urls import reverse

from edubureau.health.services import submit_class_report
from edubureau.workplan import services as plans

from .conftest import ON_TIME, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def morning(on_school_day, health_class_a, health_class_a2, health_class_b, pupils_a, pupils_a2, pupils_b):
    """A's 3(2) reports three feverish pupils (a class alert); A's 3(3) and B's 3(2) have not reported."""
    return submit_class_report(report(health_class_a, expected=12, cases=pupils_a[:3]), now=ON_TIME)


def test_a_school_admin_sees_its_missing_classes(
    login, school_a_admin, morning, health_class_a2, on_school_day
):
    client = login(school_a_admin)
    response = client.get(reverse("home"))
    assert response.templates[0].name == "dashboard/school.html"
    missing = response.context["missing"]
    assert [row["school_class"] for row in missing] == [health_class_a2]
    assert missing[0]["url"] == (
        f"{reverse('health:report_new')}?school_class={health_class_a2.pk}&date={on_school_day.isoformat()}"
    )
    day = client.get(reverse("health:day"), {"date": on_school_day.isoformat()}).context
    assert list(day["missing"]) == [health_class_a2]
    form = client.get(missing[0]["url"])
    assert form.context["school_class"] == health_class_a2


def test_it_shows_the_schools_open_alerts_and_not_another_schools(
    login, school_a_admin, school_b_admin, morning
):
    (alert,) = morning.alerts
    assert login(school_a_admin).get(reverse("home")).context["alerts"] == [alert]
    response = login(school_b_admin).get(reverse("home"))
    assert response.context["alerts"] == []
    assert [row["school_class"].school for row in response.context["missing"]] == [response.context["school"]]


def test_it_lists_the_tasks_the_school_cooperates_on(
    login, school_a, school_a_clerk, school_b_admin, on_school_day
):
    plan = plans.create_plan(2025)
    section = plans.create_section(plan, "一、课程")
    task = plans.create_task(section, "课后服务全覆盖", cooperating_schools=[school_a])
    plans.create_milestone(task, "形成方案", datetime.date(2025, 12, 1))
    plans.create_task(section, "与本校无关的任务")
    tasks = login(school_a_clerk).get(reverse("home")).context["tasks"]
    assert tasks == [task] and tasks[0].next_due == datetime.date(2025, 12, 1)
    assert login(school_b_admin).get(reverse("home")).context["tasks"] == []


def test_it_reminds_the_school_of_its_resource_report(login, school_a_admin, calendar, on_school_day):
    items = {q.key: q for q in login(school_a_admin).get(reverse("home")).context["queue"]}
    assert items["resource_report_due"].count == 1


def test_it_shows_its_own_figures(login, school_b_admin, morning):
    figures = login(school_b_admin).get(reverse("home")).context["figures"]
    assert figures["students"]["total"] == 4 and figures["schools"]["total"] == 1
