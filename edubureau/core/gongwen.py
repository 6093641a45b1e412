"""Write an official document (公文) as .docx in the GB/T 9704-2012 layout, with python-docx.

Pure module (no Django): the input is a plain structure (title, blocks, 落款, date), so every
generated Word document — the summary, the progress report, the 工作要点, the health briefing, the
equity evaluation table — shares one writer and it can be tested alone. Blocks are paragraphs or
tables (`Table`: 仿宋 小四 in a grid, the header row repeated on each page); a wide table asks for a
landscape A4 page (`GongwenDocument.landscape`).

The layout (docs: shared/domain/documents.md): A4; margins 37 mm top, 28 mm left, 26 mm right,
35 mm bottom; title 2号 (22 pt) 方正小标宋简体 centred with one blank line after; body 3号 (16 pt)
仿宋_GB2312, fixed 28 pt line spacing, first-line indent of 2 characters, justified; headings 一、 黑体,
（一） 楷体_GB2312, 1. 仿宋 bold, （1） 仿宋; page numbers "— 1 —" in 4号 (14 pt) 宋体, odd pages on the
right and even pages on the left; 落款 right-aligned with the date in Arabic numerals.

Fonts are named the way Word and WPS on a bureau PC know them and given fallbacks in the font table
(w:altName: 仿宋_GB2312 → 仿宋, 楷体_GB2312 → 楷体, 方正小标宋简体 → 宋体), so a PC without the GB2312
fonts still shows 仿宋/楷体 instead of Calibri. East-Asian text uses w:eastAsia, which is what Word
reads for Chinese characters; ascii/hAnsi are set to the same font so figures match the text.
"""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass, field

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEI_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
FALLBACKS = {
    BODY_FONT: "仿宋",
    KAI_FONT: "楷体",
    TITLE_FONT: "宋体",
    HEI_FONT: "SimHei",
    PAGE_NUMBER_FONT: "SimSun",
}

BODY_SIZE = Pt(16)  # 3号
TITLE_SIZE = Pt(22)  # 2号
PAGE_NUMBER_SIZE = Pt(14)  # 4号
TABLE_SIZE = Pt(12)  # 小四: the body's 3号 leaves a table of more than four columns unreadable
LINE = Pt(28)  # 固定值 28 磅: 22 lines in the 225 mm text block
TITLE_LINE = Pt(35)  # a 22 pt title needs more than 28 pt or its strokes are clipped

# Heading level → (font, bold). Level 0 is a body paragraph.
HEADINGS = {1: (HEI_FONT, False), 2: (KAI_FONT, False), 3: (BODY_FONT, True), 4: (BODY_FONT, False)}
HEADING_STYLES = {level: f"Heading {level}" for level in HEADINGS}


@dataclass
class Block:
    """One paragraph. `heading` is the numbered heading ("一、主要工作和成效", "1.落实疫情防控。");
    with `text` too, the heading runs into the paragraph (GB/T 9704 allows it for every level)."""

    level: int = 0
    text: str = ""
    heading: str = ""


@dataclass
class Table:
    """A table between paragraphs: a header row and rows of cells (None → empty)."""

    headers: list[str]
    rows: list[list]
    size: Pt = field(default_factory=lambda: TABLE_SIZE)


@dataclass
class GongwenDocument:
    title: str
    blocks: list[Block | Table] = field(default_factory=list)
    signature: str = ""  # 发文机关署名
    date: datetime.date | None = None  # 成文日期
    landscape: bool = False  # A4 turned: for tables too wide for a portrait page

    def plain_text(self) -> str:
        """The document as text (for previews and tests): title, then one line per block."""
        lines = [self.title]
        lines += [fullwidth(b.heading + b.text) for b in self.blocks if isinstance(b, Block)]
        if self.signature:
            lines.append(self.signature)
        if self.date:
            lines.append(chinese_date(self.date))
        return "\n".join(lines)


def chinese_date(day: datetime.date) -> str:
    """Arabic numerals, no leading zeros: 2026年11月24日."""
    return f"{day.year}年{day.month}月{day.day}日"


# --- full-width punctuation -------------------------------------------------------------------------

_COMMA = re.compile(r"(?<!\d),|,(?!\d)")
_COLON = re.compile(r"(?<!\d):|:(?!\d)")
_PARENS = re.compile(r"\(([^()]*[\u4e00-\u9fff][^()]*)\)")
_QUOTE = re.compile(r'"([^"]*)"')


def fullwidth(text: str) -> str:
    """Chinese text takes full-width punctuation (，；：？！（）“”); figures keep theirs (1,000 / 10:30)."""
    if not re.search(r"[\u4e00-\u9fff]", text):
        return text
    text = _COMMA.sub("，", text)
    text = _COLON.sub("：", text)
    text = text.replace(";", "；").replace("?", "？").replace("!", "！")
    text = _PARENS.sub(r"（\1）", text)
    text = _QUOTE.sub(r"“\1”", text)
    return re.sub(r"([，；：？！])[ \t]+", r"\1", text)  # half-width habits leave a space after the mark


# --- the writer ---------------------------------------------------------------------------------------


