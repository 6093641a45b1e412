"""The monitoring pages on the small demo district: the CV table with its traffic lights, the
school × indicator table, class sizes, coverage, the school page, the evaluation table (.xlsx, .docx)
and what-if; school users see their own school only."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document

from edubureau.accounts.models import User
from edubureau.core.testing import downloaded_workbook
from edubureau.demo import services as demo_services
from edubureau.equity import services
from edubureau.equity.models import EquitySettings, IndicatorOverride, ReportStatus, ResourceReport
from edubureau.org.models import School
from edubureau.people.models import SchoolClass, Student

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db, monkeypatch):
    # The registry and this module's demo only: the other modules' demos are tested by their own suites.
    monkeypatch.setattr(demo_services, "EXTENSIONS", ["edubureau.equity.demo"])
    call_command("demo", scale="small", seed=1, verbosity=0)
    # The small district's junior school has 48 students; it is no 教学点, so it is evaluated.
    EquitySettings.objects.create(small_site_students=10)


def test_the_demo_has_confirmed_reports_and_a_junior_cv_above_the_threshold(demo):
    reports = ResourceReport.objects.all()
    compulsory = School.objects.filter(
        stage__in=["小学", "初中", "九年一贯制", "完全中学", "十二年一贯制"], status="办学中"
    )
    assert reports.count() == compulsory.count() > 0
    assert set(reports.values_list("status", flat=True)) == {ReportStatus.CONFIRMED}
    result = services.evaluate_year(None)
    junior = result.cvs["初中"].indicators["i5"]
    assert junior.cv > 0.45 and junior.passed is False
    assert any(p.assessment.passed is False for p in result.parts)


def test_it_shows_the_cv_table_heat_table_sizes_and_coverage(demo, client):
    client.force_login(User.objects.get(username="admin"))
    page = client.get(reverse("equity:dashboard")).content.decode()
    assert "差异系数" in page or "Coefficients of variation" in page
    assert 'class="status-dot status-red"' in page and 'class="status-dot status-green"' in page
    for school in ResourceReport.objects.select_related("school"):
        assert (school.school.short_name or school.school.name) in page
    assert 'data-chart="public-gauge"' in page and 'data-chart="size-chart"' in page
    assert 'id="cv-chart-junior"' in page  # the chart options, as json_script


def test_it_drills_down_to_a_school_with_its_override(demo, client):
    client.force_login(User.objects.get(username="admin"))
    override = IndicatorOverride.objects.get()
    page = client.get(reverse("equity:school", args=[override.school_id])).content.decode()
    assert override.reason in page and "I7" in page
    assert page.count('<tr class="bg-') >= 7


def test_it_lists_large_classes_with_links_to_the_class(login, admin_user, school_a, school_year):
    # the small demo has no class above 55 students in the register, so the test makes its own
    sizes = {1: 44, 2: 47, 3: 58, 4: 67}
    classes = {
        g: SchoolClass.objects.create(school=school_a, school_year=school_year, grade=g, class_no=1)
        for g in sizes
    }
    Student.objects.bulk_create(
        Student(name=f"学生{g}-{i}", gender="男", birth_date=datetime.date(2017, 1, 1), school=school_a, school_class=classes[g])
        for g, n in sizes.items() for i in range(n)
    )  # fmt: skip
    page = login(admin_user).get(reverse("equity:class_sizes")).content.decode()
    assert 'id="n-over">3<' in page and 'id="n-large">1<' in page and 'id="n-huge">1<' in page
    assert reverse("people:class_detail", args=[classes[4].pk]) in page and "超大班额" in page
    assert reverse("people:class_detail", args=[classes[1].pk]) not in page


def test_it_exports_the_evaluation_table(demo, client):
    client.force_login(User.objects.get(username="admin"))
    result = services.evaluate_year(None)
    cv = round(result.cvs["初中"].indicators["i5"].cv, 4)
    book = downloaded_workbook(client.get(reverse("equity:evaluation_xlsx")))
    schools = book.get_sheet_by_name("学校资源配置评估表").to_python()
    cvs = book.get_sheet_by_name("差异系数").to_python()
    assert schools[0][2] == "学校名称" and len(schools) == len(result.parts) + 1
    assert any(row[4] == cv and row[6] == "未达标" for row in cvs)
    response = client.get(reverse("equity:evaluation_docx"))
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    text = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert f"{cv:g}" in text and "未达标" in text
    section = document.sections[0]  # the 公文 layout, on landscape A4 for its 14 columns
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)


def test_school_users_see_their_own_school_only(demo, client):
    user = User.objects.get(username="xiaoxue_admin")
    client.force_login(user)
    page = client.get(reverse("equity:dashboard")).content.decode()
    assert user.org.short_name in page
    other = ResourceReport.objects.exclude(school=user.org).select_related("school").first().school
    assert other.short_name not in page
    assert client.get(reverse("equity:school", args=[other.pk])).status_code == 404
    assert client.get(reverse("equity:evaluation_xlsx")).status_code == 403
    assert client.get(reverse("equity:whatif")).status_code == 403


def test_what_if_shows_the_cv_change(demo, client):
    client.force_login(User.objects.get(username="admin"))
    juniors = [p for p in services.evaluate_year(None).parts if p.assessment.stage == "初中"]
    small, big = sorted(juniors, key=lambda p: p.assessment.values["i5"])[:2]
    data = {
        "change": "add",
        "target": small.code,
        "resource": "sports_area",
        "amount": "20000",
        "stage": "初中",
    }
    page = client.post(reverse("equity:whatif"), data).content.decode()
    assert "cv-after" in page and small.name in page
    refused = client.post(reverse("equity:whatif"), {**data, "change": "move", "kind": "backbone", "count": "500",
                                                     "source": small.code}).content.decode()  # fmt: skip
    assert "alert-danger" in refused


def test_the_optimiser_shows_a_plan_and_its_effect(demo, client):
    client.force_login(User.objects.get(username="admin"))
    data = {"stage": "初中", "backbone_share": "0.5", "max_out": 3, "max_in": 3}
    page = client.post(reverse("equity:optimiser"), data).content.decode()
    assert 'id="optimiser-plan"' in page and "whatif-cv" in page
    bad = client.post(reverse("equity:optimiser"), {**data, "backbone_share": "2"}).content.decode()
    assert "alert-danger" in bad and 'id="optimiser-plan"' not in bad
