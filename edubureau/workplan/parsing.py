"""Read a 工作要点 / 推进情况 / 工作总结 document and parse it into sections, numbered tasks and KPI candidates.

Pure module (no Django), so it is unit-tested and benchmarked alone. The pipeline:

1. `extract_text`: bytes → text. .txt in UTF-8 (with or without BOM), UTF-16 with BOM, GBK/GB18030;
   .docx through python-docx (paragraphs and table cells in document order, Word's automatic
   numbering written out as text); .doc through LibreOffice when it is installed; .htm/.html as text.
   Empty, binary, renamed and oversized files are refused with a Chinese message naming what to do.
2. `clean_lines`: drop web-page boilerplate (navigation, 发布时间/来源/浏览次数, 打印本页/关闭窗口, share
   links, "由会员分享" banners) and page-break artefacts of pasted web text (a line starting "6、" that
   continues the previous sentence is a page number, not a task), and find the title.
   `trim_furniture` first cuts the page around a web copy: menu lines before the title, and from the
   first end marker (相关阅读 / 上一篇 / 返回顶部 / 分享到 …) that only furniture-like lines follow.
3. `parse_structure`: one left-to-right scan for heading markers (一、 / （一） / 1. 1、 and bare "1加快…" /
   （1） / ①) at sentence boundaries. A marker only counts when its number continues the numbering of
   its level (1, 2, 3 … under the same parent, or continuing the previous section's numbering), so
   figures such as "。57名教师" and page numbers never become tasks. A title that runs straight into
   一是 / 首先 / 第一 ("后勤保障迈上新台阶一是…") stops there, and the points become its items. In a .docx,
   short all-bold paragraphs followed by body text are numbered 一、二、三 when the document has no 一、.
4. `extract_targets`: number + unit + the clause it comes from ("建成…考场41个" → 41 个), also in
   Chinese numerals ("新增学位八百六十个" → 860 个, "百分之九十五" → 95 %).

Every regex here is linear: no nested quantifiers, bounded look-arounds, bounded windows around
matches, so 10 MB of one paragraph is parsed in seconds, not hours.
"""

from __future__ import annotations

import html.parser
import io
import re
import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

MB = 1024 * 1024
MAX_BYTES = 20 * MB
MAX_UNCOMPRESSED = 200 * MB
MAX_TITLE = 80  # a heading's title is at most this long; the rest of the sentence is text
LONG_PARAGRAPH = 100_000

CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
TERMINAL = "。！？；!?;"
# A line that ends in one of these ends a sentence (or a quotation / bracket); anything else continues.
LINE_END = TERMINAL + "：:”’」』）)】》…—"
CONTINUING_MARKS = tuple(
    "。，,、；;：:！？!?）)」』”’"
)  # a line starting with one of these continues the one before


class ParseError(ValueError):
    """The file cannot be read as a document; the message says why and what to do, in Chinese."""


@dataclass
class Target:
    value: int | float
    unit: str
    text: str

    def as_dict(self) -> dict:
        return {"value": self.value, "unit": self.unit, "text": self.text}


@dataclass
class Item:
    number: str | None
    title: str
    text: str = ""
    targets: list[Target] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "number": self.number,
            "title": self.title,
            "text": self.text,
            "targets": [t.as_dict() for t in self.targets],
            "items": [i.as_dict() for i in self.items],
        }


@dataclass
class Section:
    number: str | None
    title: str
    text: str = ""
    items: list[Item] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "number": self.number,
            "title": self.title,
            "text": self.text,
            "items": [i.as_dict() for i in self.items],
        }


@dataclass
class ParsedDocument:
    title: str
    sections: list[Section]
    preamble: str = ""  # the 导语 / 指导思想 before the first heading (not part of the JSON shape)
    year: int | None = None  # guessed from the title
    flat: bool = False  # no headings were recognised: one draft item per paragraph
    messages: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        """Exactly the shape of the issue: {"title", "sections": [{"number", "title", "text", "items"}]}."""
        return {"title": self.title, "sections": [s.as_dict() for s in self.sections]}

    def task_count(self) -> int:
        return sum(len(s.items) for s in self.sections)


# ---------------------------------------------------------------------------------------------------
# 1. Bytes → text


def parse_file(path: str | Path) -> ParsedDocument:
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError as e:
        raise ParseError(f"文件不存在：{path}") from e
    if size > MAX_BYTES:
        raise ParseError(
            f"文件过大（{size / MB:.1f} MB）：工作要点或总结一般不超过 {MAX_BYTES // MB} MB，请检查是否选错了文件。"
        )
    return parse_bytes(path.read_bytes(), path.name)


def parse_bytes(data: bytes, filename: str) -> ParsedDocument:
    text = extract_text(data, filename)
    return parse_text(text, fallback_title=Path(filename).stem)


