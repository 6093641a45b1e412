"""`edubureau export students|staff|classes` writes the import template's format, unmasked: importing it
changes nothing."""

import datetime
import io

import pytest
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from edubureau.core.models import AccessRecord
from edubureau.core.tests.importtools import (
    STAFF_HEADERS,
    STUDENT_HEADERS,
    counts,
    run_import,
    staff_row,
    student_row,
    table,
    write_xlsx,
)
from edubureau.org.models import Campus
from edubureau.people.models import SchoolClass, Staff, Student

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_var_dir")]


def export(kind, path, *args):
    call_command("export", kind, "--out", str(path), *args, stdout=io.StringIO())
    return CalamineWorkbook.from_path(str(path))


def assert_round_trip(kind, path):
    before = counts()
    ok, output = run_import(kind, path)
    assert ok, output
    assert "新增 0，更新 0" in output and "错误 0" in output
    assert counts() == before


def test_it_round_trips_students(classes, tmp_path):
    rows = [student_row(name="王小明"), student_row(class_no=2, male=False, 随迁子女="是", 户籍类型="外省市"),
            student_row("2131000002", 监护人姓名="", 监护人关系="", 监护人电话="")]  # fmt: skip
    assert run_import("students", write_xlsx(tmp_path / "in.xlsx", table(rows)))[0]
    book = export("students", tmp_path / "out.xlsx")
    assert book.sheet_names == ["学生", "可选值", "填写说明"]
    data = book.get_sheet_by_index(0).to_python()
    assert data[0] == STUDENT_HEADERS and len(data) == 4
    ming = next(r for r in data if r[3] == "王小明")
    assert ming[6] == rows[0]["证件号码"]  # unmasked, as text
    assert_round_trip("students", tmp_path / "out.xlsx")


def test_it_exports_one_school_and_logs_the_export(classes, tmp_path):
    rows = [student_row("2131000001"), student_row("2131000002")]
    run_import("students", write_xlsx(tmp_path / "in.xlsx", table(rows)))
    data = (
        export("students", tmp_path / "out.xlsx", "--school", "2131000002").get_sheet_by_index(0).to_python()
    )
    assert [r[0] for r in data[1:]] == ["2131000002"]
    record = AccessRecord.objects.get()
    assert (record.kind, record.rows, record.unmasked, record.user_name) == ("export", 1, True, "控制台")


def test_it_round_trips_staff(school_a, school_b, tmp_path):
    rows = [
        staff_row(),
        staff_row("2131000002", name="王老师", male=True, 荣誉称号="", 入职日期="", 联系电话=""),
    ]
    ok, output = run_import("staff", write_xlsx(tmp_path / "in.xlsx", table(rows, STAFF_HEADERS), "教职工"))
    assert ok, output
    assert Staff.objects.get(name="李老师").honours == "区级骨干"
    data = export("staff", tmp_path / "out.xlsx").get_sheet_by_index(0).to_python()
    assert data[0] == STAFF_HEADERS
    assert_round_trip("staff", tmp_path / "out.xlsx")


def test_it_round_trips_classes(classes, school_a, tmp_path):
    Campus.objects.create(school=school_a, name="东校区")
    teacher = Staff.objects.create(name="赵老师", gender="女", birth_date=datetime.date(1980, 1, 1), school=school_a,
                                   id_number=staff_row()["证件号码"])  # fmt: skip
    data = [["*学校标识码", "*年级", "*班号", "校区", "班主任证件号码", "教室容量"],
            ["2131000001", "3", "1", "东校区", teacher.id_number, "45"], ["2131000001", "1", "1", "", "", ""]]  # fmt: skip
    ok, output = run_import("classes", write_xlsx(tmp_path / "in.xlsx", data, "班级"))
    assert ok and "新增 1，更新 0，未变 1" in output, output
    created = SchoolClass.objects.get(grade=3)
    assert (created.campus.name, created.head_teacher, created.capacity) == ("东校区", teacher, 45)
    export("classes", tmp_path / "out.xlsx")
    assert_round_trip("classes", tmp_path / "out.xlsx")


def test_it_writes_blank_templates_with_instructions_and_allowed_values(tmp_path):
    call_command("template", "students", "--out", str(tmp_path / "t.xlsx"), stdout=io.StringIO())
    book = CalamineWorkbook.from_path(str(tmp_path / "t.xlsx"))
    assert book.get_sheet_by_name("学生").to_python() == [STUDENT_HEADERS]
    allowed = book.get_sheet_by_name("可选值").to_python()
    assert {"年级", "性别", "证件类型", "民族", "学籍状态"} <= set(allowed[0])
    assert "托班" in [row[allowed[0].index("年级")] for row in allowed]
    notes = "\n".join(r[0] for r in book.get_sheet_by_name("填写说明").to_python())
    assert "*证件号码" not in notes and "证件号码：选填" in notes and "不要合并单元格" in notes
    assert Student.objects.count() == 0
