"""The 办学资源 template import: all or nothing, every bad cell named (row, column, value), duplicate
schools refused, schools outside compulsory education refused, submitted reports left alone."""

import pytest
import xlsxwriter
from django.urls import reverse

from edubureau.core import import_views, importing
from edubureau.core.models import ImportJob
from edubureau.core.scope import Scope
from edubureau.equity.importers import ResourceImporter
from edubureau.equity.models import ReportStatus, ResourceReport

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_private_var")]

HEADERS = ["*学校标识码", "*教学及辅助用房面积（m²）", "*体育运动场馆面积（m²）", "*教学仪器设备值（元）", "*网络多媒体教室数（间）",
           "县级以上骨干教师数（校正）", "校正说明"]  # fmt: skip


def write(path, rows):
    with xlsxwriter.Workbook(str(path)) as wb:
        ws = wb.add_worksheet("办学资源")
        for r, row in enumerate([HEADERS, *rows]):
            for c, value in enumerate(row):
                ws.write(r, c, value) if not isinstance(value, str) else ws.write_string(r, c, value)
    return path


def run(tmp_path, rows, dry_run=False, scope=None):
    path = write(tmp_path / "资源.xlsx", rows)
    importer = ResourceImporter(scope or importing.operator_scope(), {"school_year": 2025})
    with open(path, "rb") as f:
        return importing.run(importer, f, "资源.xlsx", dry_run=dry_run)


def test_it_imports_drafts_and_is_idempotent(tmp_path, school_a, school_b, school_year):
    rows = [
        [school_a.code, 5200.5, 8000, 2500000, 30, "", ""],
        [school_b.code, "4100", "7000", "1,900,000", 22, 3, "新调入骨干"],
    ]
    result = run(tmp_path, rows)
    assert (result.created, result.error_rows) == (2, 0)
    b = ResourceReport.objects.get(school=school_b)
    assert (b.status, b.equipment_value, b.backbone_teachers, b.multimedia_classrooms) == (
        ReportStatus.DRAFT,
        1900000,
        3,
        22,
    )
    again = run(tmp_path, rows)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_it_names_every_bad_cell_and_writes_nothing(tmp_path, school_a, school_b, senior_school, school_year):
    rows = [
        [school_a.code, -5, 8000, "十万元", 30, "", ""],
        [school_b.code, 4000, 7000, 100, 3.5, 2, ""],
        [senior_school.code, 4000, 7000, 100, 3, "", ""],
        ["2131009999", 1, 1, 1, 1, "", ""],
    ]
    result = run(tmp_path, rows)
    messages = [str(e) for e in result.errors]
    assert not result.written and not ResourceReport.objects.exists()
    assert "第 2 行，教学及辅助用房面积（m²）：不能为负数，请填写 0 或正数" in messages
    assert any(m.startswith("第 2 行，教学仪器设备值（元）：“十万元”不是数字") for m in messages)
    assert any(m.startswith("第 3 行，网络多媒体教室数（间）") for m in messages)
    assert "第 3 行，校正说明：填写了教师数校正，须填写校正说明" in messages
    assert any("第 4 行，学校标识码" in m and "不参加义务教育优质均衡评估" in m for m in messages)
    assert any("第 5 行，学校标识码" in m and "不存在" in m for m in messages)


def test_it_refuses_duplicate_school_rows(tmp_path, school_a, school_year):
    result = run(tmp_path, [[school_a.code, 1, 1, 1, 1, "", ""], [school_a.code, 2, 2, 2, 2, "", ""]])
    assert [str(e) for e in result.errors] == [
        "第 2 行，学校标识码：学校与第 3 行重复",
        "第 3 行，学校标识码：学校与第 2 行重复",
    ]
    assert not ResourceReport.objects.exists()


def test_it_leaves_submitted_reports_alone(tmp_path, school_a, make_report):
    make_report(school_a, status=ReportStatus.SUBMITTED)
    result = run(tmp_path, [[school_a.code, 1, 1, 1, 1, "", ""]])
    assert any("已提交，不能通过导入修改" in str(e) for e in result.errors)
    assert ResourceReport.objects.get().building_area != 1


def test_it_refuses_another_schools_row_for_a_school_user(tmp_path, school_a, school_b, school_year):
    scope = Scope(school_ids=frozenset([school_a.pk]), grants=(("equity", frozenset({"import"})),))
    result = run(tmp_path, [[school_b.code, 1, 1, 1, 1, "", ""]], scope=scope)
    assert any("无权导入其他学校" in str(e) for e in result.errors) and not ResourceReport.objects.exists()


def test_it_runs_through_the_import_pages(
    monkeypatch, login, school_a, school_a_admin, school_year, tmp_path
):
    monkeypatch.setattr(import_views, "RUN_IN_THREAD", False)
    client = login(school_a_admin)
    assert client.get(reverse("core:import_new_resources"), {"template": 1}).status_code == 200
    path = write(tmp_path / "资源.xlsx", [[school_a.code, 5200, 8000, 2500000, 30, "", ""]])
    with open(path, "rb") as f:
        client.post(reverse("core:import_new_resources"), {"file": f, "school_year": 2025, "mode": "import"})
    job = ImportJob.objects.latest("pk")
    assert job.status == "done" and job.created_count == 1
    assert ResourceReport.objects.get().school == school_a
    assert "资源" in client.get(reverse("core:import_list")).content.decode()
