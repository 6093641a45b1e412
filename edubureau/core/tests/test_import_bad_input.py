"""Each kind of bad file of issue 2 gets a clear Chinese message and leaves the database unchanged
(the student import as the example; the rules of a row are its importer's tests, as in
people/tests/test_import_student_rows.py)."""

import zipfile

import openpyxl
import pytest

from .importtools import (
    STUDENT_HEADERS,
    counts,
    refused,
    run_import,
    student_row,
    table,
    write_xlsx,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_var_dir")]


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


