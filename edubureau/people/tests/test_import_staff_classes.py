"""`edubureau import staff|classes`: their own rules on top of the shared pipeline."""

import pytest

from edubureau.core.tests.importtools import STAFF_HEADERS, counts, run_import, staff_row, table, write_xlsx
from edubureau.org.models import School
from edubureau.people.models import SchoolClass, Staff, StaffStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_var_dir")]
CLASS_HEADERS = ["*学校标识码", "*年级", "*班号", "校区", "班主任证件号码", "教室容量"]


def test_it_imports_staff_and_normalises_lists(school_a, tmp_path):
    row = staff_row(任教学科="语文，数学; 科学", 荣誉称号="区级骨干,特级教师")
    ok, output = run_import("staff", write_xlsx(tmp_path / "s.xlsx", table([row], STAFF_HEADERS)))
    assert ok, output
    staff = Staff.objects.get()
    assert (staff.subjects, staff.honours, staff.title, staff.school) == (
        "语文、数学、科学",
        "区级骨干、特级教师",
        "一级",
        school_a,
    )


def test_it_refuses_unknown_honours_and_staff_without_id_numbers(school_a, tmp_path):
    rows = [staff_row(荣誉称号="优秀园丁"), staff_row(证件号码="")]
    before = counts()
    output = run_import("staff", write_xlsx(tmp_path / "s.xlsx", table(rows, STAFF_HEADERS)))[1]
    assert "第 2 行，荣誉称号：“优秀园丁”不是有效的荣誉称号" in output
    assert "第 3 行，证件号码：必填，不能为空" in output
    assert counts() == before


def test_it_moves_staff_only_after_they_left_their_school(school_a, school_b, tmp_path):
    row = staff_row()
    run_import("staff", write_xlsx(tmp_path / "a.xlsx", table([row], STAFF_HEADERS)))
    moved = dict(row, 学校标识码="2131000002")
    output = run_import("staff", write_xlsx(tmp_path / "b.xlsx", table([moved], STAFF_HEADERS)))[1]
    assert "该教职工已在闵行区实验小学在册（状态：在职），调动请在教职工页面办理" in output
    Staff.objects.update(status=StaffStatus.LEFT)
    assert run_import("staff", write_xlsx(tmp_path / "b.xlsx", table([moved], STAFF_HEADERS)))[0]
    assert (Staff.objects.get().school, Staff.objects.get().status) == (school_b, StaffStatus.ACTIVE)


def test_it_refuses_a_head_teacher_of_another_school_and_duplicate_classes(classes, school_b, tmp_path):
    run_import(
        "staff",
        write_xlsx(tmp_path / "s.xlsx", table([staff_row("2131000002", name="B校老师")], STAFF_HEADERS)),
    )
    teacher = Staff.objects.get()
    data = [CLASS_HEADERS, ["2131000001", "2", "1", "", teacher.id_number, ""], ["2131000001", "2", "2", "南校区", "", ""],
            ["2131000001", "3", "1", "", "", ""], ["2131000001", "三年级", "1", "", "", "50"]]  # fmt: skip
    before = counts()
    output = run_import("classes", write_xlsx(tmp_path / "c.xlsx", data, "班级"))[1]
    assert (
        f"第 2 行，班主任证件号码：证件号码为 {teacher.id_number} 的教职工不在闵行区实验小学，请先导入教职工"
        in output
    )
    assert "第 3 行，校区：闵行区实验小学没有名为“南校区”的校区" in output
    assert "第 4 行，班号：班级与第 5 行重复" in output
    assert counts() == before


def test_it_updates_a_classs_capacity_by_its_natural_key(classes, tmp_path):
    data = [CLASS_HEADERS, ["2131000001", "1", "2", "", "", "48"]]
    ok, output = run_import("classes", write_xlsx(tmp_path / "c.xlsx", data, "班级"))
    assert ok and "新增 0，更新 1，未变 0" in output
    assert SchoolClass.objects.get(pk=classes[1].pk).capacity == 48


def test_it_finds_duplicate_kindergarten_classes_of_grade_zero(district, school_year, tmp_path):
    School.objects.create(district=district, code="1131000001", name="实验幼儿园", stage="幼儿园")
    data = [CLASS_HEADERS, ["1131000001", "大班", "1", "", "", ""], ["1131000001", "大班", "1", "", "", ""]]
    output = run_import("classes", write_xlsx(tmp_path / "c.xlsx", data, "班级"))[1]
    assert "第 2 行，班号：班级与第 3 行重复" in output
    assert SchoolClass.objects.count() == 0
