"""Reading uploaded tables (.xlsx/.xls/.csv) safely and fast, and writing .xlsx fast. No Django here.

Each refusal is a ``SheetError`` whose message tells a school clerk what to fix. calamine allocates a
sheet's used range densely (one stray cell in XFD1048576 aborts the process), so it is bounded first."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain
from xml.etree import ElementTree

import python_calamine
import xlsxwriter

MB = 2**20
MAX_ROWS = 500_000  # bounds on a sheet's used range, checked before calamine allocates it
MAX_CELLS = 10_000_000
HEADER_SCAN_ROWS = 10  # a hinted header row is looked for this far from the first non-empty row
NOTE_SHEETS = ("填写说明", "说明", "可选值")
_BAD_EXCEL = "文件不是有效的 Excel 文件（.xlsx），请用 Excel 另存为 .xlsx 后重新上传"
_BOMB = "文件解压后过大，疑似压缩炸弹，已拒绝"
_ENCODING = "无法识别 CSV 文件编码，请另存为 UTF-8 编码"
_ZIP_ERRORS = (KeyError, ValueError, OSError, EOFError, RuntimeError, NotImplementedError,
               zipfile.BadZipFile, zlib.error, ElementTree.ParseError)


class SheetError(ValueError):
    """A problem with the uploaded file, worded for the clerk who uploaded it."""


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]  # as wide as headers; fully empty rows dropped
    sheet_name: str
    first_data_row: int  # spreadsheet row number (1-based) just below the header
    row_numbers: list[int]  # the spreadsheet row number of each row


def column_letter(index0: int) -> str:
    letters, n = "", index0 + 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _column_index(letters: bytes) -> int:
    n = 0
    for byte in letters:
        n = n * 26 + byte - 64
    return n - 1


def _text(v) -> str:
    """A non-str cell value as text (str cells are stripped inline by the callers)."""
    t = type(v)
    if t is float:  # calamine gives all numbers as float; an ID number must come back as its digits
        return str(int(v)) if v.is_integer() else repr(v)
    if t is bool:
        return "是" if v else "否"
    if t is dt.date or t is dt.datetime:
        return v.isoformat()[:10]
    return "" if v is None else str(v).strip()


def _convert(raw: list) -> list[str]:
    return [c.strip() if type(c) is str else _text(c) for c in raw]


def _size(n: int) -> str:
    return f"{n / MB:.1f}".removesuffix(".0") + " MB" if n >= MB else f"{-(-n // 1024)} KB"


def read_table(path_or_bytes, filename: str, *, max_bytes: int = 50 * MB, max_uncompressed: int = 500 * MB,
               sheet: str | int | None = None, header_row_hint: tuple[str, ...] = ()) -> Table:
    """The table in an upload (a path, bytes, or a binary file object whose ``size`` is used if it has one).

    The format comes from the content: .xlsx (refused with merged cells or formulas at or below the
    header), .xls, else CSV (UTF-8 with or without BOM, GBK/GB18030, UTF-16 with BOM; comma or tab).
    ``sheet`` is a name or an index among all sheets; by default the first visible sheet whose header
    holds one of ``header_row_hint``, else the first that is not a note sheet. The header is the first
    non-empty row, or the first row holding a hint within HEADER_SCAN_ROWS below it."""
    src = path_or_bytes
    if isinstance(src, str | os.PathLike):
        size = os.path.getsize(src)
    else:
        size = getattr(src, "size", None) if hasattr(src, "read") else len(src)
    if size is not None and size > max_bytes:
        raise SheetError(f"文件大小 {_size(size)} 超过上限 {_size(max_bytes)}")
    if isinstance(src, str | os.PathLike):
        with open(src, "rb") as fh:
            src = fh.read(max_bytes + 1)
    data = src.read(max_bytes + 1) if hasattr(src, "read") else bytes(src)
    if len(data) > max_bytes:
        raise SheetError(f"文件大小超过上限 {_size(max_bytes)}")
    if not data:
        raise SheetError("文件是空的，请检查后重新上传")
    hints = frozenset(h.strip() for h in header_row_hint)
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return _read_workbook(data, _open_xlsx(data, max_uncompressed), sheet, hints)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # OLE2: .xls
        return _read_workbook(data, None, sheet, hints)
    if os.path.splitext(filename)[1].lower() in (".xlsx", ".xlsm", ".xls"):
        raise SheetError(_BAD_EXCEL)
    return _read_csv(data, os.path.basename(filename), hints)


def _open_xlsx(data: bytes, max_uncompressed: int) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except _ZIP_ERRORS:
        raise SheetError(_BAD_EXCEL) from None
    if "xl/workbook.xml" not in {i.filename for i in infos}:
        raise SheetError(_BAD_EXCEL)
    if (len(infos) > 10_000 or sum(i.file_size for i in infos) > max_uncompressed
            or any(i.file_size > 10 * MB and i.file_size > 200 * i.compress_size for i in infos)):
        raise SheetError(_BOMB)
    return zf


def _sheet_paths(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> worksheet XML member, from xl/workbook.xml and its relationships."""
    try:
        book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except _ZIP_ERRORS:
        raise SheetError(_BAD_EXCEL) from None
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter() if r.tag.endswith("Relationship")}
    paths = {}
    for el in book.iter():
        if el.tag.rpartition("}")[2] == "sheet":
            target = targets.get(next((v for k, v in el.attrib.items() if k.endswith("}id")), None), "")
            paths[el.get("name")] = target[1:] if target[:1] == "/" else posixpath.normpath("xl/" + target)
    return paths


