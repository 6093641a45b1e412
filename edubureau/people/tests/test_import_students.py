"""`edubureau import students`: what a good file writes, and what importing it again does."""

import datetime

import pytest

from edubureau.core.models import ChangeRecord
from edubureau.core.tests.importtools import (
    counts,
    last_job,
    run_import,
    student_row,
    table,
    write_csv,
    write_xlsx,
)
from edubureau.people.models import Enrollment, Guardian, SchoolClass, Student, StudentStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_var_dir")]


def test_it_imports_students_with_their_class_guardian_and_enrollment(classes, tmp_path, school_year):
    rows = [student_row(class_no=1, name="王小明"), student_row(class_no=2, name="李小红", male=False)]
    ok, output = run_import("students", write_xlsx(tmp_path / "s.xlsx", table(rows)))
    assert ok, output
    assert "导入完成：新增 2，更新 0，未变 0，错误 0" in output
    ming = Student.objects.get(name="王小明")
    assert (ming.school.code, ming.school_class, ming.id_number) == (
        "2131000001",
        classes[0],
        rows[0]["证件号码"],
    )
    assert ming.birth_date == datetime.date(2018, 3, 5) and ming.student_no == "G" + ming.id_number
    assert ming.status == StudentStatus.STUDYING and ming.is_migrant is False and ming.hukou_type == "本区"
    assert list(ming.guardians.values_list("name", "relation", "phone")) == [
        ("张大山", "父亲", "13812345678")
    ]
    assert list(Enrollment.objects.filter(student=ming).values_list("school_year", "school_class")) == [
        (school_year.pk, classes[0].pk)
    ]
    assert Student.objects.get(name="李小红").school_class == classes[1]


def test_it_logs_one_change_record_per_student_as_the_console(classes, tmp_path):
    run_import(
        "students", write_xlsx(tmp_path / "s.xlsx", table([student_row(name="王小明"), student_row()]))
    )
    records = ChangeRecord.objects.filter(content_type__model="student")
    assert records.count() == 2
    assert {r.source for r in records} == {"cli"} and {r.user_name for r in records} == {"控制台"}
    assert len({r.request_id for r in records}) == 1  # one import, one request id
    record = records.get(object_repr="王小明")
    student = Student.objects.get(name="王小明")
    assert record.action == "create" and record.object_id == str(student.pk)
    assert record.after["id_number"] == student.id_number and record.after["birth_date"] == "2018-03-05"
    assert record.after["guardian__phone"] == "13812345678"
    assert record.after["enrollment__school_class_id"] == classes[0].pk


def test_it_changes_nothing_when_the_same_file_is_imported_twice(classes, tmp_path):
    path = write_xlsx(
        tmp_path / "s.xlsx", table([student_row(), student_row(class_no=2), student_row(监护人姓名="")])
    )
    assert run_import("students", path)[0]
    before = counts()
    ok, output = run_import("students", path)
    assert ok, output
    assert "新增 0，更新 0，未变 3，错误 0" in output
    assert counts() == before


def test_it_updates_only_the_rows_and_fields_that_differ(classes, tmp_path):
    rows = [student_row(name="王小明"), student_row(name="李小红")]
    run_import("students", write_xlsx(tmp_path / "s.xlsx", table(rows)))
    rows[1]["现住址"] = "上海市闵行区七宝镇新镇路 1 号"
    rows[1]["监护人电话"] = "13900001111"
    rows[1]["班号"] = 2
    before = counts()
    ok, output = run_import("students", write_xlsx(tmp_path / "s2.xlsx", table(rows)))
    assert ok and "新增 0，更新 1，未变 1，错误 0" in output
    hong = Student.objects.get(name="李小红")
    assert hong.address == "上海市闵行区七宝镇新镇路 1 号" and hong.school_class == classes[1]
    assert list(hong.guardians.values_list("phone", flat=True)) == ["13900001111"]
    assert Enrollment.objects.get(student=hong).school_class == classes[1]
    assert counts() == {**before, "changes": before["changes"] + 1}
    record = ChangeRecord.objects.latest("pk")
    assert record.action == "update" and record.object_id == str(hong.pk)
    assert set(record.after) == {
        "address",
        "guardian__phone",
        "school_class_id",
        "enrollment__school_class_id",
    }
    assert record.before["guardian__phone"] == "13812345678"


