"""Who does what in health reporting: a 班主任 works on their own classes only, the 校医 on the whole
school, and each step of an alert belongs to the roles that own it (issue 11, finding 6)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import make_user
from edubureau.accounts.roles import Role
from edubureau.health.models import Alert, AlertStatus, ClassReport
from edubureau.health.services import submit_class_report

from .actors import health_officer_fixture  # noqa: F401  (the health_officer fixture)
from .conftest import make_teacher, report

ON_TIME = datetime.datetime(2025, 11, 17, 8, 50, tzinfo=ZoneInfo("Asia/Shanghai"))
pytestmark = pytest.mark.django_db


@pytest.fixture
def freezer_day(time_machine):
    """Submissions are checked against today: it is the report's school day, before the deadline."""
    time_machine.move_to(ON_TIME, tick=False)


@pytest.fixture
def head_teacher(school_a, health_class_a):
    """The 班主任 of class 3(2) of school A (not of 3(3))."""
    teacher = make_teacher(school_a, name="孙老师")
    health_class_a.head_teacher = teacher
    health_class_a.save()
    return make_user("banzhuren", Role.HEAD_TEACHER, org=school_a, staff=teacher)


@pytest.fixture
def school_doctor(school_a):
    return make_user("xiaoyi", Role.SCHOOL_DOCTOR, org=school_a)


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def alert_a2(health_class_a2, pupils_a2):
    """An outbreak alert in class 3(3), which is not the 班主任's."""
    (alert,) = submit_class_report(report(health_class_a2, expected=12, cases=pupils_a2[:3]), now=ON_TIME).alerts
    return alert


@pytest.fixture
def alert_a(health_class_a, pupils_a):
    (alert,) = submit_class_report(report(health_class_a, expected=12, cases=pupils_a[:3]), now=ON_TIME).alerts
    return alert


def test_a_head_teacher_reports_for_their_own_class_only(
    head_teacher, health_class_a, health_class_a2, pupils_a, pupils_a2, freezer_day
):
    client = api(head_teacher)
    own = client.post("/api/health/class-reports/", report(health_class_a, expected=12), format="json")
    assert own.status_code == 201, own.content
    other = client.post("/api/health/class-reports/", report(health_class_a2, expected=12), format="json")
    assert other.status_code == 403
    assert not ClassReport.objects.filter(school_class=health_class_a2).exists()


def test_a_head_teacher_picks_only_their_classes_on_the_report_page(
    login, head_teacher, health_class_a, health_class_a2, pupils_a
):
    client = login(head_teacher)
    page = client.get(reverse("health:report_new"))
    choices = list(page.context["pick"].fields["school_class"].queryset)
    assert choices == [health_class_a]
    refused = client.get(reverse("health:report_new"), {"school_class": health_class_a2.pk})
    assert refused.context["pick"].errors  # not a choice: the other class's report form is not shown


def test_a_head_teacher_sees_only_their_pupils(login, head_teacher, pupils_a, pupils_a2, health_class_a2):
    client = api(head_teacher)
    names = {row["name"] for row in client.get("/api/people/students/").json()["results"]}
    assert names == {p.name for p in pupils_a}
    assert client.get(f"/api/people/students/{pupils_a2[0].pk}/").status_code == 404
    assert client.get(f"/api/people/classes/{health_class_a2.pk}/").status_code == 404
    pages = login(head_teacher)
    assert pages.get(reverse("people:student_detail", args=[pupils_a2[0].pk])).status_code == 404
    assert pages.get(reverse("health:class", args=[health_class_a2.pk])).status_code == 404
    assert pages.get(reverse("health:school", args=[pupils_a2[0].school_id])).status_code == 403
    assert pages.get(reverse("health:staff_report_new")).status_code == 403


def test_a_head_teacher_without_a_staff_record_sees_no_class(school_a, pupils_a):
    user = make_user("nobody", Role.HEAD_TEACHER, org=school_a)
    assert api(user).get("/api/people/students/").json()["results"] == []