_F_CANDIDATE = re.compile(rb"f[\s/>]")  # a literal first byte keeps this search fast
_PREFIX = re.compile(rb"<\w+:$")
_CELL_REF = re.compile(rb'\sr="([A-Z]{1,3})([0-9]+)"')
_WIDE_REF = re.compile(rb' r="([A-Z]{2,3})[0-9]')  # cells right of column Z
_REF_AT = re.compile(rb' r="[A-Z]{0,3}([0-9]+)"')
_SHEET_DATA_END = re.compile(rb"</(?:\w+:)?sheetData>")


def _scan_sheet(zf: zipfile.ZipFile, path: str | None, name: str) -> list[tuple[int, int]]:
    """Stream a worksheet's XML once before calamine parses it: refuse a used range that is too big,
    and return (row number, column index) of the first formula cells (up to 1000)."""
    formulas: list[tuple[int, int]] = []
    last_row = max_col = 0
    tail, done = b"", False
    if path is None:
        raise SheetError(_BAD_EXCEL)
    try:
        with zf.open(path) as fh:
            while chunk := fh.read(MB):
                if done:
                    continue  # read on to the end all the same: zipfile then checks the CRC
                buf = tail + chunk
                if b"sheetData>" in buf and (m := _SHEET_DATA_END.search(buf)):
                    buf, done = buf[:m.start()], True
                tail = buf[-4096:]
                if len(formulas) < 1000 and b"f" in buf:
                    for m in _F_CANDIDATE.finditer(buf):
                        p = m.start()
                        if buf[p - 1:p] == b"<" or buf[p - 1:p] == b":" and _PREFIX.search(buf, max(0, p - 30), p):
                            if refs := _CELL_REF.findall(buf, max(0, p - 4096), p):  # the cell holding it
                                formulas.append((int(refs[-1][1]), _column_index(refs[-1][0])))
                if m := _REF_AT.match(buf, buf.rfind(b' r="')):  # rows come in order: the last is the highest
                    last_row = max(last_row, int(m[1]))
                for letters in set(_WIDE_REF.findall(buf)):
                    max_col = max(max_col, _column_index(letters))
    except _ZIP_ERRORS:
        raise SheetError(_BAD_EXCEL) from None
    _check_range(name, last_row, max_col + 1)
    return formulas


def _check_range(name: str, rows: int, cols: int) -> None:
    if rows > MAX_ROWS:
        raise SheetError(f"工作表“{name}”用到了第 {rows} 行，超过上限 {MAX_ROWS} 行；"
                         "如果表格下方有多余内容，请删除后重新上传")
    if rows * cols > MAX_CELLS:
        raise SheetError(f"工作表“{name}”的使用范围过大（{rows} 行 × {cols} 列，到 {column_letter(cols - 1)} 列），"
                         "请删除表格下方和右侧多余的内容后重新上传")


