"""Document pages: downloads of the generated documents, the summary preview, and the web import."""

import datetime
import io
import re

import docx
from django.urls import reverse
from python_calamine import CalamineWorkbook

from edubureau.workplan import services
from edubureau.workplan.models import Plan, Target, Task

from .samples import sample


def test_the_bureau_downloads_the_generated_documents(login, admin_user, tasks):
    client = login(admin_user)
    plan = tasks[0].plan
    for name, kind in (
        ("workplan:plan_summary_docx", "wordprocessingml"),
        ("workplan:plan_points_docx", "wordprocessingml"),
        ("workplan:plan_progress_docx", "wordprocessingml"),
        ("workplan:plan_ledger_xlsx", "spreadsheetml"),
    ):
        response = client.get(reverse(name, args=[plan.pk]))
        assert response.status_code == 200, name
        assert kind in response["Content-Type"]
        assert "filename*=UTF-8''2026" in response["Content-Disposition"]
    points = docx.Document(
        io.BytesIO(client.get(reverse("workplan:plan_points_docx", args=[plan.pk])).content)
    )
    assert any("推进课程教学改革" in p.text for p in points.paragraphs)
    ledger = CalamineWorkbook.from_filelike(
        io.BytesIO(client.get(reverse("workplan:plan_ledger_xlsx", args=[plan.pk])).content)
    )
    cells = [
        str(c)
        for name in ledger.sheet_names
        for row in ledger.get_sheet_by_name(name).to_python()
        for c in row
    ]
    assert "新建中小学校舍" in cells


def test_schools_cannot_download_the_whole_plan(login, school_a_admin, tasks):
    client = login(school_a_admin)
    plan = tasks[0].plan
    for name in ("workplan:plan_summary_docx", "workplan:plan_ledger_xlsx", "workplan:plan_summary_preview"):
        assert client.get(reverse(name, args=[plan.pk])).status_code == 403


def test_the_preview_shows_delay_reasons_under_problems(login, admin_user, tasks):
    services.report_progress(
        tasks[2], datetime.date(2026, 5, 1), "两所学校加固工程推迟。", delay_reasons=["审批滞后"],
        delay_text="施工许可审批尚未完成",
    )  # fmt: skip
    page = (
        login(admin_user)
        .get(reverse("workplan:plan_summary_preview", args=[tasks[0].plan_id]))
        .content.decode()
    )
    problems = page[page.index('data-section="问题挑战"') :]
    assert "施工许可审批尚未完成" in problems


def test_a_sample_plan_imports_through_the_web(login, admin_user, db):
    client = login(admin_user)
    url = reverse("workplan:plan_import")
    assert client.get(url).status_code == 200
    with open(sample("workplan-points-2019.txt"), "rb") as f:
        response = client.post(url, {"file": f, "year": "2019"})
    page = response.content.decode()
    assert response.status_code == 200 and "加快推进教育现代化" in page and 'name="target"' in page
    assert not Plan.objects.exists()  # nothing saved before the user confirms
    keys = re.findall(r'name="target" value="([^"]+)"', page)
    response = client.post(
        url, {"confirm": "1", "year": "2019", "title": "2019年工作要点", "target": keys[:3]}
    )
    plan = Plan.objects.get(year=2019)
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    assert plan.status == Plan.Status.DRAFT
    assert plan.tasks.filter(parent__isnull=True).count() == 19
    assert Target.objects.filter(task__plan=plan).count() == 3


def test_a_bad_upload_is_refused_with_a_message(login, admin_user, db):
    client = login(admin_user)
    url = reverse("workplan:plan_import")
    fake = io.BytesIO(b"\x00\x01\x02binary" * 50)
    fake.name = "plan.docx"
    response = client.post(url, {"file": fake, "year": "2026"})
    assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
    assert not Plan.objects.exists() and not Task.objects.exists()


def test_departments_cannot_import(login, planner, db):
    assert login(planner).get(reverse("workplan:plan_import")).status_code == 403
