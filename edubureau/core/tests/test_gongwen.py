"""The GB/T 9704 .docx writer: read the layout back with python-docx; LibreOffice renders it if installed."""

import datetime
import io
import shutil
import subprocess

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from hypothesis import given
from hypothesis import strategies as st

from edubureau.core.gongwen import Block, GongwenDocument, fullwidth, write_docx


@pytest.fixture(scope="module")
def written():
    doc = GongwenDocument(
        title="某区教育局2026年工作总结",
        blocks=[
            Block(0, "2026年,全区教育系统(含民办学校)完成各项任务。"),
            Block(1, heading="一、主要工作和成效"),
            Block(2, heading="（一）特色亮点"),
            Block(3, "新建考场41个。", heading="1.建成标准化考场。"),
            Block(4, "按月推进。", heading="（1）考场建设。"),
        ],
        signature="某区教育局",
        date=datetime.date(2026, 11, 24),
    )
    return docx.Document(io.BytesIO(write_docx(doc)))


def east_asia(element) -> str:
    return element.rPr.rFonts.get(qn("w:eastAsia"))


def test_it_sets_a4_and_the_gbt9704_margins(written):
    section = written.sections[0]
    mm = {
        name: round(getattr(section, name) / Mm(1))
        for name in (
            "page_width",
            "page_height",
            "top_margin",
            "left_margin",
            "right_margin",
            "bottom_margin",
        )
    }
    assert mm == {
        "page_width": 210,
        "page_height": 297,
        "top_margin": 37,
        "left_margin": 28,
        "right_margin": 26,
        "bottom_margin": 35,
    }


def test_it_sets_the_body_style(written):
    normal = written.styles["Normal"]
    assert normal.font.size == Pt(16)
    assert normal.font.name == "仿宋_GB2312"
    assert east_asia(normal.element) == "仿宋_GB2312"
    fmt = normal.paragraph_format
    assert (fmt.line_spacing_rule, fmt.line_spacing) == (WD_LINE_SPACING.EXACTLY, Pt(28))
    assert fmt.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert normal.element.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"


def test_it_sets_the_title_and_heading_fonts(written):
    title = written.paragraphs[0]
    assert title.text == "某区教育局2026年工作总结"
    assert title.style.name == "公文标题"
    assert east_asia(title.style.element) == "方正小标宋简体"
    assert title.style.font.size == Pt(22)
    assert title.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert written.paragraphs[1].text == ""  # a blank line before the body
    fonts = {level: east_asia(written.styles[f"Heading {level}"].element) for level in (1, 2, 3, 4)}
    assert fonts == {1: "黑体", 2: "楷体_GB2312", 3: "仿宋_GB2312", 4: "仿宋_GB2312"}
    assert written.styles["Heading 3"].font.bold and not written.styles["Heading 1"].font.bold
    assert {written.styles[f"Heading {n}"].font.size for n in (1, 2, 3, 4)} == {Pt(16)}
    by_text = {p.text: p for p in written.paragraphs}
    assert by_text["一、主要工作和成效"].style.name == "Heading 1"
    assert by_text["（一）特色亮点"].style.name == "Heading 2"


def test_it_runs_a_third_level_heading_into_its_paragraph_in_bold(written):
    paragraph = next(p for p in written.paragraphs if p.text.startswith("1."))
    assert paragraph.text == "1.建成标准化考场。新建考场41个。"
    heading, body = paragraph.runs
    assert heading.bold and not body.bold
    assert east_asia(heading._r) == "仿宋_GB2312"


def test_it_numbers_odd_pages_right_and_even_pages_left(written):
    section = written.sections[0]
    assert written.settings.odd_and_even_pages_header_footer
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.text == even.text == "— 1 —"
    assert (odd.alignment, even.alignment) == (WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.LEFT)
    assert "PAGE" in "".join(t.text for t in odd._p.iter(qn("w:instrText")))
    assert written.styles["Footer"].font.size == Pt(14)
    assert east_asia(written.styles["Footer"].element) == "宋体"


def test_it_signs_right_aligned_with_an_arabic_date(written):
    signature, date = written.paragraphs[-2:]
    assert (signature.text, date.text) == ("某区教育局", "2026年11月24日")
    assert date.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_it_declares_font_fallbacks_for_pcs_without_gb2312_fonts(written):
    table = next(r.target_part for r in written.part.rels.values() if r.reltype.endswith("/fontTable"))
    xml = table.blob.decode("utf-8")
    assert 'w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in xml
    assert 'w:name="楷体_GB2312"><w:altName w:val="楷体"/>' in xml


def test_it_writes_full_width_punctuation_in_chinese_text(written):
    assert written.paragraphs[2].text == "2026年，全区教育系统（含民办学校）完成各项任务。"
    assert (
        fullwidth('指标:完成"三个"任务,共1,000人;时间10:30!')
        == "指标：完成“三个”任务，共1,000人；时间10:30！"
    )
    assert fullwidth("plain, ascii: text") == "plain, ascii: text"


@given(st.text(max_size=200))
def test_it_never_changes_text_length_when_converting_punctuation_except_spaces(text):
    assert len(fullwidth(text)) <= len(text)


@pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")),
    reason="LibreOffice 未安装，跳过 PDF 转换测试",
)
def test_it_converts_to_pdf_with_libreoffice(tmp_path):
    path = tmp_path / "总结.docx"
    path.write_bytes(
        write_docx(
            GongwenDocument("标题", [Block(0, "正文。" * 500)], "某区教育局", datetime.date(2026, 1, 2))
        )
    )
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    assert (tmp_path / "总结.pdf").stat().st_size > 1000


def test_it_writes_tables_in_the_body_font_with_a_repeated_header_row():
    from edubureau.core.gongwen import Table

    data = write_docx(GongwenDocument("简报", [Block(level=1, heading="一、概况"), Table(["项目", "数值"], [["因病缺课", 2], ["比率", 0.125], ["空", None]])]))
    document = docx.Document(io.BytesIO(data))
    (table,) = document.tables
    assert [[c.text for c in r.cells] for r in table.rows] == [["项目", "数值"], ["因病缺课", "2"], ["比率", "0.125"], ["空", ""]]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(run.font.size == Pt(12) for r in table.rows for c in r.cells for p in c.paragraphs for run in p.runs)
    assert document.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"


def test_it_turns_the_page_for_a_landscape_document():
    document = docx.Document(io.BytesIO(write_docx(GongwenDocument("评估表", [Block(text="正文")], landscape=True))))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