def _read_workbook(data: bytes, zf: zipfile.ZipFile | None, sheet, hints) -> Table:
    try:
        wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names, meta = wb.sheet_names, wb.sheets_metadata
    except python_calamine.PasswordError:
        raise SheetError("文件设置了打开密码，请取消密码后重新上传") from None
    except Exception:
        raise SheetError(_BAD_EXCEL) from None
    paths = _sheet_paths(zf) if zf else None
    loaded = {}

    def load(name: str):  # -> (calamine sheet, formula cells)
        if name not in loaded:
            formulas = _scan_sheet(zf, paths.get(name), name) if paths is not None else []
            try:
                sh = wb.get_sheet_by_name(name)
            except (KeyError, python_calamine.CalamineError):
                raise SheetError(_BAD_EXCEL) from None
            if sh.end:
                _check_range(name, sh.end[0] + 1, sh.end[1] + 1)
            loaded[name] = sh, formulas
        return loaded[name]

    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise SheetError(f"文件中没有第 {sheet + 1} 个工作表")
        name = names[sheet]
    elif sheet is not None:
        if sheet not in names:
            raise SheetError(f"文件中没有名为“{sheet}”的工作表")
        name = sheet
    else:
        visible = [m.name for m in meta if m.typ == python_calamine.SheetTypeEnum.WorkSheet
                   and m.visible == python_calamine.SheetVisibleEnum.Visible] or names
        name = next((n for n in visible if n not in NOTE_SHEETS), visible[0])
        if hints:  # the first sheet whose header row has a hint, if any
            name = next((n for n in visible if _find_header(load(n)[0].iter_rows(), hints)[2]), name)
    sh, formulas = load(name)
    if not sh.end:
        raise SheetError(f"工作表“{name}”为空，请填写数据后重新上传")
    rows = sh.iter_rows()  # from row 1, but only from the first used column: pad to column A
    first = next(rows)
    pad = [""] * (sh.end[1] + 1 - len(first))
    rows = chain([first], rows)
    table = _collect((pad + r for r in rows) if pad else rows, name, hints, sh.end[0] + 1)
    header = table.first_data_row - 2  # 0-based
    for (r0, c0), (r1, c1) in sorted(sh.merged_cell_ranges or ()):
        if r1 >= header:
            span = f"{column_letter(c0)}{r0 + 1}:{column_letter(c1)}{r1 + 1}"
            raise SheetError(f"第 {max(r0, header) + 1} 行 {column_letter(c0)} 列是合并单元格（{span}），"
                             "请取消合并后重新上传")
    for row, col in formulas:
        if row > header + 1:
            raise SheetError(f"第 {row} 行 {column_letter(col)} 列含公式，请复制后“选择性粘贴为数值”再重新上传")
    return table


def _read_csv(data: bytes, name: str, hints) -> Table:
    utf16 = data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)  # Excel's "Unicode text"
    text = None
    for encoding in ("utf-16",) if utf16 else ("utf-8-sig", "gb18030"):  # utf-8-sig reads plain UTF-8 too
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    sample = text[:65536] if text is not None else ""
    if text is None or "\x00" in sample or len(_CONTROL.findall(sample)) > len(sample) // 100:
        raise SheetError(_ENCODING)
    first_line = text.partition("\n")[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        return _collect(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), name, hints)
    except csv.Error as e:
        raise SheetError(f"CSV 文件格式有误（{e}），请用 Excel 另存为 .xlsx 后重新上传") from None


_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _find_header(raw_rows: Iterable[list], hints) -> tuple[int | None, list[list[str]], bool]:
    """(index of the header row, the rows read so far converted, whether it holds a hint): the header
    is the first non-empty row, or the first row after it (within HEADER_SCAN_ROWS) holding a hint."""
    head, h = [], None
    for raw in raw_rows:
        head.append(_convert(raw))
        if h is None and any(head[-1]):
            h = len(head) - 1
        if h is not None and (not hints or len(head) - h >= HEADER_SCAN_ROWS):
            break
    found = next((i for i in range(h, len(head)) if hints.intersection(head[i])), None) if hints and h is not None else None
    return (h if found is None else found), head, found is not None


def _collect(raw_rows: Iterable[list], name: str, hints, total_rows: int | None = None) -> Table:
    """The table in raw rows (row 1 first, or the last of total_rows last); every cell becomes text."""
    it = iter(raw_rows)
    h, head, _ = _find_header(it, hints)
    if h is None:
        raise SheetError(f"工作表“{name}”为空，请填写数据后重新上传")
    indexes = [i for i in range(h + 1, len(head)) if any(head[i])]
    rows = [head[i] for i in indexes]
    s, text, i = str, _text, len(head) - 1
    for i, raw in enumerate(it, len(head)):  # the hot loop: keep it tight
        r = [c.strip() if type(c) is s else text(c) for c in raw]
        if any(r):
            rows.append(r)
            indexes.append(i)
    if not rows:
        raise SheetError(f"工作表“{name}”没有数据行")
    offset = total_rows - (i + 1) if total_rows else 0  # 0 as long as calamine yields from row 1
    headers, width = head[h], max(len(head[h]), max(map(len, rows)))
    if len(headers) < width or min(map(len, rows)) < width:  # ragged CSV
        headers = headers + [""] * (width - len(headers))
        rows = [r if len(r) == width else r + [""] * (width - len(r)) for r in rows]
    while width and not headers[width - 1] and not any(r[width - 1] for r in rows):
        width -= 1  # trailing columns with neither header nor data
    if width < len(headers):
        headers, rows = headers[:width], [r[:width] for r in rows]
    return Table(headers, rows, name, h + offset + 2, [i + offset + 1 for i in indexes])