def extract_text(data: bytes, filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    if len(data) > MAX_BYTES:
        raise ParseError(
            f"文件过大（{len(data) / MB:.1f} MB）：请检查是否选错了文件（上限 {MAX_BYTES // MB} MB）。"
        )
    if not data.strip():
        raise ParseError(f"{filename} 是空文件，没有可导入的内容。")
    if data.startswith(b"PK\x03\x04"):  # a .docx, whatever its name says
        return docx_text(data, filename)
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE compound file: Word 97-2003 .doc (or .xls, .ppt)
        if suffix not in (".doc", ".wps"):
            raise ParseError(
                f"{filename} 是 Office 97-2003 格式的二进制文件，不是文本文件。请另存为 .docx 或 .txt 后再导入。"
            )
        return doc_text(data, filename)
    if suffix in (".docx",):
        raise ParseError(
            f"{filename} 不是有效的 .docx 文件（文件已损坏或只是改了扩展名）。请用 Word/WPS 打开后另存为 .docx。"
        )
    if suffix in (".doc", ".rtf", ".wps") and data.lstrip()[:5] == b"{\\rtf":
        return doc_text(data, filename)
    if suffix not in ("", ".txt", ".text", ".htm", ".html", ".doc"):
        raise ParseError(f"不支持的文件类型“{suffix}”：请上传 .txt、.docx 或 .doc 文件。")
    text = decode_text(data, filename)
    if suffix in (".htm", ".html") or (
        suffix == ".doc" and re.match(r"\s*<(?:!doctype|html)", text[:200], re.I)
    ):
        return html_text(text)  # a web page saved as .doc is common
    return text


def decode_text(data: bytes, filename: str = "文件") -> str:
    """UTF-8 (BOM or not), UTF-16 with BOM, else GB18030 (a superset of GBK and GB2312)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _check_text(data.decode("utf-16"), filename)
        except UnicodeDecodeError as e:
            raise ParseError(f"{filename} 的 UTF-16 编码有误，请另存为 UTF-8 文本。") from e
    if b"\x00" in data[:65536]:
        raise ParseError(f"{filename} 是二进制文件，不是文本文件。请上传 .txt、.docx 或 .doc 文件。")
    try:
        return _check_text(data.decode("utf-8-sig"), filename)
    except UnicodeDecodeError:
        pass
    try:
        return _check_text(data.decode("gb18030"), filename)
    except UnicodeDecodeError as e:
        raise ParseError(
            f"无法识别 {filename} 的文字编码（既不是 UTF-8 也不是 GBK/GB18030），请另存为 UTF-8 文本后再导入。"
        ) from e


def _check_text(text: str, filename: str) -> str:
    sample = text[:65536]
    controls = sum(
        1 for ch in sample if unicodedata.category(ch) in ("Cc", "Co", "Cs") and ch not in "\t\n\r\f"
    )
    if controls > max(2, len(sample) // 100):
        raise ParseError(f"{filename} 看起来是二进制文件，不是文本文件。请上传 .txt、.docx 或 .doc 文件。")
    if not text.strip():
        raise ParseError(f"{filename} 是空文件，没有可导入的内容。")
    return text


def docx_text(data: bytes, filename: str) -> str:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError) as e:
        raise ParseError(f"{filename} 已损坏，无法作为 .docx 打开。请用 Word/WPS 打开后另存为 .docx。") from e
    names = {i.filename for i in infos}
    if "word/document.xml" not in names:
        raise ParseError(
            f"{filename} 是一个普通的 zip 压缩包（不含 word/document.xml），不是 Word 文档。请上传用 Word/WPS 保存的 .docx。"
        )
    if sum(i.file_size for i in infos) > MAX_UNCOMPRESSED:
        raise ParseError(
            f"{filename} 解压后超过 {MAX_UNCOMPRESSED // MB} MB，不像是正常的工作文档，已拒绝读取。"
        )
    import docx  # python-docx: imported here so .txt parsing does not pay for lxml's start-up

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:  # python-docx raises KeyError, ValueError, lxml errors … for broken packages
        raise ParseError(
            f"{filename} 无法作为 Word 文档读取（{type(e).__name__}）。请用 Word/WPS 打开后另存为 .docx。"
        ) from e
    return "\n".join(_docx_lines(document))


def _docx_lines(document) -> list[str]:
    """Paragraphs and table cells in document order; Word's automatic list numbers written out."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    numbering = _Numbering(document)
    lines: list[str] = []
    bold: list[bool] = []  # the line is an unnumbered paragraph set in bold (or a Heading style)
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            prefix = numbering.prefix(child)
            text = _paragraph_text(child)
            lines.append(prefix + text)
            bold.append(not prefix and _bold_heading(Paragraph(child, document), text))
        elif child.tag == qn("w:tbl"):
            for p in child.iter(qn("w:p")):
                lines.append(_paragraph_text(p))
                bold.append(False)
    return _number_bold_headings(lines, bold)


def _bold_heading(paragraph, text: str) -> bool:
    """A short paragraph without a sentence in it, all of whose runs are bold (or in a Heading style)."""
    text = text.strip()
    if not text or len(text) > 40 or re.search("[。！？；!?;]", text) or HEADING_START.match(text):
        return False
    try:
        style = paragraph.style
        name = (style.name or "") if style is not None else ""
        if name.lower().startswith("heading") or name.startswith("标题"):
            return True
        style_bold = bool(style is not None and style.font.bold)
        runs = [r for r in paragraph.runs if r.text.strip()]
        return bool(runs) and all(r.bold or (r.bold is None and style_bold) for r in runs)
    except (AttributeError, KeyError, ValueError):  # a broken style part: not a heading
        return False


def _number_bold_headings(lines: list[str], bold: list[bool]) -> list[str]:
    """Bold headings without numbers become 一、二、三 … when the document has no 一、 headings of its own.

    The first paragraph (the title) is never one, and a heading must be followed by body text.
    """
    if any(LEVEL_ONE.match(line) for line in lines):
        return lines
    present = [i for i, line in enumerate(lines) if line.strip()]
    out, count = list(lines), 0
    for k, i in enumerate(present[1:-1], start=1):
        if bold[i] and not bold[present[k + 1]]:
            count += 1
            out[i] = f"{chinese_numeral(count)}、{lines[i].strip()}"
    return out


def _paragraph_text(p) -> str:
    from docx.oxml.ns import qn

    parts = []
    for node in p.iter(qn("w:t"), qn("w:tab"), qn("w:br")):
        parts.append(
            node.text or "" if node.tag == qn("w:t") else ("\t" if node.tag == qn("w:tab") else "\n")
        )
    return "".join(parts)


class _Numbering:
    """Word keeps "一、" / "1." of automatic lists in numbering.xml, not in the text: write them out."""

    FORMATS = {
        "decimal",
        "chineseCounting",
        "chineseCountingThousand",
        "ideographTraditional",
        "decimalEnclosedCircle",
        "japaneseCounting",
        "decimalEnclosedCircleChinese",
        "decimalFullWidth",
    }

    def __init__(self, document):
        from docx.oxml.ns import qn

        self.qn = qn
        self.levels: dict[tuple[str, str], tuple[str, str]] = {}  # (numId, ilvl) → (numFmt, lvlText)
        self.counters: dict[tuple[str, int], int] = {}
        self.style_numbering: dict[str, object] = {}  # styleId → its w:numPr ("List Number" numbers by style)
        for style in document.styles.element.findall(qn("w:style")):
            num_pr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            if num_pr is not None:
                self.style_numbering[style.get(qn("w:styleId"))] = num_pr
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {}
        for an in root.findall(qn("w:abstractNum")):
            lvls = {}
            for lvl in an.findall(qn("w:lvl")):
                fmt = lvl.find(qn("w:numFmt"))
                txt = lvl.find(qn("w:lvlText"))
                lvls[lvl.get(qn("w:ilvl"))] = (
                    fmt.get(qn("w:val")) if fmt is not None else "decimal",
                    txt.get(qn("w:val")) if txt is not None else "",
                )
            abstract[an.get(qn("w:abstractNumId"))] = lvls
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            if ref is None:
                continue
            for ilvl, spec in abstract.get(ref.get(qn("w:val")), {}).items():
                self.levels[(num.get(qn("w:numId")), ilvl)] = spec

    def prefix(self, p) -> str:
        qn = self.qn
        num_pr = p.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        if num_pr is None:
            style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            num_pr = self.style_numbering.get(style.get(qn("w:val"))) if style is not None else None
        if num_pr is None:
            return ""
        num_id_el, ilvl_el = num_pr.find(qn("w:numId")), num_pr.find(qn("w:ilvl"))
        if num_id_el is None:
            return ""
        num_id, ilvl = num_id_el.get(qn("w:val")), int(ilvl_el.get(qn("w:val")) if ilvl_el is not None else 0)
        spec = self.levels.get((num_id, str(ilvl)))
        if spec is None or spec[0] not in self.FORMATS:
            return ""
        count = self.counters.get((num_id, ilvl), 0) + 1
        self.counters[(num_id, ilvl)] = count
        for deeper in [k for k in self.counters if k[0] == num_id and k[1] > ilvl]:
            del self.counters[deeper]  # a new parent restarts its children's numbering

        def render(level: int) -> str:
            fmt = self.levels.get((num_id, str(level)), ("decimal", ""))[0]
            return format_number(self.counters.get((num_id, level), 1), fmt)

        return re.sub(r"%(\d)", lambda m: render(int(m.group(1)) - 1), spec[1])


def format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional", "japaneseCounting"):
        return chinese_numeral(n)
    if fmt.startswith("decimalEnclosedCircle") and 1 <= n <= len(CIRCLED):
        return CIRCLED[n - 1]
    return str(n)


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (what 一、 headings use)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def doc_text(data: bytes, filename: str) -> str:
    """Word 97-2003 .doc: convert to .docx with LibreOffice when it is installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise ParseError(
            f"{filename} 是 Word 97-2003 格式（.doc），本机没有安装 LibreOffice，无法转换。"
            "请在 Word/WPS 中“另存为”.docx 或 .txt 后再导入。"
        )
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / ("input" + (Path(filename).suffix.lower() or ".doc"))
        source.write_bytes(data)
        try:
            subprocess.run(
                [
                    soffice,
                    "--headless",
                    f"-env:UserInstallation=file://{tmp}/profile",
                    "--convert-to",
                    "docx",
                    "--outdir",
                    tmp,
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=120,
            )
            converted = (Path(tmp) / "input.docx").read_bytes()
        except (subprocess.SubprocessError, OSError) as e:
            raise ParseError(
                f"LibreOffice 无法转换 {filename}，文件可能已损坏。请用 Word/WPS 另存为 .docx 后再导入。"
            ) from e
    return docx_text(converted, filename)


class _HtmlText(html.parser.HTMLParser):
    BLOCKS = {
        "p",
        "div",
        "br",
        "li",
        "tr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "table",
        "td",
    }
    SKIP = {"script", "style", "nav", "header", "footer", "noscript", "select", "button", "iframe"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_text(text: str) -> str:
    parser = _HtmlText()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts)


# ---------------------------------------------------------------------------------------------------
# 2. Boilerplate, page-break artefacts, title

# Site furniture: only ever a short line of its own. Two lengths: metadata lines are short, banners longer.
META_LINE = re.compile(
    r"发布时间|发布日期|发文日期|更新时间|(?:^|\s)(?:信息)?来源[:：]|(?:^|\s)作者[:：]|浏览次数|浏览量|点击数|点击量|阅读次数|阅读量|"
    r"访问次数|字号[:：]|【?字体[:：]|打印本页|打印此页|关闭窗口|【打印】|【关闭】|返回顶部|返回首页|上一篇|下一篇|分享到|扫一扫|"
    r"当前位置|您的位置|您现在的位置|首页\s*[>›»]|[>›»]\s*正文|责任编辑|原文链接|相关推荐|相关阅读|相关文章|猜你喜欢|"
    r"^【[^】]{1,8}】$|^(?:微信|微博|QQ空间|QQ|收藏|分享|打印|关闭|返回|TOP|顶部|首页)$"
)
META_MAX = 80
SITE_LINE = re.compile(
    r"由会员分享|可在线阅读|更多相关|请在\S{0,80}上搜索|本站的?会员|为你整理了|范文|参考借鉴|版权所有|Copyright|ICP备|免责声明|"
    r"点击下载|下载文档|https?://|www\.",
    re.I,
)
SITE_MAX = 400
PAGE_NUMBER_LINE = re.compile(
    r"^(?:[-—–－\s]*\d{1,4}[-—–－\s]*|第\s*\d{1,4}\s*页.{0,12}|\d{1,4}\s*/\s*\d{1,4})$"
)
LINE_MARKER = re.compile(r"^(\d{1,3})([、.．])\s*(?=\S)")
LEVEL_ONE = re.compile(r"^\s*[一二三四五六七八九十]{1,3}[、．.]")
HEADING_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[、.．]|[①-⑳])"
)
TITLE_PREFIX = re.compile(
    r"^([^，,。；;：:！？!?\s]{2,60}(?:工作要点|工作计划|工作总结|情况总结|情况报告|推进情况|实施方案|实施意见|行动计划|工作报告|"
    r"要点|总结|计划|报告|方案|意见|通知))"
)
YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def ends_mid_sentence(line: str) -> bool:
    """A line that stops without sentence-final punctuation continues on the next line (a page break)."""
    if not line:
        return False
    last = line[-1]
    if last in LINE_END:
        return False
    # Short lines without any sentence in them are headings and titles; a trailing comma always continues.
    return last in "，,、" or len(line) > 40 or any(mark in line for mark in "。！？；")


@dataclass
class Cleaned:
    title: str
    lines: list[str]
    messages: list[str]


# After a web document's end: the first of these starts the page furniture (related lists, share links …).
END_MARKER = re.compile(
    r"^(?:[【\[]?(?:相关阅读|相关文章|相关新闻|相关推荐|相关链接|推荐阅读|延伸阅读|猜你喜欢|热点推荐|热门文章|精彩推荐|"
    r"上一篇|下一篇|上一条|下一条|返回顶部|返回列表|分享到|分享$|责任编辑|编辑[:：]|更多$|查看更多|打印本页|关闭窗口|【打印】|【关闭】)"
    r"|.{0,20}(?:更多\s*[>»›]+|>>$))"
)
# Furniture-like: a URL, a category or tag label, a publication date, a short line without a sentence.
FURNITURE_LINE = re.compile(
    r"https?://|www\.|^(?:栏目|分类|类别|标签|关键词|所属栏目|来源|信息来源|作者|编辑|责任编辑)[:：]|"
    r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$|[|｜]"
)
SHORT_LINE = 30


def _is_content(line: str) -> bool:
    """A paragraph of the document: a sentence (ends in 。！？ or has one inside) that is not furniture."""
    if FURNITURE_LINE.search(line) or (len(line) <= META_MAX and META_LINE.search(line)):
        return False
    return line[-1] in "。！？!?；;" or (len(line) > SHORT_LINE and "。" in line)


def _furniture_like(line: str) -> bool:
    return not _is_content(line) and (len(line) <= SHORT_LINE * 2 or FURNITURE_LINE.search(line) is not None)


def trim_furniture(lines: list[str]) -> tuple[list[str], int]:
    """Cut the web page around a document: navigation before its title, related lists / share links after.

    The end is the first end marker ("相关阅读", "上一篇", "返回顶部", "分享到" …) after which no line is a
    sentence of content; then trailing furniture-like lines (URLs, labels, dates, short link titles that
    follow a marker or a URL) go too. The start is the first line that reads like the title
    (…工作要点/总结/计划 …), when only short menu lines come before it. Content is never cut.
    """
    n = len(lines)
    # furniture_from[i]: every line from i to the end is furniture-like (one backward pass, not quadratic)
    furniture_from = [True] * (n + 1)
    for i in range(n - 1, -1, -1):
        furniture_from[i] = furniture_from[i + 1] and _furniture_like(lines[i])
    end = n
    for i, line in enumerate(lines):
        if len(line) <= META_MAX and END_MARKER.match(line) and furniture_from[i + 1]:
            end = i
            break
    while end > 0 and FURNITURE_LINE.search(lines[end - 1]) and not _is_content(lines[end - 1]):
        end -= 1
    start = 0
    for i, line in enumerate(lines[: min(end, 40)]):
        if len(line) <= 60 and TITLE_PREFIX.match(line) and not re.search("[。！？!?；;]", line[:-1]):
            if i and all(len(x) <= SHORT_LINE and not _is_content(x) for x in lines[:i]):
                start = i
            break
        if _is_content(line) or HEADING_START.match(line):
            break
    return lines[start:end], start + n - end


def clean_lines(text: str) -> Cleaned:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ").replace("\xa0", " ")
    text = re.sub("[\u200b\u200c\u200d\ufeff]", "", text)
    messages: list[str] = []
    raw_lines, dropped = trim_furniture([raw.strip() for raw in text.split("\n") if raw.strip()])
    lines = []
    for line in raw_lines:
        if (
            (len(line) <= META_MAX and META_LINE.search(line))
            or (len(line) <= SITE_MAX and SITE_LINE.search(line))
            or (PAGE_NUMBER_LINE.match(line))
        ):
            dropped += 1
            continue
        lines.append(line)
    if dropped:
        messages.append(f"已去除网页杂项和页码 {dropped} 行（导航、发布时间、来源、打印/关闭等）。")
    lines, joined = _join_page_breaks(lines)
    if joined:
        messages.append(f"已识别 {joined} 处分页残留的页码（如行首的“6、”接续上一句），未当作任务。")
    title, lines = _split_title(lines)
    return Cleaned(title, lines, messages)


def _join_page_breaks(lines: list[str]) -> tuple[list[str], int]:
    """Pasted web text of a paged viewer starts each page with "N、": strip those and join the sentence.

    Two signals: a run of line-start numbers 1, 2, 3 … k that mostly continue the previous line is a
    page numbering as a whole (so page 1, which starts the text, goes too); and any single line-start
    number after a line that stops mid-sentence is a page break whatever its number.
    """
    pages: set[int] = set()
    by_separator: dict[str, list[tuple[int, int]]] = {}
    for i, line in enumerate(lines):
        if m := LINE_MARKER.match(line):
            by_separator.setdefault(m.group(2), []).append((i, int(m.group(1))))
    for marks in by_separator.values():
        run, expected = [], 1  # the numbers 1, 2, 3 … in order, skipping task numbers in between
        for i, n in marks:
            if n == expected:
                run.append(i)
                expected += 1
        continuing = sum(1 for i in run if i > 0 and ends_mid_sentence(lines[i - 1]))
        if len(run) >= 3 and continuing * 4 >= 3 * len([i for i in run if i > 0]):  # 3 in 4 continue
            pages.update(run)
    out: list[str] = []
    joined = 0
    last_item: dict[str, int] = {}  # separator → number of the last line-start item kept
    for i, line in enumerate(lines):
        m = LINE_MARKER.match(line)
        previous = out[-1] if out else ""
        if m and i not in pages:
            n, separator = int(m.group(1)), m.group(2)
            # A number that continues the items before it is an item after an unpunctuated paragraph
            # end ("…内容" / "2.下一项"), but not after a clause cut off mid-way by a page break.
            continues = n == last_item.get(separator, 0) + 1 and not _cut_off(previous)
            if not ends_mid_sentence(previous) or continues:
                last_item[separator] = n
                m = None
        if not m:
            out.append(line)
            continue
        joined += 1
        rest = line[m.end() :]
        if out and (ends_mid_sentence(previous) or rest[:1] in CONTINUING_MARKS):
            out[-1] = previous + rest
        else:
            out.append(rest)
    return out, joined


def _cut_off(line: str) -> bool:
    """The line stops inside a clause: after a comma, or 20+ characters after its last full stop."""
    tail = re.split(r"[。！？；!?;]", line)[-1]
    return line[-1:] in "，,、" or len(tail) >= 20


def _split_title(lines: list[str]) -> tuple[str, list[str]]:
    if not lines:
        return "", lines
    first = lines[0]
    if HEADING_START.match(first):
        return "", lines
    if len(first) <= 60 and not re.search("[。！？!?；;]", first[:-1]):
        title, rest = first.rstrip("。"), lines[1:]
    elif m := TITLE_PREFIX.match(first):
        title, rest = m.group(1), [first[m.end() :].lstrip(" ：:,，"), *lines[1:]]
    else:
        return "", lines
    # Web copies repeat the title (a page heading, then the article heading): keep one.
    return title, [line for line in rest if line and line != title]


# ---------------------------------------------------------------------------------------------------
# 3. Heading hierarchy

# Ranks follow GB/T 9704: 一、 > （一） > 1. > （1） > ①.
BOUNDARY = r"(?:^|(?<=[。！？；!?;]))[ \t]*"
MARKERS = (
    r"(?P<l1>[一二三四五六七八九十]{1,3})(?:[、．]|\.(?!\d))"
    r"|[（(](?P<l2>[一二三四五六七八九十]{1,3})[）)]"
    r"|[（(](?P<l4>\d{1,3})[）)]"
    r"|(?P<l5>[①-⑳])"
    r"|(?P<l3>\d{1,3})(?:(?P<p3>[、.．])(?!\d)|(?=[\u4e00-\u9fff“《]))"
)
CANDIDATE = re.compile(BOUNDARY + "(?:" + MARKERS + ")", re.M)
# The same markers inside a heading's title ("一、固本强基，提升教育服务能级1加快推进…"), not after a digit.
EMBEDDED = re.compile(r"(?<![\d.．])(?:" + MARKERS + ")")
TITLE_END = re.compile(r"[。！？；!?;\n]")
# A bare number followed by one of these is a quantity or a date ("57名", "2019年"), never a heading.
NOT_AFTER_BARE = set(
    "年月日号时分秒个所名人项万亿元次届批门节篇位家片台只条天周岁类期轮班校间套幅场起本册级倍米吨辆块份点"
)


# A run-on enumeration inside a heading ("2.后勤保障迈上新台阶一是完善食堂管理。二是……"): 一是/二是 …,
# 首先/其次/再次/最后, 第一/第二 … (followed by a comma or 是). Each list: its words in order.
ENUM_ORDINALS = "一二三四五六七八九十"
ENUM_WORD = re.compile(
    r"(?P<shi>[一二三四五六七八九十]{1,2})是|(?P<seq>首先|其次|再次|然后|最后)|第(?P<di>[一二三四五六七八九十]{1,2})(?=[，,、是：:])"
)
ENUM_SEQ = ("首先", "其次", "再次", "然后", "最后")
ENUM_WINDOW = 4000  # the second enumerator must follow within this many characters


def _enum_key(m: re.Match) -> tuple[str, int] | None:
    """(family, position) of an enumerator: ("shi", 1) for 一是, ("seq", 1) for 首先 …"""
    if m.group("seq"):
        word = m.group("seq")
        return "seq", (ENUM_SEQ.index(word) + 1 if word != "最后" else 99)
    family = "shi" if m.group("shi") else "di"
    n = cn_to_int(m.group(family))
    return None if n is None else (family, n)


def _enum_follows(text: str, family: str, start: int) -> bool:
    """The enumeration goes on: 二是 / 其次 / 第二 (or 最后) follows at a sentence boundary."""
    for m in ENUM_WORD.finditer(text, start, start + ENUM_WINDOW):
        key = _enum_key(m)
        if key and key[0] == family and key[1] in (2, 99) and _at_boundary(text, m.start()):
            return True
    return False


def _at_boundary(text: str, i: int) -> bool:
    j = i - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    return j < 0 or text[j] in TERMINAL + "\n"


def split_enumeration(text: str) -> list[Item]:
    """"一是完善食堂管理。……二是……。三是……。" → one item per point, numbered 1, 2, 3 (else [])."""
    starts: list[tuple[int, int]] = []  # (position, end of the enumerator word)
    family, expected = None, 1
    for m in ENUM_WORD.finditer(text):
        key = _enum_key(m)
        if key is None or not _at_boundary(text, m.start()):
            continue
        if family is None and key[1] == 1:
            family = key[0]
        elif family is None or key[0] != family or key[1] not in (expected, 99):
            continue
        starts.append((m.start(), m.end()))
        expected += 1
        if key[1] == 99:
            break
    if len(starts) < 2 or text[: starts[0][0]].strip():
        return []
    items = []
    for k, (begin, word_end) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(text)
        point = text[begin:end].strip()
        body = text[word_end:end].lstrip(" ，,、：:")
        stop = TITLE_END.search(body, 0, MAX_TITLE + 1)
        title = body[: stop.start()] if stop else body[:MAX_TITLE]
        rest = body[stop.end() :].strip() if stop else body[MAX_TITLE:].strip()
        items.append(Item(str(k + 1), title.strip(" ，,"), rest, extract_targets(point)))
    return items


@dataclass
class _Node:
    rank: int
    number: int
    label: str | None
    title: str = ""
    parts: list[str] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)
    last_child: dict[int, int] = field(default_factory=dict)  # rank → number of the last child of that rank
    run_on: bool = False  # the title ran straight into 一是 / 首先 / 第一: the points are its items


class _StructureParser:
    def __init__(self, text: str):
        self.text = text
        self.root = _Node(0, 0, None)
        self.stack = [self.root]
        self.global_last: dict[int, int] = {}

    def run(self) -> _Node:
        cursor = 0
        for m in CANDIDATE.finditer(self.text):
            if m.start() < cursor:
                continue  # inside a title we already read
            marker = self._decode(m)
            if marker is None or not self._acceptable(*marker, m.end()):
                continue
            self.stack[-1].parts.append(self.text[cursor : m.start()])
            cursor = self._open(*marker, m.end())
        self.stack[-1].parts.append(self.text[cursor:])
        return self.root

    @staticmethod
    def _decode(m: re.Match) -> tuple[int, int, str, bool] | None:
        """(rank, number, label, bare) of a marker match."""
        kind = m.lastgroup
        if kind in ("l3", "p3"):
            g = m.group("l3")
            return 3, int(g), str(int(g)), kind == "l3"
        g = m.group(kind)
        if kind in ("l1", "l2"):
            n = cn_to_int(g)
            return None if n is None else (1 if kind == "l1" else 2, n, g, False)
        if kind == "l4":
            return 4, int(g), str(int(g)), False
        return 5, CIRCLED.index(g) + 1, str(CIRCLED.index(g) + 1), False

    def _parent(self, rank: int) -> _Node:
        for node in reversed(self.stack):
            if node.rank < rank:
                return node
        return self.root

    def _acceptable(self, rank: int, number: int, label: str, bare: bool, end: int) -> bool:
        last = self._parent(rank).last_child.get(rank)
        if last is not None:
            if number != last + 1:
                return False
        elif number != 1 and number != self.global_last.get(rank, -1) + 1:
            return False
        if bare:
            # "8规范做好招生工作。": a bare number starts a heading only if a short sentence follows.
            if end >= len(self.text) or self.text[end] in NOT_AFTER_BARE:
                return False
            stop = TITLE_END.search(self.text, end, end + MAX_TITLE)
            if stop is None or stop.start() - end > 60:
                return False
        return True

    def _open(self, rank: int, number: int, label: str, bare: bool, end: int) -> int:
        parent = self._parent(rank)
        while self.stack[-1] is not parent:
            self.stack.pop()
        node = _Node(rank, number, label)
        parent.children.append(node)
        parent.last_child[rank] = number
        self.stack.append(node)
        self.global_last[rank] = number
        return self._read_title(node, end)

    def _read_title(self, node: _Node, start: int) -> int:
        """The title runs to the end of the sentence or line, or to a child's marker run into it."""
        stop = TITLE_END.search(self.text, start, start + MAX_TITLE + 1)
        title_end = stop.start() if stop else min(len(self.text), start + MAX_TITLE)
        for em in EMBEDDED.finditer(self.text, start, title_end):
            if em.start() == start:
                continue
            marker = self._decode(em)
            if marker is not None and marker[0] > node.rank and self._acceptable(*marker, em.end()):
                node.title = self.text[start : em.start()].strip(" ，,：:")
                return self._open(*marker, em.end())
        for en in ENUM_WORD.finditer(self.text, start + 2, title_end):
            key = _enum_key(en)
            # "后勤保障迈上新台阶一是完善食堂管理。二是……": the title stops before 一是 / 首先 / 第一.
            if key and key[1] == 1 and self.text[en.start() - 1] not in TERMINAL + "，,、":
                if not _enum_follows(self.text, key[0], en.end()):
                    break  # only the first 一是 / 首先 / 第一 of a title is tried: bounded work per heading
                node.title = self.text[start : en.start()].strip(" ：:")
                node.run_on = True
                return en.start()
        if stop is None:
            # A run-on sentence: cut the title at the first comma, the rest is text.
            comma = re.compile(r"[，,：:]").search(self.text, start, title_end)
            if comma:
                title_end = comma.start()
            node.title = self.text[start:title_end].strip()
            return title_end + (1 if comma else 0)
        node.title = self.text[start:title_end].strip(" ：:")
        return title_end + 1


def cn_to_int(s: str) -> int | None:
    """一 → 1, 十 → 10, 十二 → 12, 二十三 → 23; None for forms that are not a plain count."""
    if "十" not in s:
        return CN_DIGITS.get(s) if len(s) == 1 else None
    tens, _, ones = s.partition("十")
    if "十" in ones or (tens and tens not in CN_DIGITS) or (ones and ones not in CN_DIGITS) or len(s) > 3:
        return None
    return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0)