def test_it_leaves_existing_guardians_alone_when_the_guardian_columns_are_empty(classes, tmp_path):
    row = student_row()
    run_import("students", write_xlsx(tmp_path / "s.xlsx", table([row])))
    row.update(监护人姓名="", 监护人关系="", 监护人电话="")
    ok, output = run_import("students", write_xlsx(tmp_path / "s2.xlsx", table([row])))
    assert ok and "未变 1" in output
    assert Guardian.objects.count() == 1


def test_it_imports_only_the_valid_rows_when_asked(classes, tmp_path):
    rows = [
        student_row(name="王一"),
        student_row(name="王二", 出生日期="2020-02-30"),
        student_row(name="王三"),
    ]
    ok, output = run_import("students", write_xlsx(tmp_path / "s.xlsx", table(rows)), "--valid-only")
    assert not ok  # errors still make the command fail, after writing the valid rows
    assert "导入完成：新增 2，更新 0，未变 0，错误 1" in output
    assert sorted(Student.objects.values_list("name", flat=True)) == ["王一", "王三"]
    assert last_job().status == "done" and last_job().error_report == ""  # no file unless --errors FILE


def test_it_writes_nothing_on_a_dry_run(classes, tmp_path):
    before = counts()
    ok, output = run_import("students", write_xlsx(tmp_path / "s.xlsx", table([student_row()])), "--dry-run")
    assert ok and "校验完成，未写入：新增 1，更新 0，未变 0，错误 0" in output
    assert counts() == before
    assert last_job().status == "checked"


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_it_reads_csv_files_in_gbk_and_utf8(classes, tmp_path, encoding):
    rows = [student_row(name="欧阳娜娜", 现住址="上海市闵行区莘庄镇"), student_row(name="张三丰")]
    ok, output = run_import("students", write_csv(tmp_path / "s.csv", table(rows), encoding))
    assert ok, output
    assert sorted(Student.objects.values_list("name", "address")) == [
        ("张三丰", "上海市闵行区莘庄镇莘松路 88 弄 5 号"),
        ("欧阳娜娜", "上海市闵行区莘庄镇"),
    ]


def test_it_creates_missing_classes_when_asked(school_a, school_year, tmp_path):
    rows = [
        student_row(grade=3, class_no=4),
        student_row(grade=3, class_no=4),
        student_row(grade="二年级", class_no=1),
    ]
    ok, output = run_import("students", write_xlsx(tmp_path / "s.xlsx", table(rows)), "--create-classes")
    assert ok, output
    assert "将新建 2 个班级" in output
    assert sorted(SchoolClass.objects.values_list("grade", "class_no")) == [(2, 1), (3, 4)]
    assert set(Student.objects.values_list("school_class__grade", flat=True)) == {2, 3}
    assert ChangeRecord.objects.filter(content_type__model="schoolclass", action="create").count() == 2


def test_it_reads_kindergarten_grades_by_name(district, school_year, tmp_path):
    from edubureau.org.models import School, Stage

    kg = School.objects.create(
        district=district, code="1131000001", name="闵行区实验幼儿园", stage=Stage.KINDERGARTEN
    )
    SchoolClass.objects.create(school=kg, school_year=school_year, grade=-2, class_no=1)
    row = student_row("1131000001", grade="小班", birth=datetime.date(2022, 5, 1))
    ok, output = run_import("students", write_xlsx(tmp_path / "s.xlsx", table([row])))
    assert ok, output
    assert Student.objects.get().school_class.grade == -2


