"""One input per write (issue 12): the page, the API and the loader hand the service the same
ClassReportInput / StaffReportInput, and the one validator answers them all. So a pupil without an ID
number can be reported from the page (it names pupils by registry id), the same content through
either surface is one report, and a bad value gets the same words on both."""

import datetime
import json

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from edubureau.health import services
from edubureau.health.models import ClassReport, SickCase, StaffHealthReport
from edubureau.health.services import CaseInput, ClassReportInput, ReportError, StaffReportInput
from edubureau.people.models import IdType

from .conftest import SCHOOL_DAY, make_pupil, make_teacher, report

PAGE = reverse("health:report_new")
API = "/api/health/class-reports/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def pupil_without_id(school_a, health_class_a):
    return make_pupil(
        school_a, health_class_a, id_type=IdType.NONE, id_number="", no_id_reason="随迁子女，证件办理中"
    )


def api_client(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def api_post(user, payload, url=API):
    return api_client(user).post(
        url, json.dumps(payload, ensure_ascii=False), content_type="application/json"
    )


CASE = {"symptoms": ["发热", "咳嗽"], "onset": SCHOOL_DAY.isoformat(), "diagnosis": "流行性感冒",
        "expected_return": "2025-11-20", "seen_doctor": True}  # fmt: skip


def page_form(school_class, pupils, *, expected=12, present=None, personal=0, **case_extra) -> dict:
    """The report page's POST: the class, the counts and one row per pupil (the pupil's registry id)."""
    present = expected - len(pupils) - personal if present is None else present
    data = {"school_class": school_class.pk, "date": SCHOOL_DAY.isoformat(), "session": "晨检", "action": "submit",
            "expected": expected, "present": present, "sick": len(pupils), "personal": personal,
            "rows": len(pupils)}  # fmt: skip
    for i, pupil in enumerate(pupils):
        row = {**CASE, "seen_doctor": "on", **case_extra, "person": pupil.pk}
        data.update({f"case-{i}-{k}": v for k, v in row.items()})
    return data


def api_body(school_class, cases, *, expected=12, present=None, personal=0, **case_extra) -> dict:
    """The API's JSON of the same report; `cases`: (key, value) naming each pupil."""
    items = [{key: value, **CASE, **case_extra} for key, value in cases]
    return report(school_class, expected=expected, present=present, personal=personal, cases=items)


def test_a_pupil_without_an_id_number_is_reported_from_the_page(
    login, school_a_clerk, health_class_a, pupils_a, pupil_without_id
):
    response = login(school_a_clerk).post(PAGE, page_form(health_class_a, [pupil_without_id, pupils_a[0]]))
    assert response.status_code == 302, response.context and response.context["errors"]
    stored = ClassReport.objects.get()
    assert (stored.sick, stored.source) == (2, "web")
    case = SickCase.objects.get(student=pupil_without_id)
    assert (case.symptom_names, case.diagnosis, case.seen_doctor) == (["发热", "咳嗽"], "流行性感冒", True)
    assert case.expected_return == datetime.date(2025, 11, 20)


def test_a_pupil_without_an_id_number_is_reported_through_the_api_by_registry_id(
    school_a_clerk, health_class_a, pupil_without_id
):
    response = api_post(school_a_clerk, api_body(health_class_a, [("student", pupil_without_id.pk)]))
    assert response.status_code == 201, response.content
    assert SickCase.objects.get().student == pupil_without_id


def test_the_same_content_through_the_api_and_the_page_is_one_report(
    login, school_a_clerk, health_class_a, pupils_a, pupil_without_id
):
    """The API names pupils by ID number (or registry id), the page by registry id: one content hash."""
    body = api_body(
        health_class_a, [("student_id_no", pupils_a[0].id_number), ("student", pupil_without_id.pk)]
    )
    assert api_post(school_a_clerk, body).status_code == 201
    stored = ClassReport.objects.get()
    client = login(school_a_clerk)
    response = client.post(PAGE, page_form(health_class_a, [pupils_a[0], pupil_without_id]), follow=True)
    assert "内容与上次相同，未产生新版本" in response.content.decode()
    again = ClassReport.objects.get()
    assert (again.version, again.payload_hash, again.source) == (1, stored.payload_hash, "api")
    # the cases listed in another order are the same content
    client.post(PAGE, page_form(health_class_a, [pupil_without_id, pupils_a[0]]))
    assert ClassReport.objects.get().version == 1
    # and a change made on the page is one the API then finds unchanged
    client.post(PAGE, page_form(health_class_a, [pupils_a[0]], personal=1))
    assert ClassReport.objects.get().version == 2
    body = api_body(health_class_a, [("student_id_no", pupils_a[0].id_number)], personal=1)
    assert api_post(school_a_clerk, body).json()["status"] == "unchanged"


@pytest.mark.parametrize(
    "counts, case_extra, expected_words",
    [
        ({"present": 13}, {}, "实到 13 大于应到 12"),
        ({"personal": 5, "present": 9}, {}, "超过缺课人数"),
        ({}, {"expected_return": "2025-11-10"}, "预计返校日期 2025-11-10 早于发病日期 2025-11-17"),
        ({}, {"onset": "2025-11-31"}, "发病日期“2025-11-31”不是有效日期"),
        ({}, {"onset": "2025-11-18"}, "晚于日报日期"),
        ({}, {"symptoms": ["发热", "咳血"]}, "“咳血”不在症状表中"),
        ({}, {"diagnosis": "感冒了"}, "“感冒了”不在学校传染病诊断表中"),
        ({"expected": "十二"}, {}, "应到“十二”无效"),
    ],
)
def test_bad_input_gets_the_same_words_through_the_api_and_the_page(
    login, school_a_clerk, health_class_a, pupils_a, counts, case_extra, expected_words
):
    body = api_body(health_class_a, [("student", pupils_a[0].pk)], **case_extra)
    form = page_form(health_class_a, [pupils_a[0]], **case_extra)
    body.update(counts)
    form.update(counts)
    by_api = api_post(school_a_clerk, body)
    by_page = login(school_a_clerk).post(PAGE, form)
    assert (by_api.status_code, by_page.status_code) == (400, 400)
    assert by_api.json()["errors"] == list(by_page.context["errors"])
    assert any(expected_words in e for e in by_page.context["errors"]), by_page.context["errors"]
    assert not ClassReport.objects.exists()


def test_the_page_shows_each_error_at_its_field(login, school_a_clerk, health_class_a, pupils_a):
    form = page_form(health_class_a, pupils_a[:2], present=13)
    form["case-1-expected_return"] = "2025-11-10"
    response = login(school_a_clerk).post(PAGE, form)
    assert response.status_code == 400
    assert "大于应到" in response.context["counts"].errors["present"][0]
    assert "早于发病日期" in response.context["cases"][1].errors["expected_return"][0]
    assert not response.context["cases"][0].errors


def test_the_validator_keys_each_error_to_its_field(health_class_a, pupils_a, school_a_clerk):
    data = ClassReportInput(
        school_class=health_class_a, date=SCHOOL_DAY, expected=12, present=13, sick=1, personal=0,
        cases=[CaseInput(person=pupils_a[0].pk, symptoms=["发热"], onset=SCHOOL_DAY,
                         expected_return=datetime.date(2025, 11, 1))],
    )  # fmt: skip
    with pytest.raises(ReportError) as refused:
        services.validate_class_report(data, user=school_a_clerk, today=SCHOOL_DAY)
    assert [key for key, _message in refused.value.errors] == ["present", "cases.0.expected_return"]


def test_a_school_class_object_and_its_natural_key_are_the_same_report(health_class_a, pupils_a):
    by_key = ClassReportInput.from_json(report(health_class_a, expected=12, cases=pupils_a[:1]))
    by_object = ClassReportInput(
        school_class=health_class_a, date=SCHOOL_DAY, expected=12, present=11, sick=1, personal=0,
        cases=[CaseInput(person=pupils_a[0].pk, symptoms=["发热", "咳嗽"], onset=SCHOOL_DAY)],
    )  # fmt: skip
    first = services.validate_class_report(by_key, user=None, today=SCHOOL_DAY)
    second = services.validate_class_report(by_object, user=None, today=SCHOOL_DAY)
    assert first.digest() == second.digest()
    assert first.school_class == second.school_class


def test_a_reference_by_hash_and_registry_id_still_names_the_pupil(health_class_a, pupils_a):
    """`#<id>` in student_id_no, accepted before the `student` key existed, is the registry id."""
    body = report(health_class_a, cases=[{"student_id_no": f"#{pupils_a[0].pk}", **CASE}])
    clean = services.validate_class_report(ClassReportInput.from_json(body), user=None, today=SCHOOL_DAY)
    assert list(clean.student_ids.values()) == [pupils_a[0].pk]


def test_a_teacher_without_an_id_number_is_reported_from_the_staff_page(
    login, school_a, school_a_admin, calendar
):
    teacher = make_teacher(school_a, id_type=IdType.NONE, id_number="")
    form = {"school": school_a.pk, "date": SCHOOL_DAY.isoformat(), "staff_total": 10, "on_duty": 9, "sick": 1,
            "personal": 0, "rows": 1, "case-0-person": teacher.pk, "case-0-symptoms": ["发热"],
            "case-0-onset": SCHOOL_DAY.isoformat()}  # fmt: skip
    response = login(school_a_admin).post(reverse("health:staff_report_new"), form)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert StaffHealthReport.objects.get().cases.get().staff == teacher


def test_the_staff_report_is_one_report_through_the_api_and_the_page(
    login, school_a, school_a_admin, calendar
):
    teacher = make_teacher(school_a)
    body = {"school": school_a.code, "date": SCHOOL_DAY.isoformat(), "staff_total": 10, "on_duty": 9, "sick": 1,
            "personal": 0, "cases": [{"staff_id_no": teacher.id_number, "symptoms": ["发热"],
                                      "onset": SCHOOL_DAY.isoformat()}]}  # fmt: skip
    assert api_post(school_a_admin, body, "/api/health/staff-reports/").status_code == 201
    form = {"school": school_a.pk, "date": SCHOOL_DAY.isoformat(), "staff_total": 10, "on_duty": 9, "sick": 1,
            "personal": 0, "rows": 1, "case-0-person": teacher.pk, "case-0-symptoms": ["发热"],
            "case-0-onset": SCHOOL_DAY.isoformat()}  # fmt: skip
    login(school_a_admin).post(reverse("health:staff_report_new"), form)
    assert StaffHealthReport.objects.get().version == 1


def test_the_input_type_builds_from_the_json_shape_and_ignores_other_keys(health_class_a):
    data = ClassReportInput.from_json(report(health_class_a) | {"padding": "x", "submitted_at": "…"})
    assert (data.school, data.grade, data.class_no, data.cases) == (health_class_a.school.code, 3, 2, [])
    with pytest.raises(ReportError) as refused:
        ClassReportInput.from_json(["not", "an", "object"])
    assert refused.value.messages == ["日报应为一个 JSON 对象。"]
    staff = StaffReportInput.from_json({"school": "x", "cases": [{"staff_id_no": "1"}, "?"]})
    assert staff.cases[0].id_no == "1" and staff.cases[1] == "?"


def test_an_earlier_version_names_a_pupil_without_an_id_number_by_registry_id(
    login, school_a_clerk, health_class_a, pupils_a, pupil_without_id
):
    client = login(school_a_clerk)
    client.post(PAGE, page_form(health_class_a, [pupil_without_id]))
    client.post(PAGE, page_form(health_class_a, [pupils_a[0]]))
    detail = client.get(ClassReport.objects.get().get_absolute_url())
    ((_version, payload, shown),) = detail.context["versions"]
    assert payload["cases"][0]["student"] == pupil_without_id.pk
    assert shown[0][0] == f"学生编号 {pupil_without_id.pk}"


def test_the_staff_page_opens_a_days_report_with_its_cases(login, school_a, school_a_admin, calendar):
    teacher = make_teacher(school_a)
    form = {"school": school_a.pk, "date": SCHOOL_DAY.isoformat(), "staff_total": 10, "on_duty": 9, "sick": 1,
            "personal": 0, "rows": 1, "case-0-person": teacher.pk, "case-0-symptoms": ["发热"],
            "case-0-onset": SCHOOL_DAY.isoformat()}  # fmt: skip
    client = login(school_a_admin)
    assert client.post(reverse("health:staff_report_new"), form).status_code == 302
    response = client.get(
        reverse("health:staff_report_new"), {"school": school_a.pk, "date": SCHOOL_DAY.isoformat()}
    )
    assert response.status_code == 200
    assert [case.initial["person"] for case in response.context["cases"]] == [str(teacher.pk)]