def _join(parts: list[str]) -> str:
    lines = (line.strip() for part in parts for line in part.split("\n"))
    return "\n".join(line for line in lines if line)


def _to_item(node: _Node) -> Item:
    text, children = _body(node)
    return Item(
        number=node.label,
        title=node.title,
        text=text,
        targets=extract_targets(node.title) + extract_targets(text),
        items=children,
    )


def _body(node: _Node) -> tuple[str, list[Item]]:
    """Text and items of a heading; a run-on enumeration's points become its items (text moves to them)."""
    text = _join(node.parts)
    children = [_to_item(c) for c in node.children]
    if node.run_on and not children and (points := split_enumeration(text)):
        return "", points
    return text, children


def parse_text(text: str, *, fallback_title: str = "") -> ParsedDocument:
    cleaned = clean_lines(text)
    body = "\n".join(cleaned.lines)
    root = _StructureParser(body).run()
    title = cleaned.title or fallback_title
    messages = list(cleaned.messages)
    preamble = _join(root.parts)
    sections: list[Section] = []
    loose: list[_Node] = []  # numbered items outside any 一、二、三 section
    for child in root.children:
        if child.rank == 1:
            text, items = _body(child)
            sections.append(Section(child.label, child.title, text, items))
        elif sections:
            sections[-1].items.append(_to_item(child))
        else:
            loose.append(child)
    if loose:
        sections.insert(0, Section(None, "（未分章节）", "", [_to_item(c) for c in loose]))
        if len(sections) == 1:
            messages.append("未识别到一级标题（一、二、三……），已将全部任务归入一个章节，请核对。")
    flat = not root.children
    if flat:
        paragraphs = [p for p in preamble.split("\n") if p]
        sections = [Section(None, "（未识别章节）", "", [_flat_item(p) for p in paragraphs])]
        preamble = ""
        messages.append(
            "未识别到章节或任务编号（一、二、三…… / 1. 2. 3.），已按段落生成平铺的草稿，每段一条，请逐条核对后再确认。"
        )
    if any(len(p) > LONG_PARAGRAPH for p in body.split("\n")):
        messages.append(f"有段落超过 {LONG_PARAGRAPH:,} 字，可能不是正常的公文段落，请核对原文件。")
    year = None
    if m := YEAR.search(title):
        year = int(m.group(1))
    return ParsedDocument(
        title=title, sections=sections, preamble=preamble, year=year, flat=flat, messages=messages
    )