def test_it_registers_a_graduated_student_at_a_new_school_but_not_an_active_one(classes, tmp_path):
    row = student_row("2131000001")
    run_import("students", write_xlsx(tmp_path / "a.xlsx", table([row])))
    moved = dict(row, 学校标识码="2131000002", 学籍状态="")
    output = run_import("students", write_xlsx(tmp_path / "b.xlsx", table([moved])))[1]
    assert "该学生已在闵行区实验小学在册（状态：在读），调动请在学生页面办理" in output
    Student.objects.update(status=StudentStatus.GRADUATED)
    ok, output = run_import("students", write_xlsx(tmp_path / "b.xlsx", table([moved])))
    assert ok and "更新 1" in output
    student = Student.objects.get()
    assert (student.school.code, student.status, student.school_class) == (
        "2131000002",
        StudentStatus.STUDYING,
        classes[2],
    )


def test_it_matches_by_student_number_when_the_id_number_is_empty(classes, tmp_path):
    row = student_row(name="王小明")
    run_import("students", write_xlsx(tmp_path / "a.xlsx", table([row])))
    ok, output = run_import(
        "students", write_xlsx(tmp_path / "b.xlsx", table([dict(row, 证件号码="", 姓名="王晓明")]))
    )
    assert ok and "更新 1" in output
    assert Student.objects.get().name == "王晓明" and Student.objects.get().id_number == row["证件号码"]


def test_it_needs_a_reason_and_a_student_number_for_students_without_papers(classes, tmp_path):
    row = student_row(证件类型="无证件", 证件号码="", 学籍号="")
    output = run_import("students", write_xlsx(tmp_path / "s.xlsx", table([row])))[1]
    assert "第 2 行，无证件原因：证件类型为“无证件”时须填写无证件原因" in output
    assert "第 2 行，学籍号：证件类型为“无证件”时须填写学籍号（J 或 L 开头）" in output
    row.update(无证件原因="户籍待落实", 学籍号="L3101122018030512345"[:19])
    ok, output = run_import("students", write_xlsx(tmp_path / "s.xlsx", table([row])))
    assert ok, output
    assert Student.objects.get().no_id_reason == "户籍待落实"


def test_it_allows_several_rows_without_a_student_number(classes, tmp_path):
    ok, output = run_import(
        "students", write_xlsx(tmp_path / "s.xlsx", table([student_row(学籍号=""), student_row(学籍号="")]))
    )
    assert ok, output
    assert list(Student.objects.values_list("student_no", flat=True)) == ["", ""]


def test_it_finds_schools_by_name_when_the_code_is_not_given(classes, tmp_path):
    rows = [student_row("闵行区实验小学"), student_row("七宝小学"), student_row("不存在小学")]
    output = run_import("students", write_xlsx(tmp_path / "s.xlsx", table(rows)))[1]
    assert "第 4 行，学校标识码：学校“不存在小学”不存在，请核对，或先导入学校" in output
    ok, output = run_import("students", write_xlsx(tmp_path / "s.xlsx", table(rows[:2])))
    assert ok, output
    assert sorted(Student.objects.values_list("school__code", flat=True)) == ["2131000001", "2131000002"]


def test_it_only_records_the_enrollment_when_importing_another_school_year(classes, school_a, tmp_path):
    from edubureau.people.models import SchoolYear

    last_year = SchoolYear.objects.create(
        start_year=2024, start_date=datetime.date(2024, 9, 1), end_date=datetime.date(2025, 8, 31)
    )
    old_class = SchoolClass.objects.create(school=school_a, school_year=last_year, grade=1, class_no=1)
    ok, output = run_import(
        "students", write_xlsx(tmp_path / "s.xlsx", table([student_row()])), "--school-year", "2024"
    )
    assert ok, output
    student = Student.objects.get()
    assert student.school_class is None  # the class now is not known from last year's list
    assert list(Enrollment.objects.values_list("school_year__start_year", "school_class")) == [
        (2024, old_class.pk)
    ]
