"""`edubureau import students`: each rule of a student row gets its Chinese message, at its row and
column, and a refused file writes nothing. (The file-level refusals are core's: core/tests/test_import_bad_input.py.)"""

import datetime

import pytest

from edubureau.core import idcodes, importing
from edubureau.core.scope import scope_of
from edubureau.core.tests.importtools import counts, refused, student_row, table, write_xlsx
from edubureau.people.importers import StudentImporter

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_var_dir")]
ID = idcodes.make_resident_id("310112", datetime.date(2018, 3, 5), 1, True)  # 男, born 2018-03-05
WRONG_CHECK = ID[:17] + ("0" if ID[17] != "0" else "1")


@pytest.mark.parametrize(
    "change, message",
    [
        ({"出生日期": "2020-02-30"}, "第 2 行，出生日期：日期 2020-02-30 不存在"),
        ({"证件号码": WRONG_CHECK}, f"第 2 行，证件号码：校验位错误（应为 {ID[17]}）"),
        ({"出生日期": "2018-03-06"}, "第 2 行，出生日期：出生日期与身份证号不一致（证件为 2018-03-05）"),
        ({"性别": "女"}, "第 2 行，性别：性别与身份证号不一致（证件为 男）"),
        ({"学校标识码": "2131009999"}, "第 2 行，学校标识码：学校标识码 2131009999 不存在"),
        ({"班号": 9}, "第 2 行，班号：闵行区实验小学2025-2026学年没有一年级（9）班"),
        ({"年级": 10}, "第 2 行，年级：闵行区实验小学（小学）没有高一"),
        ({"性别": "未知"}, "第 2 行，性别：“未知”不是有效值，应为：男、女"),
        ({"姓名": ""}, "第 2 行，姓名：必填，不能为空"),
        (
            {"学籍号": "G" + idcodes.make_resident_id("310112", datetime.date(2018, 3, 5), 2, True)},
            "第 2 行，学籍号：学籍号 G 后的 18 位应与身份证号一致",
        ),
    ],
)
def test_it_explains_a_bad_row_and_writes_nothing(classes, tmp_path, change, message):
    good = student_row(name="王一")
    bad = student_row(name="王二", id_number=ID)
    bad.update(change)
    output = refused("students", write_xlsx(tmp_path / "s.xlsx", table([bad, good])))
    assert message in output
    assert output.count("第 2 行") == 1  # one mistake, one message
    assert "有错误，未写入任何数据。校验结果：新增 1，更新 0，未变 0，错误 1" in output
    assert "有 1 行错误（见上）" in output


def test_it_reports_duplicates_within_the_file(classes, tmp_path):
    row = student_row()
    output = refused(
        "students", write_xlsx(tmp_path / "s.xlsx", table([row, student_row(), dict(row, 姓名="重复")]))
    )
    assert "第 2 行，证件号码：证件号码与第 4 行重复" in output
    assert "第 4 行，证件号码：证件号码与第 2 行重复" in output


def test_it_refuses_a_school_user_importing_another_schools_rows(classes, school_a_admin, tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", table([student_row("2131000001"), student_row("2131000002")]))
    before = counts()
    importer = StudentImporter(scope_of(school_a_admin))
    result = importing.run(importer, str(path), "s.xlsx", dry_run=False)
    assert [str(e) for e in result.errors] == ["第 3 行，学校标识码：无权导入其他学校（2131000002）的数据"]
    assert not result.written
    assert counts() == before


def test_it_refuses_a_school_year_that_does_not_exist(classes, tmp_path):
    output = refused(
        "students", write_xlsx(tmp_path / "s.xlsx", table([student_row()])), "--school-year", "2019"
    )
    assert "学年 2019（2019-2020学年）不存在" in output


def test_it_refuses_future_birth_dates(classes, tmp_path):
    future = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    output = refused(
        "students",
        write_xlsx(
            tmp_path / "s.xlsx",
            table([student_row(出生日期=future, 证件类型="护照", 证件号码="E12345678", 学籍号="")]),
        ),
    )
    assert f"出生日期 {future} 晚于今天" in output