def _flat_item(paragraph: str) -> Item:
    stop = TITLE_END.search(paragraph, 0, MAX_TITLE + 1)
    if stop:
        title, text = paragraph[: stop.start()], paragraph[stop.end() :].strip()
    else:
        title, text = paragraph[:40], paragraph[40:]
    return Item(None, title, text, extract_targets(paragraph))


# ---------------------------------------------------------------------------------------------------
# 4. Quantitative targets (KPI candidates)

UNITS = "个百分点|平方米|课时|人次|节次|个|所|名|人|项|只|台|片|篇|节|门|次|家|位|元|间|套|条|批|幅|场|本|册|座|辆|块|份|件|张|处|户|支|种|部"
TARGET = re.compile(
    r"(?<![\d.．])(?<!\d[,，])(?<!第)(\d{1,12}(?:\.\d{1,6})?)(?![\d.])\s?(?P<unit>[%％]|[多余]?(?:[万亿][多余]?)?(?:"
    + UNITS
    + r")|[万亿](?![多余\d]))"
)
CLAUSE_DELIM = re.compile(r"[。！？；;，,：:\n]")
CLAUSE_WINDOW = 80


# The same in Chinese numerals: "新增学位八百六十个" → 860 个, "百分之九十五" → 95 %. The numeral must carry a
# 十/百/千/万/亿 ("八百六十", "十二", "两千"), so "一个中心、两所学校" in a phrase is not taken for a target.
CN_NUMERAL = "零〇一二两三四五六七八九十百千万亿"
CN_TARGET = re.compile(
    r"(?<![" + CN_NUMERAL + r"第分])(?P<num>[零〇一二两三四五六七八九十][" + CN_NUMERAL + r"]{0,11})"
    r"[多余]?(?P<unit>" + UNITS + r")"
    r"|百分之(?P<pct>[零〇一二两三四五六七八九十百][" + CN_NUMERAL + r"点]{0,8})"
)
CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def cn_number(s: str) -> int | float | None:
    """八百六十 → 860, 一百零五 → 105, 两千 → 2000, 三万五千 → 35000, 十二 → 12, 九十五点五 → 95.5."""
    whole, _, decimals = s.partition("点")
    if decimals:
        if not all(c in CN_DIGITS for c in decimals) or (base := cn_number(whole)) is None:
            return None
        return float(f"{base}." + "".join(str(CN_DIGITS[c]) for c in decimals))
    total, section, digit = 0, 0, None
    for ch in whole:
        if ch in CN_DIGITS:
            if digit is not None and digit != 0 and CN_DIGITS[ch] != 0:
                return None  # "一一", "三五" are not one number
            digit = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            if digit is None and (ch != "十" or section or total):
                return None
            section += (1 if digit is None else digit) * CN_UNITS[ch]
            digit = None
        elif ch == "万":
            total += (section + (digit or 0)) * 10_000
            section, digit = 0, None
        elif ch == "亿":
            total = (total + section + (digit or 0)) * 100_000_000
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def extract_targets(text: str) -> list[Target]:
    """Number + unit + its clause: "建成理化和英语听说测试标准化考场41个" → Target(41, "个", that clause)."""
    found: list[tuple[int, Target]] = []
    for m in TARGET.finditer(text):
        raw = m.group(1)
        value: int | float = float(raw) if "." in raw else int(raw)
        unit = m.group("unit").replace("多", "").replace("余", "").replace("％", "%")
        found.append((m.start(), Target(value, unit, _clause(text, m.start(), m.end()))))
    for m in CN_TARGET.finditer(text):
        numeral = m.group("num") or m.group("pct")
        if m.group("num") and not any(c in "十百千万亿" for c in numeral):
            continue
        value = cn_number(numeral)
        if not value:
            continue
        unit = m.group("unit") or "%"
        found.append((m.start(), Target(value, unit, _clause(text, m.start(), m.end()))))
    return [target for _, target in sorted(found, key=lambda pair: pair[0])]


def _clause(text: str, start: int, end: int) -> str:
    left = max(0, start - CLAUSE_WINDOW)
    delims = [d.end() for d in CLAUSE_DELIM.finditer(text, left, start)]
    clause_start = delims[-1] if delims else left
    right = CLAUSE_DELIM.search(text, end, end + CLAUSE_WINDOW)
    clause_end = right.start() if right else min(len(text), end + CLAUSE_WINDOW)
    return text[clause_start:clause_end].strip()