def write_docx(doc: GongwenDocument) -> bytes:
    document = Document()
    _page_setup(document, landscape=doc.landscape)
    _styles(document)
    _font_fallbacks(document)
    _page_numbers(document)
    body = document.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)  # the template's empty first paragraph

    ids = {
        name: document.styles[name].style_id for name in ("公文标题", "公文落款", *HEADING_STYLES.values())
    }
    for line in (doc.title or "").split("\n"):
        _paragraph(document, ids["公文标题"]).add_run(fullwidth(line))
    _paragraph(document)  # one blank line between title and body
    for block in doc.blocks:
        if isinstance(block, Table):
            _add_table(document, block)
        else:
            _add_block(document, block, ids)
    if doc.signature or doc.date:
        _paragraph(document)
        _paragraph(document)
        for text in filter(None, [doc.signature, chinese_date(doc.date) if doc.date else ""]):
            _paragraph(document, ids["公文落款"]).add_run(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _paragraph(document, style_id: str | None = None):
    """A paragraph with its style set by id: python-docx's lookup by name costs ~10 ms a paragraph."""
    paragraph = document.add_paragraph()
    if style_id:
        paragraph._p.style = style_id
    return paragraph


def _add_block(document, block: Block, ids: dict[str, str]) -> None:
    if block.level and block.heading and not block.text:
        _paragraph(document, ids[HEADING_STYLES[block.level]]).add_run(fullwidth(block.heading))
        return
    paragraph = _paragraph(document)
    if block.level and block.heading:
        font, bold = HEADINGS[block.level]
        run = paragraph.add_run(fullwidth(block.heading))
        _set_fonts(run._r.get_or_add_rPr(), font)
        run.bold = bold
    paragraph.add_run(fullwidth(block.text))


def _add_table(document, table: Table) -> None:
    grid = document.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    header = grid.rows[0]
    _repeat_as_header(header)
    for row, values, bold in [(header, table.headers, True)] + [
        (grid.add_row(), values, False) for values in table.rows
    ]:
        for cell, value in zip(row.cells, values, strict=True):
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.first_line_indent = Pt(0)
            paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER if bold else None
            run = paragraph.add_run(fullwidth(_cell_text(value)))
            run.font.size = table.size
            run.bold = bold
    _paragraph(document)  # a table is followed by a paragraph, or Word joins it to the next table


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _repeat_as_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    mark = OxmlElement("w:tblHeader")
    mark.set(qn("w:val"), "true")
    trpr.append(mark)


def _page_setup(document, *, landscape: bool = False) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(28)  # the page number sits 7 mm below the 35 mm bottom margin's text block
    document.settings.odd_and_even_pages_header_footer = True


def _set_fonts(rpr, font: str) -> None:
    """Name the font for every script and drop theme fonts, which would otherwise win in Word."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)


def _first_line_indent(style, chars: int) -> None:
    """Indent in characters (w:firstLineChars) so it follows the font size; twips as the fallback."""
    ppr = style.element.get_or_add_pPr()
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        ppr.append(ind)
    ind.set(qn("w:firstLineChars"), str(chars * 100))
    ind.set(qn("w:firstLine"), str(int(chars * BODY_SIZE.pt * 20)))


def _paragraph_style(
    style, font: str, size, *, bold=False, line=LINE, indent_chars=2, align=WD_ALIGN_PARAGRAPH.JUSTIFY
):
    style.font.size = size
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    _set_fonts(style.element.get_or_add_rPr(), font)
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = line
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.widow_control = True
    _first_line_indent(style, indent_chars)


def _styles(document) -> None:
    styles = document.styles
    _paragraph_style(styles["Normal"], BODY_FONT, BODY_SIZE)
    for level, (font, bold) in HEADINGS.items():
        style = styles[f"Heading {level}"]
        _paragraph_style(style, font, BODY_SIZE, bold=bold)
        style.paragraph_format.keep_with_next = True
    title = styles.add_style("公文标题", 1)  # WD_STYLE_TYPE.PARAGRAPH
    title.base_style = styles["Normal"]
    _paragraph_style(
        title, TITLE_FONT, TITLE_SIZE, line=TITLE_LINE, indent_chars=0, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    signature = styles.add_style("公文落款", 1)
    signature.base_style = styles["Normal"]
    _paragraph_style(signature, BODY_FONT, BODY_SIZE, indent_chars=0, align=WD_ALIGN_PARAGRAPH.RIGHT)
    signature.paragraph_format.right_indent = Pt(BODY_SIZE.pt * 4)  # 右空四字
    footer = styles["Footer"]
    _paragraph_style(footer, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE, line=Pt(18), indent_chars=0)


def _font_fallbacks(document) -> None:
    """Add the GB2312 fonts to the font table with w:altName, Word's substitute when a font is missing."""
    part = next(rel.target_part for rel in document.part.rels.values() if rel.reltype == RT.FONT_TABLE)
    root = parse_xml(part.blob)
    known = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for name, alt in FALLBACKS.items():
        if name in known:
            continue
        root.append(
            parse_xml(
                f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
                '<w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'
            )
        )
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page_numbers(document) -> None:
    """ "— 1 —": odd pages right-aligned, even pages left-aligned, one character in from the edge."""
    section = document.sections[0]
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.style = document.styles["Footer"]
        paragraph.alignment = align
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            paragraph.paragraph_format.right_indent = PAGE_NUMBER_SIZE
        else:
            paragraph.paragraph_format.left_indent = PAGE_NUMBER_SIZE
        paragraph.add_run("— ")
        _page_field(paragraph)
        paragraph.add_run(" —")


def _page_field(paragraph) -> None:
    for kind, text in (
        ("begin", None),
        ("instr", " PAGE "),
        ("separate", None),
        ("text", "1"),
        ("end", None),
    ):
        run = paragraph.add_run()
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        elif kind == "text":
            run.text = text
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
