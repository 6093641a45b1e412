"""The resource report workflow through the pages: the school fills in and submits, the bureau
confirms or returns with a reason; every step is in the change log; bad input is refused clearly."""

import pytest
from django.urls import reverse

from edubureau.core.models import ChangeRecord
from edubureau.equity.models import ReportStatus, ResourceReport

pytestmark = pytest.mark.django_db

FORM = {
    "building_area": "5200.5", "sports_area": "8000", "equipment_value": "2500000", "multimedia_classrooms": "30",
    "qualified_teachers": "", "backbone_teachers": "", "pe_art_teachers": "", "correction_note": "", "note": "",
}  # fmt: skip


def create(client, school, school_year, **changes):
    data = {"school": school.pk, "school_year": school_year.pk, **FORM, **changes}
    return client.post(reverse("equity:report_add"), data)


def test_it_runs_from_draft_to_confirmed(login, school_a, school_a_clerk, inspector, school_year):
    client = login(school_a_clerk)
    response = create(client, school_a, school_year)
    report = ResourceReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "equity:report_detail", args=[report.pk]
    )
    assert report.status == ReportStatus.DRAFT and str(report.building_area) == "5200.50"

    client.post(reverse("equity:report_submit", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.submitted_by == school_a_clerk
    # submitted: the school can no longer edit it
    response = client.post(reverse("equity:report_edit", args=[report.pk]), {**FORM, "building_area": "1"})
    assert "不能修改" in response.content.decode()
    report.refresh_from_db()
    assert str(report.building_area) == "5200.50"

    bureau = login(inspector)
    page = bureau.get(reverse("equity:report_detail", args=[report.pk])).content.decode()
    assert reverse("equity:report_confirm", args=[report.pk]) in page
    bureau.post(reverse("equity:report_confirm", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == ReportStatus.CONFIRMED and report.reviewed_by == inspector
    actions = list(
        ChangeRecord.objects.filter(object_id=str(report.pk)).order_by("pk").values_list("user_name", "after")
    )
    assert [a[0] for a in actions] == ["a_clerk", "a_clerk", "dudao"]
    assert actions[1][1]["status"] == "已提交" and actions[2][1]["status"] == "已确认"


def test_it_returns_with_a_reason_and_the_school_resubmits(
    login, school_a, school_a_admin, inspector, make_report
):
    report = make_report(school_a, status=ReportStatus.SUBMITTED)
    bureau = login(inspector)
    bureau.post(reverse("equity:report_return", args=[report.pk]), {"return_reason": ""})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED  # no reason: not returned
    bureau.post(
        reverse("equity:report_return", args=[report.pk]), {"return_reason": "体育场馆面积与台账不符"}
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.return_reason == "体育场馆面积与台账不符"

    school = login(school_a_admin)
    assert (
        "体育场馆面积与台账不符"
        in school.get(reverse("equity:report_detail", args=[report.pk])).content.decode()
    )
    school.post(reverse("equity:report_edit", args=[report.pk]), {**FORM, "sports_area": "9100"})
    school.post(reverse("equity:report_submit", args=[report.pk]))
    report.refresh_from_db()
    assert (report.status, str(report.sports_area), report.return_reason) == (
        ReportStatus.SUBMITTED,
        "9100.00",
        "",
    )


def test_it_refuses_negative_and_non_numeric_figures(login, school_a, school_a_clerk, school_year):
    client = login(school_a_clerk)
    response = create(client, school_a, school_year, building_area="-5", equipment_value="十万")
    page = response.content.decode()
    assert response.status_code == 200 and "不能为负数" in page
    assert "输入一个数字" in page  # Django's own message for a non-numeric number field
    assert not ResourceReport.objects.exists()


def test_it_needs_every_figure_before_submitting(login, school_a, school_a_clerk, school_year):
    client = login(school_a_clerk)
    create(client, school_a, school_year, sports_area="")
    report = ResourceReport.objects.get()
    response = client.post(reverse("equity:report_submit", args=[report.pk]), follow=True)
    assert "体育运动场馆面积（m²）" in response.content.decode() and "不能提交" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_it_needs_a_note_for_a_teacher_correction(login, school_a, school_a_clerk, school_year):
    response = create(login(school_a_clerk), school_a, school_year, backbone_teachers="3")
    assert "须填写校正说明" in response.content.decode()
    assert not ResourceReport.objects.exists()


def test_it_refuses_a_school_outside_compulsory_education(login, admin_user, senior_school, school_year):
    response = create(login(admin_user), senior_school, school_year)
    assert response.status_code == 200 and not ResourceReport.objects.exists()


def test_it_refuses_a_second_report_for_the_same_school_and_year(
    login, school_a, school_a_clerk, school_year
):
    client = login(school_a_clerk)
    create(client, school_a, school_year)
    response = create(client, school_a, school_year, building_area="6000")
    assert "该学校本学年已有办学资源填报，请修改已有的填报。" in response.content.decode()
    assert (
        ResourceReport.objects.count() == 1 and str(ResourceReport.objects.get().building_area) == "5200.50"
    )


def test_it_lets_only_the_bureau_confirm(login, school_a, school_a_admin, leader, make_report):
    report = make_report(school_a, status=ReportStatus.SUBMITTED)
    assert login(school_a_admin).post(reverse("equity:report_confirm", args=[report.pk])).status_code == 403
    assert login(leader).post(reverse("equity:report_confirm", args=[report.pk])).status_code == 403
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_it_hides_other_schools_reports(login, school_a, school_b_admin, make_report):
    report = make_report(school_a)
    client = login(school_b_admin)
    assert client.get(reverse("equity:report_detail", args=[report.pk])).status_code == 404
    assert client.post(reverse("equity:report_submit", args=[report.pk])).status_code == 404
    assert school_a.name not in client.get(reverse("equity:report_list")).content.decode()


def test_it_lists_filters_and_exports(login, school_a, school_b, inspector, make_report):
    make_report(school_a, status=ReportStatus.CONFIRMED)
    make_report(school_b, building_area="777.25")
    client = login(inspector)
    page = client.get(reverse("equity:report_list"), {"status": "已确认"}).content.decode()
    assert school_a.name in page and school_b.name not in page
    from edubureau.core.testing import read_xlsx

    rows = read_xlsx(client.get(reverse("equity:report_export"), {"q": "七宝"}))
    assert rows[0][0] == "学校" and len(rows) == 2 and rows[1][4] == 777.25