# --- writing ---------------------------------------------------------------------------------

_OPTIONS = {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
            "strings_to_urls": False, "nan_inf_to_errors": True, "remove_timezone": True,
            "default_date_format": "yyyy-mm-dd"}


def _width(s: str) -> int:
    return len(s) + (len(s.encode()) - len(s)) // 2  # a CJK character (3 bytes in UTF-8) counts 2


def _widen(widths: list[int], row) -> None:
    for i, v in enumerate(row[:len(widths)]):
        if v is not None:
            widths[i] = max(widths[i], _width(v if type(v) is str else str(v)))


def _set_widths(ws, widths: list[int], cell_format=None) -> None:
    for i, w in enumerate(widths):
        ws.set_column(i, i, min(40, max(8, w + 2)), cell_format)


def write_error_workbook(path, headers: list[str], rows: list[list[str]], row_numbers: list[int],
                         errors_by_row: dict[int, list[str]]) -> None:
    """The table plus a last column "错误说明", every cell as text, rows with errors light red. Rows keep
    their original row numbers, so "第 N 行" in a message is row N here too."""
    with xlsxwriter.Workbook(path, _OPTIONS) as wb:
        ws = wb.add_worksheet("导入错误")
        bad = wb.add_format({"bg_color": "#FFC7CE"})
        bad_note = wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
        ws.write_row(0, 0, [*headers, "错误说明"], wb.add_format({"bold": True}))
        widths, r = [_width(h) for h in headers], 0
        for i, (row, number) in enumerate(zip(rows, row_numbers, strict=True)):
            r = max(r + 1, number - 1)  # constant_memory needs ascending rows
            cells = [v if type(v) is str else "" if v is None else str(v) for v in row]
            if errors := errors_by_row.get(number):
                cells += [""] * (len(headers) - len(cells))
                for c, v in enumerate(cells):
                    ws.write_string(r, c, v, bad)
                ws.write_string(r, len(cells), "；".join(errors), bad_note)
            else:
                ws.write_row(r, 0, cells)
            if i < 1000:
                _widen(widths, cells)
        ws.freeze_panes(1, 0)
        _set_widths(ws, widths)
        ws.set_column(len(headers), len(headers), 60)


def write_rows_xlsx(path_or_buffer, sheets: list[tuple[str, list[str], Iterable[list]]], *,
                    notes: list[tuple[str, list[str]]] | None = None, text_cells: bool = False) -> None:
    """Sheets of (name, headers, rows): str as text (never a formula), numbers (Decimal too) as numbers,
    dates as yyyy-mm-dd, bool as 是/否, None blank (other types: xlsxwriter's write()); bold frozen header,
    autofilter, column widths from the first 1000 rows. Then note sheets (name, lines), one line a row.
    text_cells formats the columns as Text, so what a clerk types later (an 18-digit ID number)
    keeps every digit instead of becoming a rounded number."""
    with xlsxwriter.Workbook(path_or_buffer, _OPTIONS) as wb:
        bold, wrap = wb.add_format({"bold": True}), wb.add_format({"text_wrap": True, "valign": "top"})
        text = wb.add_format({"num_format": "@"}) if text_cells else None
        for name, headers, rows in sheets:
            ws = wb.add_worksheet(re.sub(r"[\[\]:*?/\\]", "_", name)[:31])
            ws.add_write_handler(bool, lambda w, r, c, v, *a: w.write_string(r, c, "是" if v else "否", *a))
            ws.write_row(0, 0, headers, bold)
            widths, r = [_width(str(h)) for h in headers], 0
            for r, row in enumerate(rows, 1):
                ws.write_row(r, 0, row)
                if r <= 1000:
                    _widen(widths, row)
            ws.freeze_panes(1, 0)
            if headers:
                ws.autofilter(0, 0, r, len(headers) - 1)
            _set_widths(ws, widths, text)
        for name, lines in notes or ():
            ws = wb.add_worksheet(re.sub(r"[\[\]:*?/\\]", "_", name)[:31])
            ws.set_column(0, 0, 100)
            for i, line in enumerate(lines):
                ws.write_string(i, 0, line, wrap)
