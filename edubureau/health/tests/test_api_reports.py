import datetime
import json

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from edubureau.health.models import Alert, ClassReport, ClassReportVersion, SickCase, StaffHealthReport

from .conftest import SCHOOL_DAY, case, make_teacher, report

URL = "/api/health/class-reports/"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(datetime.datetime(2025, 11, 17, 8, 30, tzinfo=datetime.UTC), tick=False)


def client_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def post(client, payload, url=URL):
    return client.post(url, json.dumps(payload, ensure_ascii=False), content_type="application/json")


def test_a_school_token_submits_its_class_report(school_a_clerk, health_class_a, pupils_a):
    response = post(client_for(school_a_clerk), report(health_class_a, cases=pupils_a[:2]))
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "created" and response.json()["late"] is True  # 16:30 in Shanghai
    assert ClassReport.objects.get().source == "api"
    assert SickCase.objects.count() == 2


def test_resubmitting_is_idempotent_and_a_correction_replaces(school_a_clerk, health_class_a, pupils_a):
    client = client_for(school_a_clerk)
    payload = report(health_class_a, cases=pupils_a[:2])
    assert post(client, payload).status_code == 201
    again = post(client, payload)
    assert again.status_code == 200 and again.json()["status"] == "unchanged"
    corrected = post(client, report(health_class_a, cases=pupils_a[:1]))
    assert corrected.status_code == 200 and corrected.json() | {"url": None, "id": None} == {
        "status": "replaced", "id": None, "url": None, "version": 2, "late": True, "alerts": [],
    }  # fmt: skip
    assert ClassReport.objects.count() == 1 and SickCase.objects.count() == 1
    assert ClassReportVersion.objects.get().payload["sick"] == 2


def test_errors_come_back_as_a_list_and_nothing_is_saved(school_a_clerk, health_class_a, pupils_a):
    bad = report(health_class_a, present=41, cases=[case(pupils_a[0], symptoms=["咳血"]), pupils_a[0]])
    response = post(client_for(school_a_clerk), bad)
    assert response.status_code == 400
    body = response.json()
    assert "日报未保存" in body["detail"] and len(body["errors"]) == 2
    assert any("咳血" in e for e in body["errors"]) and any("实到 " in e for e in body["errors"])
    assert ClassReport.objects.count() == 0 and SickCase.objects.count() == 0


def test_a_school_token_cannot_report_for_another_school(school_a_clerk, health_class_b):
    response = post(client_for(school_a_clerk), report(health_class_b))
    assert response.status_code == 403 and "不在您的管理范围内" in response.json()["detail"]
    assert ClassReport.objects.count() == 0


def test_a_too_large_payload_is_refused(school_a_clerk, health_class_a):
    payload = report(health_class_a) | {"padding": "x" * 300_000}
    assert post(client_for(school_a_clerk), payload).status_code == 413
    assert ClassReport.objects.count() == 0


def test_malformed_json_is_a_400(school_a_clerk, health_class_a):
    response = client_for(school_a_clerk).post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert post(client_for(school_a_clerk), [1, 2]).status_code == 400


def test_a_leader_may_not_submit(leader, health_class_a):
    assert post(client_for(leader), report(health_class_a)).status_code == 403


def test_lists_are_scoped_filtered_and_masked(
    school_a_clerk, school_b_admin, admin_user, health_class_a, pupils_a
):
    post(client_for(school_a_clerk), report(health_class_a, cases=pupils_a[:1]))
    pk = ClassReport.objects.get().pk
    rows = (
        client_for(admin_user).get(URL, {"school": health_class_a.school.code, "date": "2025-11-17"}).json()
    )
    assert rows["count"] == 1 and rows["results"][0]["grade"] == 3
    assert client_for(admin_user).get(URL, {"date": "2025-11-18"}).json()["count"] == 0
    assert client_for(school_b_admin).get(URL).json()["count"] == 0
    assert client_for(school_b_admin).get(f"{URL}{pk}/").status_code == 404
    case_row = client_for(school_a_clerk).get("/api/health/cases/", {"symptom": "发热"}).json()["results"][0]
    assert case_row["student_id_no"] != pupils_a[0].id_number and case_row["symptoms"] == ["发热", "咳嗽"]
    assert client_for(school_a_clerk).get("/api/health/cases/", {"symptom": "皮疹"}).json()["count"] == 0
    assert client_for(admin_user).get("/api/health/rollups/").json()["results"][0]["sick"] == 1


def test_the_alert_workflow(school_a_clerk, admin_user, school_b_admin, health_class_a, pupils_a):
    response = post(client_for(school_a_clerk), report(health_class_a, cases=pupils_a[:3]))
    (raised,) = response.json()["alerts"]
    url = f"/api/health/alerts/{raised['id']}/transition/"
    bureau = client_for(admin_user)
    assert bureau.get("/api/health/alerts/", {"status": "新建"}).json()["results"][0]["class_no"] == 2
    assert post(client_for(school_b_admin), {"status": "已核实"}, url).status_code == 404
    skip = post(bureau, {"status": "已关闭"}, url)
    assert skip.status_code == 400 and "不能改为“已关闭”" in skip.json()["errors"][0]
    for step in ["已核实", "已报告疾控", "处置中", "已关闭"]:
        assert post(bureau, {"status": step, "note": f"{step}说明"}, url).status_code == 200
    alert = Alert.objects.get()
    assert alert.status == "已关闭" and alert.closed_at and alert.assignee == admin_user
    assert [e.to_status for e in alert.events.all()] == ["新建", "已核实", "已报告疾控", "处置中", "已关闭"]


def test_a_school_clerk_sees_the_alert_of_its_school(school_a_clerk, health_class_a, pupils_a):
    client = client_for(school_a_clerk)
    post(client, report(health_class_a, cases=pupils_a[:3]))
    assert client.get("/api/health/alerts/").json()["count"] == 1


def test_staff_status_is_submitted_once_per_day(school_a_clerk, school_a, calendar):
    teacher = make_teacher(school_a)
    payload = {
        "school": school_a.code, "date": SCHOOL_DAY.isoformat(), "staff_total": 50, "on_duty": 48, "sick": 1,
        "personal": 1, "cases": [{"staff_id_no": teacher.id_number, "symptoms": ["发热"], "onset": "2025-11-16"}],
    }  # fmt: skip
    client = client_for(school_a_clerk)
    assert post(client, payload, "/api/health/staff-reports/").status_code == 201
    assert post(client, payload, "/api/health/staff-reports/").json()["status"] == "unchanged"
    bad = post(client, payload | {"on_duty": 50}, "/api/health/staff-reports/")
    assert bad.status_code == 400 and "超过教职工总数" in bad.json()["errors"][0]
    stored = StaffHealthReport.objects.get()
    assert (stored.on_duty, stored.cases.get().staff) == (48, teacher)


def test_the_submission_endpoint_is_in_the_openapi_schema(admin_user):
    schema = client_for(admin_user).get("/api/schema/", {"format": "json"}).json()
    post_op = schema["paths"]["/api/health/class-reports/"]["post"]
    assert "ClassReportIn" in json.dumps(post_op["requestBody"]) and "413" in post_op["responses"]
    assert "/api/health/alerts/{id}/transition/" in schema["paths"]
