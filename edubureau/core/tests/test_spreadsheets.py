"""edubureau.core.spreadsheets: reading uploads safely, writing .xlsx. Inputs are generated here."""

import datetime as dt
import io
import random
import struct
import zipfile
from decimal import Decimal

import openpyxl
import pytest
import python_calamine
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edubureau.core import spreadsheets
from edubureau.core.spreadsheets import (
    SheetError,
    column_letter,
    read_table,
    write_error_workbook,
    write_rows_xlsx,
)

HEADERS = ["姓名", "身份证号", "出生日期", "年级", "成绩", "住校", "备注"]


def make_xlsx(path, rows, *, sheet="学生"):
    """With openpyxl, which gives dates a date format."""
    wb = openpyxl.Workbook()
    wb.active.title = sheet
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def replace_in_sheet(path, old: bytes, new: bytes):
    """Edit the first worksheet's XML, e.g. to store a number with more digits than Excel keeps."""
    with zipfile.ZipFile(path) as zf:
        members = {info: zf.read(info) for info in zf.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in members.items():
            zf.writestr(info, data.replace(old, new) if info.filename == "xl/worksheets/sheet1.xml" else data)
    return path


def test_it_reads_an_xlsx_as_text_keeping_id_numbers_and_real_row_numbers(tmp_path):
    path = make_xlsx(tmp_path / "学生.xlsx", [
        HEADERS,
        ["  张三 ", 4242, dt.date(2010, 1, 2), 3.0, 92.5, True, None],
        [None] * 7,  # an empty row in the middle: dropped, numbering kept
        ["李四", "11010519491231002X", dt.datetime(2011, 12, 31, 8, 30), 4, 0.1, False, "转入"],
        [None] * 7,
        [None] * 7,
    ])
    # Excel itself keeps 15 significant digits; a file holding all 17 must give all 17 back.
    replace_in_sheet(path, b">4242<", b">11010519491231002<")
    table = read_table(path, "学生.xlsx")
    assert table.sheet_name == "学生"
    assert table.headers == HEADERS
    assert table.rows == [
        ["张三", "11010519491231002", "2010-01-02", "3", "92.5", "是", ""],
        ["李四", "11010519491231002X", "2011-12-31", "4", "0.1", "否", "转入"],
    ]
    assert table.row_numbers == [2, 4]
    assert table.first_data_row == 2


def test_it_reads_the_same_from_bytes_and_file_objects_and_trusts_content_over_extension(tmp_path):
    path = make_xlsx(tmp_path / "a.xlsx", [["姓名", "学号"], ["张三", "001"]])
    data = path.read_bytes()
    expected = read_table(path, "a.xlsx")
    assert read_table(data, "a.xlsx") == expected
    assert read_table(io.BytesIO(data), "a.xlsx") == expected
    assert read_table(data, "名单.csv").rows == [["张三", "001"]]  # really an .xlsx


def test_it_keeps_column_letters_and_row_numbers_when_the_table_starts_at_c3(tmp_path):
    rows = [[None] * 4, [None] * 4, [None, None, "姓名", "学号"], [None, None, "张三", 7]]
    table = read_table(make_xlsx(tmp_path / "a.xlsx", rows), "a.xlsx")
    assert table.headers == ["", "", "姓名", "学号"]
    assert table.rows == [["", "", "张三", "7"]]
    assert (table.first_data_row, table.row_numbers) == (4, [4])


def test_it_refuses_merged_cells_naming_the_first_cell(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "学生"
    for row in (["姓名", "学号", "班级", "备注"], ["张三", "1", "一班", ""], ["李四", "2", "二班", "x"]):
        ws.append(row)
    ws.merge_cells("C3:D3")
    wb.save(tmp_path / "m.xlsx")
    with pytest.raises(SheetError, match="第 3 行 C 列是合并单元格"):
        read_table(tmp_path / "m.xlsx", "m.xlsx")


def test_it_allows_a_merged_title_above_the_hinted_header(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2024 年学生名单"])
    ws.merge_cells("A1:C1")
    ws.append(["姓名", "学号", "班级"])
    ws.append(["张三", "1", "一班"])
    wb.save(tmp_path / "t.xlsx")
    table = read_table(tmp_path / "t.xlsx", "t.xlsx", header_row_hint=("姓名",))
    assert table.headers == ["姓名", "学号", "班级"]
    assert (table.first_data_row, table.row_numbers) == (3, [3])


def test_it_refuses_a_formula_cell_naming_it(tmp_path):
    path = tmp_path / "f.xlsx"
    with xlsxwriter.Workbook(str(path)) as wb:
        ws = wb.add_worksheet()
        ws.write_row(0, 0, ["姓名", "语文", "数学", "总分"])
        for r in range(1, 4):
            ws.write_row(r, 0, [f"学生{r}", 80, 90, 170])
        ws.write_formula("D5", "=B5+C5", None, 170)
    with pytest.raises(SheetError, match="第 5 行 D 列含公式，请复制后“选择性粘贴为数值”"):
        read_table(path, "f.xlsx")


def test_it_refuses_a_formula_without_a_cached_value(tmp_path):
    wb = openpyxl.Workbook()  # openpyxl writes no cached value: calamine alone would read ""
    wb.active.append(["姓名", "年龄"])
    wb.active.append(["张三", "=1+2"])
    wb.save(tmp_path / "f.xlsx")
    with pytest.raises(SheetError, match="第 2 行 B 列含公式"):
        read_table(tmp_path / "f.xlsx", "f.xlsx")


def test_it_refuses_an_empty_sheet_and_a_header_only_sheet(tmp_path):
    with pytest.raises(SheetError, match="工作表“学生”为空"):
        read_table(make_xlsx(tmp_path / "e.xlsx", []), "e.xlsx")
    with pytest.raises(SheetError, match="工作表“学生”没有数据行"):
        read_table(make_xlsx(tmp_path / "h.xlsx", [HEADERS, [None] * 7]), "h.xlsx")


def test_it_refuses_a_renamed_text_file_and_a_zip_that_is_no_workbook(tmp_path):
    with pytest.raises(SheetError, match=r"文件不是有效的 Excel 文件（\.xlsx），请用 Excel 另存为 \.xlsx 后重新上传"):
        read_table("姓名,学号\n张三,1\n".encode(), "名单.xlsx")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(SheetError, match="不是有效的 Excel 文件"):
        read_table(buffer.getvalue(), "名单.xlsx")


def add_zeros(path, size):
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf, zf.open("xl/media/zeros.bin", "w") as member:
        for _ in range(size // 2**20):
            member.write(bytes(2**20))
    return path


def test_it_refuses_zip_bombs_before_parsing(tmp_path):
    path = add_zeros(make_xlsx(tmp_path / "b.xlsx", [["姓名"], ["张三"]]), 4 * 2**20)
    assert read_table(path, "b.xlsx").rows == [["张三"]]  # under the default limits
    with pytest.raises(SheetError, match="文件解压后过大，疑似压缩炸弹，已拒绝"):
        read_table(path, "b.xlsx", max_uncompressed=2 * 2**20)
    add_zeros(make_xlsx(tmp_path / "r.xlsx", [["姓名"], ["张三"]]), 11 * 2**20)  # ratio ~1000 over 10 MB
    with pytest.raises(SheetError, match="疑似压缩炸弹"):
        read_table(tmp_path / "r.xlsx", "r.xlsx")


def test_it_refuses_a_stray_far_cell_before_calamine_allocates_the_range(tmp_path):
    # Without the check calamine would try to allocate 1048576 x 16384 cells and abort the process.
    far = tmp_path / "far.xlsx"
    with xlsxwriter.Workbook(str(far)) as wb:
        ws = wb.add_worksheet("学生")
        ws.write_column(0, 0, ["姓名", "张三"])
        ws.write(1048575, 16383, "x")
    with pytest.raises(SheetError, match="用到了第 1048576 行"):
        read_table(far, "far.xlsx")
    with xlsxwriter.Workbook(str(far)) as wb:
        ws = wb.add_worksheet("学生")
        ws.write_column(0, 0, ["姓名", "张三"])
        ws.write(20000, 700, "x")  # column ZY
    with pytest.raises(SheetError, match=r"使用范围过大（20001 行 × 701 列，到 ZY 列）"):
        read_table(far, "far.xlsx")


def test_it_refuses_an_oversize_file_before_reading_it(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" * 1000)
    with pytest.raises(SheetError, match="文件大小 4 KB 超过上限 2 KB"):
        read_table(path, "big.csv", max_bytes=2048)
    with pytest.raises(SheetError, match="文件大小 3 KB 超过上限 1 KB"):
        read_table(b"x" * 3000, "big.csv", max_bytes=1024)
    with pytest.raises(SheetError, match="文件大小超过上限 1 KB"):  # a file object without a size
        read_table(io.BytesIO(b"x" * 3000), "big.csv", max_bytes=1024)
    with pytest.raises(SheetError, match="文件大小 60 MB 超过上限 50 MB"):
        read_table(FakeUpload(60 * 2**20), "big.xlsx")


class FakeUpload(io.BytesIO):
    """Like Django's UploadedFile: has a size, and must not be read when it is too big."""

    def __init__(self, size):
        super().__init__()
        self.size = size

    def read(self, *args):
        raise AssertionError("read despite its size")


CSV_TEXT = "姓名,身份证号,班级\n张三,11010519491231002X,一班\n\n李四, 110105194912310021 ,二班\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "utf-16"])
def test_it_reads_csv_in_utf8_utf8_bom_gbk_and_utf16_alike(encoding):
    table = read_table(CSV_TEXT.encode(encoding), "名单.csv")
    assert table.headers == ["姓名", "身份证号", "班级"]
    assert table.rows == [["张三", "11010519491231002X", "一班"], ["李四", "110105194912310021", "二班"]]
    assert table.row_numbers == [2, 4]
    assert table.sheet_name == "名单.csv"


def test_it_pads_ragged_csv_rows_and_keeps_quoted_newlines():
    table = read_table("姓名,住址,备注,\n张三,\"北京\n东城\"\n李四,上海,转入,\n".encode(), "a.csv")
    assert table.headers == ["姓名", "住址", "备注"]
    assert table.rows == [["张三", "北京\n东城", ""], ["李四", "上海", "转入"]]


def test_it_refuses_binary_bytes_as_csv():
    noise = random.Random(1).randbytes(4096)
    with pytest.raises(SheetError, match="无法识别 CSV 文件编码，请另存为 UTF-8 编码"):
        read_table(noise, "名单.csv")
    with pytest.raises(SheetError, match="无法识别 CSV 文件编码"):
        read_table(b"\x00\x01\x02abc,def\n" * 20, "名单.csv")


def xls_bytes(sheet_name, rows):
    """A minimal .xls: a BIFF8 workbook stream (LABEL and NUMBER cells) in an OLE2 compound file."""
    def rec(kind, payload):
        return struct.pack("<HH", kind, len(payload)) + payload

    def bof(kind):
        return rec(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 6))

    name = sheet_name.encode("utf-16-le")
    head = bof(0x0005) + rec(0x0042, struct.pack("<H", 1200))
    boundsheet = lambda offset: rec(0x0085, struct.pack("<IBBBB", offset, 0, 0, len(sheet_name), 1) + name)  # noqa: E731
    book = head + boundsheet(0) + rec(0x000A, b"")
    book = head + boundsheet(len(book)) + rec(0x000A, b"")
    cells = b"".join(
        rec(0x0204, struct.pack("<HHHHB", r, c, 0, len(v), 1) + v.encode("utf-16-le")) if isinstance(v, str)
        else rec(0x0203, struct.pack("<HHHd", r, c, 0, v))
        for r, row in enumerate(rows) for c, v in enumerate(row))
    dimensions = rec(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, max(map(len, rows)), 0))
    stream = (book + bof(0x0010) + dimensions + cells + rec(0x000A, b"")).ljust(4096, b"\0")  # no mini stream
    stream = stream.ljust(-(-len(stream) // 512) * 512, b"\0")
    sectors = len(stream) // 512
    fat = [0xFFFFFFFD, 0xFFFFFFFE] + [3 + i for i in range(sectors - 1)] + [0xFFFFFFFE]
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + bytes(6) + struct.pack("<9I", 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
              + struct.pack("<I", 0) + b"\xff" * 4 * 108)

    def entry(entry_name, kind, child, start, size):
        encoded = (entry_name + "\0").encode("utf-16-le") if entry_name else b""
        return (encoded.ljust(64, b"\0") + struct.pack("<HBBIII", len(encoded), kind, 1, 0xFFFFFFFF, 0xFFFFFFFF, child)
                + bytes(36) + struct.pack("<IQ", start, size))

    directory = (entry("Root Entry", 5, 1, 0xFFFFFFFE, 0) + entry("Workbook", 2, 0xFFFFFFFF, 2, len(stream))
                 + entry("", 0, 0xFFFFFFFF, 0, 0) * 2)
    fat_sector = struct.pack(f"<{len(fat)}I", *fat) + b"\xff" * 4 * (128 - len(fat))
    return header + fat_sector + directory + stream


def test_it_reads_an_xls(tmp_path):
    data = xls_bytes("学生", [["姓名", "身份证号", "年级"], ["张三", 11010519491231002.0, 3.0], ["李四", "X", 4.5]])
    assert python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names == ["学生"]
    (tmp_path / "old.xls").write_bytes(data)
    table = read_table(tmp_path / "old.xls", "old.xls")
    assert table.sheet_name == "学生"
    assert table.headers == ["姓名", "身份证号", "年级"]
    assert table.rows == [["张三", "11010519491231002", "3"], ["李四", "X", "4.5"]]


def test_it_chooses_the_sheet_by_argument_hint_or_skipping_instructions(tmp_path):
    path = tmp_path / "s.xlsx"
    with xlsxwriter.Workbook(str(path)) as wb:
        wb.add_worksheet("填写说明").write_column(0, 0, ["1. 每行一个学生", "2. 身份证号请填文本"])
        wb.add_worksheet("教师").write_column(0, 0, ["工号", "T1"])
        wb.add_worksheet("学生").write_column(0, 0, ["学号", "S1"])
    assert read_table(path, "s.xlsx").sheet_name == "教师"
    assert read_table(path, "s.xlsx", header_row_hint=("学号", "学籍号")).rows == [["S1"]]
    assert read_table(path, "s.xlsx", sheet="学生").sheet_name == "学生"
    assert read_table(path, "s.xlsx", sheet=0).sheet_name == "填写说明"
    with pytest.raises(SheetError, match="文件中没有名为“家长”的工作表"):
        read_table(path, "s.xlsx", sheet="家长")


def test_it_writes_an_error_workbook_that_reads_back(tmp_path):
    path = tmp_path / "errors.xlsx"
    rows = [["张三", "11010519491231002X"], ["李四", "110105194912310021"], ["=1+1", "001"]]
    errors = {4: ["身份证号校验位错误", "姓名重复"]}
    write_error_workbook(path, ["姓名", "身份证号"], rows, [2, 4, 5], errors)
    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    assert sheet.to_python(skip_empty_area=False) == [
        ["姓名", "身份证号", "错误说明"],
        ["张三", "11010519491231002X", ""],
        ["", "", ""],  # row 3 was empty in the upload: row numbers stay the same
        ["李四", "110105194912310021", "身份证号校验位错误；姓名重复"],
        ["=1+1", "001", ""],  # text, never a formula
    ]
    ws = openpyxl.load_workbook(path).active
    assert ws.freeze_panes == "A2" and ws["A1"].font.b
    assert ws["A4"].fill.fgColor.rgb == ws["C4"].fill.fgColor.rgb == "FFFFC7CE"
    assert ws["A2"].fill.fgColor.rgb != "FFFFC7CE"
    assert read_table(path, "errors.xlsx").row_numbers == [2, 4, 5]


def test_it_writes_typed_sheets_with_notes():
    buffer = io.BytesIO()
    rows = iter([["张三", "001", dt.date(2010, 1, 2), 3, True, None, "北京市" * 30],
                 ["=1+1", "0012", dt.datetime(2011, 5, 6, 7, 8), Decimal("92.5"), False, "x", ""]])
    write_rows_xlsx(buffer, [("学生/名单", ["姓名", "学号", "出生日期", "年级", "住校", "备注", "住址"], rows)],
                    notes=[("填写说明", ["1. 每行一个学生", "2. 学号请填文本"])])
    wb = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    assert wb.sheetnames == ["学生_名单", "填写说明"]
    ws = wb["学生_名单"]
    assert [c.value for c in ws[2]][:2] == ["张三", "001"] and ws["A3"].value == "=1+1"
    assert ws["A3"].data_type == "s"  # text, not a formula
    assert (ws["C2"].value, ws["C2"].number_format) == (dt.datetime(2010, 1, 2), "yyyy-mm-dd")
    assert (ws["D2"].value, ws["D3"].value, ws["E2"].value, ws["F2"].value) == (3, 92.5, "是", None)
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:G3" and ws["A1"].font.b
    assert ws.column_dimensions["G"].width == pytest.approx(40, abs=1)  # capped
    assert ws.column_dimensions["A"].width == pytest.approx(8, abs=1)
    assert [r[0].value for r in wb["填写说明"].iter_rows()] == ["1. 每行一个学生", "2. 学号请填文本"]
    table = read_table(buffer.getvalue(), "out.xlsx")
    assert table.rows[1][:5] == ["=1+1", "0012", "2011-05-06", "92.5", "否"]


def test_it_names_columns_like_excel():
    assert [column_letter(i) for i in (0, 25, 26, 51, 701, 702, 16383)] == ["A", "Z", "AA", "AZ", "ZZ", "AAA", "XFD"]
    assert all(spreadsheets._column_index(column_letter(i).encode()) == i for i in range(0, 20000, 7))


texts = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12).map(str.strip)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(texts, min_size=3, max_size=3), min_size=1, max_size=6))
def test_it_round_trips_any_text_through_write_and_read(tmp_path, rows):
    path = tmp_path / "round.xlsx"
    write_rows_xlsx(path, [("数据", ["甲", "乙", "丙"], rows)])
    kept = [r for r in rows if any(r)]
    if not kept:
        with pytest.raises(SheetError, match="没有数据行"):
            read_table(path, "round.xlsx")
    else:
        assert read_table(path, "round.xlsx").rows == kept