def test_a_head_teacher_cannot_judge_alerts(login, head_teacher, alert_a, alert_a2):
    client = api(head_teacher)
    # Another class's alert does not exist for them; their own class's alert is theirs to read, not to judge.
    assert client.post(f"/api/health/alerts/{alert_a2.pk}/transition/", {"status": "误报", "note": "x"}).status_code == 404
    refused = client.post(f"/api/health/alerts/{alert_a.pk}/transition/", {"status": "误报", "note": "无"})
    assert refused.status_code == 403
    assert "不能" in refused.json()["detail"]
    page = login(head_teacher).post(alert_a.get_absolute_url(), {"to_status": "误报", "note": "无"})
    assert page.status_code == 403
    alert_a.refresh_from_db()
    assert alert_a.status == AlertStatus.NEW


def test_a_clerk_cannot_judge_alerts(school_a_clerk, alert_a):
    refused = api(school_a_clerk).post(f"/api/health/alerts/{alert_a.pk}/transition/", {"status": "已核实"})
    assert refused.status_code == 403


def test_the_school_doctor_verifies_and_reports_but_the_bureau_closes(school_doctor, health_officer, alert_a2):
    doctor = api(school_doctor)
    url = f"/api/health/alerts/{alert_a2.pk}/transition/"
    assert doctor.post(url, {"status": "已核实"}).status_code == 200
    assert doctor.post(url, {"status": "已报告疾控"}).status_code == 200
    assert doctor.post(url, {"status": "已关闭"}).status_code == 403
    assert api(health_officer).post(url, {"status": "已关闭"}).status_code == 200
    assert Alert.objects.get(pk=alert_a2.pk).status == AlertStatus.CLOSED


def test_the_alert_page_offers_only_the_steps_the_role_owns(login, school_doctor, health_officer, alert_a):
    alert_a.status = AlertStatus.VERIFIED
    alert_a.save()
    doctor_choices = dict(login(school_doctor).get(alert_a.get_absolute_url()).context["form"].fields["to_status"].choices)
    assert "已报告疾控" in doctor_choices and "已关闭" not in doctor_choices
    officer_choices = dict(login(health_officer).get(alert_a.get_absolute_url()).context["form"].fields["to_status"].choices)
    assert "已关闭" in officer_choices


def test_the_school_doctor_reports_for_any_class_of_the_school(school_doctor, health_class_a2, pupils_a2, freezer_day):
    response = api(school_doctor).post("/api/health/class-reports/", report(health_class_a2, expected=12), format="json")
    assert response.status_code == 201, response.content


def test_the_assignee_answer_does_not_tell_whether_a_user_exists(health_officer, school_b_admin, alert_a):
    client = api(health_officer)
    url = f"/api/health/alerts/{alert_a.pk}/transition/"
    other_school = client.post(url, {"status": "已核实", "assignee": school_b_admin.username})
    nobody = client.post(url, {"status": "已核实", "assignee": "no-such-user"})
    assert other_school.status_code == nobody.status_code == 400
    assert other_school.json()["detail"].replace(school_b_admin.username, "?") == nobody.json()["detail"].replace(
        "no-such-user", "?"
    )


def test_a_head_teachers_menu_leaves_out_the_staff_reports_and_their_class_is_chosen(
    login, head_teacher, school_a_clerk, health_class_a, pupils_a
):
    def menu(user):
        return [item["label"] for section in login(user).get("/").context["nav"] for item in section["items"]]

    assert "教职工健康日报" not in menu(head_teacher) and "填报班级日报" in menu(head_teacher)
    assert "教职工健康日报" in menu(school_a_clerk)
    page = login(head_teacher).get(reverse("health:report_new"))
    assert page.context["pick"].initial["school_class"] == health_class_a.pk


@pytest.mark.parametrize("role", ["head_teacher", "school_doctor"])
def test_every_menu_entry_of_the_school_health_roles_opens(login, request, role, pupils_a):
    user = request.getfixturevalue(role)
    client = login(user)
    urls = [item["url"] for section in client.get("/").context["nav"] for item in section["items"]]
    assert len(urls) > 5
    refused = [(url, status) for url in urls if (status := client.get(url).status_code) != 200]
    assert not refused, f"{role}: menu entries that do not open: {refused}"
