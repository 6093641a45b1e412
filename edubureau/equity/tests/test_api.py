"""The resource reports over the API: idempotent writes per school and year, the workflow steps,
and scope (a school posts only its own; another school's report is 404)."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from edubureau.equity.models import ReportStatus, ResourceReport
from edubureau.people.models import SchoolClass, Student

pytestmark = pytest.mark.django_db

BODY = {
    "building_area": "5200.5",
    "sports_area": 8000,
    "equipment_value": 2500000,
    "multimedia_classrooms": 30,
}


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_it_creates_then_updates_the_same_report(school_a, school_a_clerk, school_year):
    client = api(school_a_clerk)
    url = reverse("equity-api:resourcereport-list")
    first = client.post(url, {"school": school_a.code, "school_year": 2025, **BODY}, format="json")
    assert first.status_code == 201, first.data
    again = client.post(
        url, {"school": school_a.code, "school_year": 2025, **BODY, "sports_area": 9000}, format="json"
    )
    assert again.status_code == 200 and again.data["id"] == first.data["id"]
    assert ResourceReport.objects.count() == 1 and ResourceReport.objects.get().sports_area == 9000


def test_it_runs_the_workflow(school_a, school_a_clerk, inspector, make_report):
    report = make_report(school_a)
    response = api(school_a_clerk).post(reverse("equity-api:resourcereport-submit", args=[report.pk]))
    assert response.status_code == 200 and response.data["status"] == "已提交"
    assert (
        api(school_a_clerk).post(reverse("equity-api:resourcereport-confirm", args=[report.pk])).status_code
        == 403
    )
    bureau = api(inspector)
    refused = bureau.post(reverse("equity-api:resourcereport-return", args=[report.pk]), {}, format="json")
    assert refused.status_code == 400 and "return_reason" in refused.data
    returned = bureau.post(
        reverse("equity-api:resourcereport-return", args=[report.pk]),
        {"return_reason": "面积有误"},
        format="json",
    )
    assert returned.data["status"] == "已退回" and returned.data["return_reason"] == "面积有误"


def test_it_refuses_bad_values_clearly(school_a, school_a_clerk, school_year):
    url = reverse("equity-api:resourcereport-list")
    response = api(school_a_clerk).post(
        url, {"school": school_a.code, "school_year": 2025, **BODY, "building_area": -1}, format="json"
    )
    assert response.status_code == 400 and "不能为负数" in str(response.data["building_area"])
    response = api(school_a_clerk).post(
        url, {"school": school_a.code, "school_year": 2025, **BODY, "sports_area": "很大"}, format="json"
    )
    assert response.status_code == 400 and "sports_area" in response.data
    assert not ResourceReport.objects.exists()


def test_it_keeps_schools_apart(school_a, school_b, school_b_admin, make_report):
    report = make_report(school_a)
    client = api(school_b_admin)
    assert client.get(reverse("equity-api:resourcereport-detail", args=[report.pk])).status_code == 404
    assert (
        client.patch(
            reverse("equity-api:resourcereport-detail", args=[report.pk]), {"sports_area": 1}, format="json"
        ).status_code
        == 404
    )
    assert client.post(reverse("equity-api:resourcereport-submit", args=[report.pk])).status_code == 404
    posted = client.post(
        reverse("equity-api:resourcereport-list"),
        {"school": school_a.code, "school_year": 2025, **BODY},
        format="json",
    )
    assert posted.status_code == 400 and "不在您的管理范围内" in str(posted.data)
    assert (
        ResourceReport.objects.get().status == ReportStatus.DRAFT
        and ResourceReport.objects.get().sports_area == 8000
    )


def test_it_filters_by_school_code(school_a, school_b, inspector, make_report):
    make_report(school_a)
    make_report(school_b)
    data = api(inspector).get(reverse("equity-api:resourcereport-list"), {"school": school_b.code}).data
    assert [r["school"] for r in data["results"]] == [school_b.code]


def test_it_gives_the_indicator_results_of_the_users_schools(
    school_a, school_b, school_a_clerk, inspector, make_report
):
    year = make_report(school_a, status=ReportStatus.CONFIRMED).school_year
    make_report(school_b, status=ReportStatus.CONFIRMED)
    for school in (school_a, school_b):
        school_class = SchoolClass.objects.create(school=school, school_year=year, grade=3, class_no=1)
        Student.objects.bulk_create(
            Student(name=f"学生{i}", gender="女", birth_date=datetime.date(2017, 1, 1), school=school, school_class=school_class)
            for i in range(100)
        )  # fmt: skip
    url = reverse("equity-api:indicatorresult-list")
    rows = api(inspector).get(url, {"school_year": 2025}).data
    assert sorted(r["school"] for r in rows) == sorted([school_a.code, school_b.code])
    a = next(r for r in rows if r["school"] == school_a.code)
    assert a["part"] == "小学" and a["students"] == 100 and a["values"]["i4"] == pytest.approx(52.005)
    assert a["standards"]["i4"] == 4.5 and a["values"]["i7"] == pytest.approx(30.0)
    mine = api(school_a_clerk).get(url).data
    assert [r["school"] for r in mine] == [school_a.code]
    assert api(inspector).get(url, {"school_year": "abc"}).status_code == 400
