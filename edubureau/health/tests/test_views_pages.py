"""The day view (completeness), school and class pages, trends, the daily briefing and its downloads,
follow-up, staff status, lists and settings."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from edubureau.core.models import AccessRecord
from edubureau.core.testing import downloaded_workbook, read_xlsx
from edubureau.health.models import ClusterRule, ReportingSettings, SickCase, StaffHealthReport
from edubureau.health.services import submit_class_report

from .actors import health_officer_fixture  # noqa: F401  (the health_officer fixture)
from .conftest import SCHOOL_DAY, case, make_teacher, report

SHANGHAI = ZoneInfo("Asia/Shanghai")
ON_TIME = datetime.datetime(2025, 11, 17, 8, 50, tzinfo=SHANGHAI)
LATE = datetime.datetime(2025, 11, 17, 11, 0, tzinfo=SHANGHAI)
DAY = {"date": SCHOOL_DAY.isoformat()}
pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(health_class_a, health_class_a2, health_class_b, pupils_a, pupils_b):
    """School A: class (2) on time with two flu cases, class (3) missing; school B late, zero report."""
    flu = [case(p, diagnosis="流行性感冒", symptoms=("发热", "咳嗽")) for p in pupils_a[:2]]
    submit_class_report(report(health_class_a, expected=12, cases=flu), now=ON_TIME)
    submit_class_report(report(health_class_b, expected=4), now=LATE)


def test_the_day_view_shows_on_time_late_and_missing(login, health_officer, reported, health_class_a2):
    response = login(health_officer).get(reverse("health:day"), DAY)
    result = response.context["result"]
    d = result.district
    assert (d.expected, d.reported, d.on_time, d.late, d.missing) == (3, 2, 1, 1, 1)
    statuses = {row.school.code: row.status for row in result.schools}
    assert statuses == {"2131000001": "部分未报", "2131000002": "迟报"}
    assert list(response.context["missing"]) == [health_class_a2]


def test_the_day_view_is_calendar_aware(login, health_officer, reported):
    saturday = SCHOOL_DAY + datetime.timedelta(days=5)
    response = login(health_officer).get(reverse("health:day"), {"date": saturday.isoformat()})
    assert not response.context["result"].school_day and response.context["result"].district.expected == 0


def test_a_school_sees_only_its_own_completeness(login, school_a_clerk, reported):
    result = login(school_a_clerk).get(reverse("health:day"), DAY).context["result"]
    assert [row.school.code for row in result.schools] == ["2131000001"]


def test_it_exports_the_chase_list(login, health_officer, reported):
    book = downloaded_workbook(login(health_officer).get(reverse("health:day_export"), DAY))
    chase = book.get_sheet_by_name("未报班级").to_python()
    assert chase[1][:3] == ["闵行区实验小学", "2131000001", "三年级（3）班"]


def test_the_school_page_shows_the_school_summary(login, school_a_admin, reported, health_class_a2):
    school = health_class_a2.school
    response = login(school_a_admin).get(reverse("health:school", args=[school.pk]), DAY)
    assert response.context["rollup"].sick == 2 and response.context["rollup"].classes_reported == 1
    assert [bool(row["reports"]) for row in response.context["classes"]] == [True, False]
    assert dict(response.context["symptoms"]) == {"发热": 2, "咳嗽": 2}


def test_school_b_gets_404_on_school_as_pages(login, school_b_admin, reported, health_class_a):
    client = login(school_b_admin)
    assert client.get(reverse("health:school", args=[health_class_a.school_id])).status_code == 404
    assert client.get(reverse("health:class", args=[health_class_a.pk])).status_code == 404


def test_the_class_page_lists_recent_days(login, school_a_clerk, reported, health_class_a):
    response = login(school_a_clerk).get(reverse("health:class", args=[health_class_a.pk]), DAY)
    latest = response.context["history"][0]
    assert latest["date"] == SCHOOL_DAY and latest["report"].sick == 2
    assert len(response.context["cases"]) == 2


def test_trends_read_the_rollups_by_stage(login, health_officer, reported):
    params = {"start": "2025-11-10", "end": "2025-11-21"}
    response = login(health_officer).get(reverse("health:trends"), params)
    series = {s["name"]: s["data"] for s in response.context["trend_chart"]["series"]}
    day_index = response.context["trend_chart"]["xAxis"]["data"].index("11-17")
    assert series["小学"][day_index] == pytest.approx(2 / 16 * 100, abs=0.01)
    symptoms = dict(
        zip(
            response.context["symptom_chart"]["yAxis"]["data"],
            response.context["symptom_chart"]["series"][0]["data"],
            strict=True,
        )
    )
    assert symptoms["发热"] == 2
    export = downloaded_workbook(login(health_officer).get(reverse("health:trends_export"), params))
    assert export.get_sheet_by_name("症状构成").to_python()[1] == ["发热", 2]


def test_the_briefing_page_and_its_downloads_agree(login, health_officer, reported):
    client = login(health_officer)
    page = client.get(reverse("health:briefing"), DAY)
    b = page.context["b"]
    assert b.totals["sick"] == 2 and b.area == "全区" and len(b.missing) == 1
    rows = read_xlsx(client.get(reverse("health:briefing_xlsx"), DAY))
    assert ["因病缺课", "2（因病缺课率 12.50%）"] in rows
    docx = client.get(reverse("health:briefing_docx"), DAY)
    document = Document(io.BytesIO(b"".join(docx.streaming_content)))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "全区师生健康日报简报" in text and "2025年11月17日（星期一）" in text
    assert "三年级（3）班" in cells and "发热" in cells
    section = document.sections[0]  # the 公文 layout: A4, 仿宋_GB2312 body
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert document.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert AccessRecord.objects.filter(kind=AccessRecord.Kind.EXPORT, what__contains="简报").count() == 2


def test_a_schools_briefing_covers_only_that_school(login, school_a_admin, reported):
    b = login(school_a_admin).get(reverse("health:briefing"), DAY).context["b"]
    assert b.area == "闵行区实验小学" and [r.school.code for r in b.by_school] == ["2131000001"]


def test_followup_lists_open_cases_and_records_a_return(login, school_a_admin, reported):
    client = login(school_a_admin)
    rows = client.get(reverse("health:followup")).context["rows"]
    assert len(rows) == 2
    sick = SickCase.objects.order_by("pk").first()
    url = reverse("health:case_return", args=[sick.pk])
    client.post(url, {"returned_on": "2025-11-20"})  # influenza: no certificate, refused
    sick.refresh_from_db()
    assert not sick.closed
    client.post(url, {"returned_on": "2025-11-20", "certificate": "on"})
    sick.refresh_from_db()
    assert sick.closed and sick.days_missed == 3 and sick.certificate
    assert len(client.get(reverse("health:followup")).context["rows"]) == 1


def test_case_lists_mask_names_unless_unmasked(
    login, school_a_clerk, school_a_admin, health_officer, reported, pupils_a
):
    clerk_page = login(school_a_clerk).get(reverse("health:case_list")).content.decode()
    assert pupils_a[0].name not in clerk_page
    admin_page = login(school_a_admin).get(reverse("health:case_list"), {"unmask": "1"}).content.decode()
    assert pupils_a[0].name in admin_page
    rows = read_xlsx(login(health_officer).get(reverse("health:case_export")))
    assert rows[0][3:5] == ["学生", "证件号码"] and pupils_a[0].id_number not in {r[4] for r in rows}


def test_report_list_filters_by_late(login, health_officer, reported):
    rows = login(health_officer).get(reverse("health:report_list"), {"late": "true"}).context["rows"]
    assert [obj.school.code for obj, _cells in rows] == ["2131000002"]


def test_it_takes_the_staff_status_of_a_school(login, school_a_admin, school_a, health_class_a):
    teacher = make_teacher(school_a)
    make_teacher(school_a)
    data = {"school": school_a.pk, "date": SCHOOL_DAY.isoformat(), "staff_total": 2, "on_duty": 1, "sick": 1,
            "personal": 0, "rows": 1, "action": "submit", "case-0-person": teacher.pk, "case-0-symptoms": ["发热"],
            "case-0-onset": SCHOOL_DAY.isoformat()}  # fmt: skip
    response = login(school_a_admin).post(reverse("health:staff_report_new"), data)
    stored = StaffHealthReport.objects.get()
    assert response.status_code == 302 and (stored.on_duty, stored.sick) == (1, 1)
    assert stored.cases.get().staff == teacher


def test_the_department_changes_deadlines_and_thresholds(login, health_officer):
    client = login(health_officer)
    page = client.get(reverse("health:settings"))
    rules = page.context["rules"]
    data = {"morning_deadline": "09:00", "noon_deadline": "14:00", "cdc_report_hours": 1, "max_cases_per_report": 120,
            "form-TOTAL_FORMS": len(rules.forms), "form-INITIAL_FORMS": len(rules.forms)}  # fmt: skip
    for i, f in enumerate(rules.forms):
        r = f.instance
        data.update({f"form-{i}-id": r.pk, f"form-{i}-window_days": r.window_days, f"form-{i}-threshold": r.threshold,
                     f"form-{i}-day_threshold": r.day_threshold or "", f"form-{i}-report_within_hours": r.report_within_hours,
                     f"form-{i}-active": "on"})  # fmt: skip
        if r.code == "school-varicella":
            data[f"form-{i}-threshold"] = 3
    assert client.post(reverse("health:settings"), data).status_code == 302
    assert ReportingSettings.get().morning_deadline == datetime.time(9, 0)
    assert ClusterRule.objects.get(code="school-varicella").threshold == 3


def test_a_school_may_not_change_the_settings(login, school_a_admin):
    assert login(school_a_admin).get(reverse("health:settings")).status_code == 403
