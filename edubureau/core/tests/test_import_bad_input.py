"""Each kind of bad input of issue 2 gets a clear Chinese message and leaves the database unchanged."""

import datetime
import zipfile

import openpyxl
import pytest

from edubureau.core import idcodes, importing
from edubureau.core.scope import scope_of
from edubureau.people.importers import StudentImporter

from .importtools import (
    STUDENT_HEADERS,
    counts,
    run_import,
    student_row,
    table,
    write_xlsx,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_var_dir")]
ID = idcodes.make_resident_id("310112", datetime.date(2018, 3, 5), 1, True)  # 男, born 2018-03-05
WRONG_CHECK = ID[:17] + ("0" if ID[17] != "0" else "1")


def refused(kind, path, *args):
    """Run the import; it must fail, write nothing, and say why. Returns what it printed."""
    before = counts()
    ok, output = run_import(kind, path, *args)
    assert not ok
    assert counts() == before
    return output


def test_it_refuses_a_sheet_with_unknown_headers(classes, tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", [["School", "Name", "ID"], ["2131000001", "张三", "1"]])
    assert "无法识别表头" in refused("students", path)


def test_it_names_the_missing_required_columns(classes, tmp_path):
    headers = [h for h in STUDENT_HEADERS if h not in ("*姓名", "*出生日期")] + ["证件号"]
    output = refused("students", write_xlsx(tmp_path / "s.xlsx", table([student_row()], headers)))
    assert "缺少必填列：姓名、出生日期" in output
    assert "无法识别的列：证件号" in output


def test_it_accepts_headers_with_spaces_and_without_the_required_marker(classes, tmp_path):
    headers = [f" {h.lstrip('*')} " for h in STUDENT_HEADERS]
    data = table([student_row()], STUDENT_HEADERS)
    data[0] = headers
    ok, output = run_import("students", write_xlsx(tmp_path / "s.xlsx", data))
    assert ok, output
    assert counts()["students"] == 1


def test_it_refuses_merged_cells(classes, tmp_path):
    wb = openpyxl.Workbook()
    for row in table([student_row(), student_row()]):
        wb.active.append(row)
    wb.active.merge_cells("A2:A3")
    wb.save(tmp_path / "s.xlsx")
    assert "合并单元格" in refused("students", tmp_path / "s.xlsx")


def test_it_refuses_formulas(classes, tmp_path):
    wb = openpyxl.Workbook()
    for row in table([student_row()]):
        wb.active.append(row)
    wb.active["C2"] = "=1+0"
    wb.save(tmp_path / "s.xlsx")
    output = refused("students", tmp_path / "s.xlsx")
    assert "公式" in output and "选择性粘贴为数值" in output


def test_it_refuses_an_empty_sheet(classes, tmp_path):
    wb = openpyxl.Workbook()
    wb.save(tmp_path / "s.xlsx")
    assert "为空" in refused("students", tmp_path / "s.xlsx")


def test_it_refuses_headers_without_rows(classes, tmp_path):
    assert "没有数据行" in refused("students", write_xlsx(tmp_path / "s.xlsx", [STUDENT_HEADERS]))


def test_it_refuses_a_file_that_is_not_a_spreadsheet(classes, tmp_path):
    path = tmp_path / "名单.xlsx"
    path.write_bytes(b"%PDF-1.4 this is a PDF renamed to .xlsx\n" * 20)
    assert "不是有效的 Excel 文件" in refused("students", path)


def test_it_refuses_a_zip_bomb(classes, tmp_path, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 64 * 1024
    path = write_xlsx(tmp_path / "s.xlsx", table([student_row()]))
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/padding.bin", b"\0" * (1024 * 1024))  # 1 MB that compresses to 1 KB
    assert "压缩炸弹" in refused("students", path)


def test_it_refuses_a_file_over_the_size_limit(classes, tmp_path, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 2000
    path = write_xlsx(tmp_path / "s.xlsx", table([student_row() for _ in range(50)]))
    assert "超过上限" in refused("students", path)


def test_it_refuses_a_csv_in_an_unknown_encoding(classes, tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes(bytes(range(256)) * 40)
    assert "无法识别 CSV 文件编码" in refused("students", path)


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
        ({"学籍号": "G" + idcodes.make_resident_id("310112", datetime.date(2018, 3, 5), 2, True)},
         "第 2 行，学籍号：学籍号 G 后的 18 位应与身份证号一致"),
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
    output = refused("students", write_xlsx(tmp_path / "s.xlsx", table([row, student_row(), dict(row, 姓名="重复")])))
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


def test_it_writes_an_error_report_with_the_original_rows_and_an_error_column(classes, tmp_path):
    from python_calamine import CalamineWorkbook

    bad = student_row(出生日期="2020-02-30")
    errors = tmp_path / "errors.xlsx"
    refused("students", write_xlsx(tmp_path / "s.xlsx", table([student_row(), bad])), "--errors", str(errors))
    report = CalamineWorkbook.from_path(str(errors)).get_sheet_by_index(0).to_python()
    assert report[0][-1] == "错误说明"
    assert report[2][3] == bad["姓名"]
    assert "出生日期：日期 2020-02-30 不存在" in report[2][-1]
    assert report[1][-1] == ""


def test_it_refuses_a_school_year_that_does_not_exist(classes, tmp_path):
    output = refused("students", write_xlsx(tmp_path / "s.xlsx", table([student_row()])), "--school-year", "2019")
    assert "学年 2019（2019-2020学年）不存在" in output


def test_it_refuses_future_birth_dates(classes, tmp_path):
    future = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    output = refused("students", write_xlsx(tmp_path / "s.xlsx", table([student_row(出生日期=future, 证件类型="护照", 证件号码="E12345678", 学籍号="")])))
    assert f"出生日期 {future} 晚于今天" in output
