"""The 局领导 cockpit: tiles from every module, equal to what the module's own pages say, within the
user's scope; the school map's GeoJSON; a few queries whatever the number of schools."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from edubureau.accounts.models import Department
from edubureau.accounts.roles import Role
from edubureau.admissions.models import SchoolLocation
from edubureau.health.services import submit_class_report
from edubureau.org.models import School, Stage
from edubureau.people.models import SchoolClass
from edubureau.workplan import services as plans
from edubureau.workplan.models import TaskStatus

from .conftest import ON_TIME, make_user, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(on_school_day, health_class_a, health_class_a2, health_class_b, pupils_a):
    """School A's class 3(2) reports three feverish pupils (a class alert); 3(3) and B's class do not."""
    result = submit_class_report(report(health_class_a, expected=12, cases=pupils_a[:3]), now=ON_TIME)
    return result


@pytest.fixture
def plan(on_school_day, department_user, school_a):
    """2025's plan: a task late on a milestone, a task done, a task just started."""
    plan = plans.create_plan(2025)
    section = plans.create_section(plan, "一、基础教育")
    late = plans.create_task(section, "建设新校舍", lead_department=department_user.department)
    plans.create_milestone(late, "完成设计", datetime.date(2025, 10, 1))
    done = plans.create_task(section, "完成课程改革", cooperating_schools=[school_a])
    plans.create_milestone(done, "总结", datetime.date(2025, 6, 1), datetime.date(2025, 6, 1))
    plans.create_task(section, "开展调研")
    return plan


def tiles(response) -> dict:
    return {t.key: t for _group, ts in response.context["groups"] for t in ts}


def test_the_leader_lands_on_the_cockpit_with_every_module(login, leader, reported, plan):
    response = login(leader).get(reverse("home"))
    assert response.templates[0].name == "dashboard/cockpit.html"
    keys = set(tiles(response))
    assert {"health_completeness", "health_sick_rate", "health_alerts", "workplan", "registry_students",
            "registry_staff", "registry_schools", "equity_large_classes"} <= keys  # fmt: skip
    assert response.context["queue"] == []  # a leader owns no step of any workflow
    assert re.search(r"计算于 \d\d:\d\d", response.content.decode())


def test_health_tiles_equal_the_day_page(login, leader, reported, on_school_day):
    client = login(leader)
    shown = tiles(client.get(reverse("home")))
    day = client.get(reverse("health:day"), {"date": on_school_day.isoformat()}).context["result"].district
    assert (day.reported, day.expected) == (1, 3)
    assert shown["health_completeness"].value == f"{100 * day.reported / day.expected:.1f}"
    assert shown["health_completeness"].link == f"{reverse('health:day')}?date={on_school_day.isoformat()}"
    assert shown["health_sick_rate"].value == f"{100 * 3 / 12:.1f}"


def test_the_alert_tile_counts_the_open_alerts_its_link_lists(login, leader, reported):
    client = login(leader)
    tile = tiles(client.get(reverse("home")))["health_alerts"]
    assert tile.value == 1 and tile.detail == ["班级：1", "学校：0"]
    assert len(client.get(tile.link).context["rows"]) == 1


def test_the_workplan_tile_counts_what_the_task_list_shows(login, leader, plan):
    client = login(leader)
    tile = tiles(client.get(reverse("home")))["workplan"]
    assert tile.value == 3
    assert "逾期里程碑 1 个" in tile.detail
    late_url = dict(tile.links)["延缓任务"]
    rows = client.get(late_url).context["rows"]
    assert [obj.title for obj, _cells in rows] == ["建设新校舍"]
    assert rows[0][0].status == TaskStatus.DELAYED


def test_a_department_sees_only_the_tiles_of_its_modules(login, reported):
    department = Department.objects.create(name="体卫艺科", grants={"health": ["view"]})
    user = make_user("health_only", Role.DEPARTMENT, department=department)
    response = login(user).get(reverse("home"))
    assert response.templates[0].name == "dashboard/workbench.html"
    assert set(tiles(response)) == {"health_completeness", "health_sick_rate", "health_alerts"}


def locate(school, lng, lat):
    return SchoolLocation.objects.create(school=school, longitude=lng, latitude=lat)


def test_the_map_is_geojson_of_the_users_schools(login, leader, school_a_admin, reported, school_a, school_b):
    locate(school_a, "121.38", "31.11")
    locate(school_b, "121.35", "31.16")
    data = login(leader).get(reverse("dashboard:map"), {"indicator": "students"}).json()
    assert data["type"] == "FeatureCollection"
    by_name = {f["properties"]["name"]: f for f in data["features"]}
    assert by_name["实验小学"]["geometry"] == {"type": "Point", "coordinates": [121.38, 31.11]}
    assert by_name["实验小学"]["properties"]["students"] == 12  # class 3(2)'s twelve pupils
    assert by_name["七宝小学"]["properties"]["stage"] == "小学"
    completeness = login(leader).get(reverse("dashboard:map"), {"indicator": "completeness"}).json()
    values = {f["properties"]["name"]: f["properties"]["completeness"] for f in completeness["features"]}
    assert values == {"实验小学": 50.0, "七宝小学": 0.0}
    own = login(school_a_admin).get(reverse("dashboard:map")).json()
    assert [f["properties"]["name"] for f in own["features"]] == ["实验小学"]


def test_the_map_chart_swaps_in_for_another_indicator(login, leader, reported, school_a):
    locate(school_a, "121.38", "31.11")
    page = login(leader).get(reverse("dashboard:map_chart"), {"indicator": "large_classes"}).content.decode()
    assert 'data-chart="chart-school-map"' in page and "大班额班级数" in page


def add_school(district, n, year):
    school = School.objects.create(
        district=district, code=f"21310001{n:02d}", name=f"新校{n}", stage=Stage.PRIMARY
    )
    SchoolClass.objects.create(school=school, school_year=year, grade=1, class_no=1)
    locate(school, "121.3", "31.1")


def test_it_computes_the_cockpit_in_as_many_queries_for_more_schools(
    login, leader, reported, plan, district, calendar, school_a
):
    client = login(leader)
    locate(school_a, "121.38", "31.11")
    client.get(reverse("home"))  # warm the per-process memories
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("home"))
    for n in range(5):
        add_school(district, n, calendar)
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("home"))
    assert len(after) == len(before)
