"""Each module's event reaches the right users through its public surface: a new health alert (its school's
校医 and 学校管理员, the bureau's health owners; never school B), an alert given to someone, an application
returned for correction, a finished import."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from edubureau.admissions.models import Application
from edubureau.admissions.services.applications import register
from edubureau.admissions.tests.conftest import open_stages, registration
from edubureau.core import importing
from edubureau.core.models import ImportJob
from edubureau.core.scope import scope_of
from edubureau.health.models import Alert
from edubureau.health.services import submit_class_report
from edubureau.health.tests.conftest import report
from edubureau.notifications.models import Kind, Notification
from edubureau.org.models import Nature, School, Stage

from .conftest import ON_TIME

pytestmark = pytest.mark.django_db


def told(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


@pytest.fixture
def alert(run_hooks, class_a, pupils_a, actors, doctor_a, doctor_b, health_officer, head_teacher_a):
    """Three pupils of class A with fever on one day: the class rule fires."""
    with run_hooks():
        result = submit_class_report(report(class_a, expected=6, cases=pupils_a[:3]), now=ON_TIME)
    (alert,) = result.alerts
    return alert


def test_a_new_alert_reaches_the_users_who_may_verify_it_in_its_school_only(alert):
    # 校医 and 学校管理员 of school A, the administrator, 体卫艺科; not the clerk, the 班主任, the leader,
    # a department without health changes, nor anyone of school B
    assert told(Kind.NEW_ALERT) == ["a_admin", "a_doctor", "admin", "tiweiyi"]
    note = Notification.objects.filter(kind=Kind.NEW_ALERT).first()
    assert note.link == alert.get_absolute_url() and "实验小学" in note.title and "3 例" in note.body


def test_a_new_alert_is_announced_once(alert, run_hooks, class_a, pupils_a):
    with run_hooks():
        submit_class_report(
            report(class_a, expected=6, cases=pupils_a[:4]), now=ON_TIME
        )  # the same cluster grows
    assert Alert.objects.count() == 1 and len(told(Kind.NEW_ALERT)) == 4


def test_giving_an_alert_to_someone_on_its_page_tells_them_once(
    alert, run_hooks, login, health_officer, doctor_a
):
    client = login(health_officer)
    with run_hooks():
        response = client.post(
            alert.get_absolute_url(), {"to_status": "", "assignee": doctor_a.pk, "note": "请核实"}
        )
    assert response.status_code == 302
    with run_hooks():
        client.post(alert.get_absolute_url(), {"to_status": "", "assignee": doctor_a.pk, "note": "再次提醒"})
    assert told(Kind.ALERT_ASSIGNED) == ["a_doctor"]
    alert.refresh_from_db()
    assert alert.assignee == doctor_a
    note = Notification.objects.get(kind=Kind.ALERT_ASSIGNED)
    assert note.link == alert.get_absolute_url() and "体卫艺科" not in note.title


def test_giving_an_alert_through_the_api_tells_the_assignee(alert, run_hooks, health_officer, school_a_admin):
    client = APIClient()
    client.force_authenticate(health_officer)
    url = reverse("health-api:alert-transition", args=[alert.pk])
    with run_hooks():
        response = client.post(url, {"status": "已核实", "note": "", "assignee": "a_admin"}, format="json")
    assert response.status_code == 200, response.content
    assert told(Kind.ALERT_ASSIGNED) == ["a_admin"]


def test_taking_an_alert_oneself_tells_nobody(alert, run_hooks, login, doctor_a):
    with run_hooks():
        login(doctor_a).post(alert.get_absolute_url(), {"to_status": "已核实", "note": ""})
    alert.refresh_from_db()
    assert alert.assignee == doctor_a and told(Kind.ALERT_ASSIGNED) == []


def test_school_b_hears_nothing_of_school_a(alert, school_b_admin, doctor_b):
    assert not Notification.objects.filter(recipient__in=[school_b_admin, doctor_b]).exists()


@pytest.fixture
def returned_application(
    db, run_hooks, login, school_a, school_a_admin, school_a_clerk, admin_user, department_user
):
    from edubureau.admissions.models import EntryGrade, StageKind
    from edubureau.admissions.services import campaigns

    private = School.objects.create(district=school_a.district, code="2131000009", name="民办星河小学",
                                    stage=Stage.PRIMARY, nature=Nature.PRIVATE)  # fmt: skip
    campaign = campaigns.create_campaign(year=2026, entry_grade=EntryGrade.PRIMARY)
    campaigns.set_plan(campaign, school_a, 4)
    campaigns.set_plan(campaign, private, 1)
    open_stages(campaign, StageKind.REGISTRATION, StageKind.VERIFICATION, StageKind.PRIVATE_APPLY)
    application = register(campaign, registration(private=[private]), user=department_user)
    Application.objects.filter(pk=application.pk).update(
        catchment_school=school_a
    )  # as the catchment rules find
    with run_hooks():
        response = login(admin_user).post(
            reverse("admissions:application_verify", args=[application.pk]),
            {"decision": "return", "reason": "房产证复印件不清晰"},
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "退回补正"
    return application


def test_a_returned_application_tells_who_registered_it_and_its_school(returned_application):
    # the registrar (a bureau user here) and school A's 学校管理员; not the administrator who returned it
    assert told(Kind.APPLICATION_RETURNED) == ["a_admin", "jijiao"]
    note = Notification.objects.filter(kind=Kind.APPLICATION_RETURNED).first()
    assert returned_application.number in note.title and "房产证复印件不清晰" in note.body
    assert note.link == returned_application.get_absolute_url()


def test_a_finished_import_tells_the_user_who_started_it(run_hooks, school_a_admin, school_a_clerk, tmp_path):
    path = tmp_path / "学生.xlsx"
    path.write_bytes(b"not a workbook")
    job = ImportJob.objects.create(kind="students", user=school_a_admin, filename="学生.xlsx", path=str(path))
    with run_hooks():
        importing.execute(job, scope_of(school_a_admin), report_path=None)
    job.refresh_from_db()
    assert job.status == "failed"
    note = Notification.objects.get()
    assert (note.recipient, note.kind, note.title) == (
        school_a_admin,
        Kind.IMPORT_FINISHED,
        "导入失败：学生.xlsx",
    )
    assert note.link == reverse("core:import_detail", args=[job.pk])


def test_an_operators_import_tells_nobody(run_hooks, tmp_path, school_a_admin):
    path = tmp_path / "学生.csv"
    path.write_bytes(SimpleUploadedFile("x.csv", b"a,b\n").read())
    job = ImportJob.objects.create(kind="students", user=None, filename="学生.csv", path=str(path))
    with run_hooks():
        importing.execute(job, scope_of(school_a_admin), report_path=None)
    assert not Notification.objects.exists()
