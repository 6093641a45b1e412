"""The daily district briefing written as .xlsx and .docx: a plain renderer, no Django.

briefing.py gathers the figures (within the user's scope) into a `Briefing`; these functions only lay it
out, so the page, the two downloads and a test all show the same numbers.
"""

import io
from dataclasses import dataclass, field

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from edubureau.core.spreadsheets import write_rows_xlsx


@dataclass
class Section:
    title: str
    headers: list[str]
    rows: list[list]
    empty: str = "无"  # what the .docx says when there are no rows


@dataclass
class Briefing:
    title: str  # e.g. "闵行区师生健康日报简报"
    date_label: str  # e.g. "2026年11月20日（星期五）"
    summary: list[tuple[str, str]]  # (label, value) lines of the headline figures
    sections: list[Section] = field(default_factory=list)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def to_xlsx(briefing: Briefing) -> bytes:
    """A 概况 sheet with the headline figures, then one sheet per section."""
    buffer = io.BytesIO()
    sheets = [("概况", ["项目", "数值"], [[label, value] for label, value in briefing.summary])]
    sheets += [(s.title, s.headers, s.rows) for s in briefing.sections]
    write_rows_xlsx(buffer, sheets)
    return buffer.getvalue()


def to_docx(briefing: Briefing) -> bytes:
    """A Word document: title, date, headline figures, then each section as a table."""
    document = Document()
    style = document.styles["Normal"]
    style.font.size = Pt(10.5)
    heading = document.add_heading(briefing.title, level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    date_line = document.add_paragraph(briefing.date_label)
    date_line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_heading("一、概况", level=2)
    _table(document, ["项目", "数值"], [[label, value] for label, value in briefing.summary])
    numerals = "二三四五六七八九十"
    for n, section in enumerate(briefing.sections):
        prefix = numerals[n] if n < len(numerals) else str(n + 2)
        document.add_heading(f"{prefix}、{section.title}", level=2)
        if section.rows:
            _table(document, section.headers, section.rows)
        else:
            document.add_paragraph(section.empty)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _table(document, headers: list[str], rows: list[list]) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = header
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = _cell(value)
