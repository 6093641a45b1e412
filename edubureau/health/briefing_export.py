"""The daily district briefing written as .xlsx and .docx: a plain renderer, no Django.

briefing.py gathers the figures (within the user's scope) into a `Briefing`; these functions only lay it
out, so the page, the two downloads and a test all show the same numbers.
"""

import io
from dataclasses import dataclass, field

from edubureau.core.gongwen import Block, GongwenDocument, Table, write_docx
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


def to_xlsx(briefing: Briefing) -> bytes:
    """A 概况 sheet with the headline figures, then one sheet per section."""
    buffer = io.BytesIO()
    sheets = [("概况", ["项目", "数值"], [[label, value] for label, value in briefing.summary])]
    sheets += [(s.title, s.headers, s.rows) for s in briefing.sections]
    write_rows_xlsx(buffer, sheets)
    return buffer.getvalue()


def to_docx(briefing: Briefing) -> bytes:
    """A Word document in the 公文 layout (core.gongwen): title, date, headline figures, then each
    section as a table."""
    blocks: list[Block | Table] = [Block(text=briefing.date_label)]
    blocks += [Block(level=1, heading="一、概况"), Table(["项目", "数值"], [list(pair) for pair in briefing.summary])]
    numerals = "二三四五六七八九十"
    for n, section in enumerate(briefing.sections):
        prefix = numerals[n] if n < len(numerals) else str(n + 2)
        blocks.append(Block(level=1, heading=f"{prefix}、{section.title}"))
        blocks.append(Table(section.headers, section.rows) if section.rows else Block(text=section.empty))
    return write_docx(GongwenDocument(briefing.title, blocks))
