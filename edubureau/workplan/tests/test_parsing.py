"""The document parser (pure, no database): samples, headings, page artefacts, targets, bad input."""

import io
import re
import time
import zipfile

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edubureau.workplan import parsing
from edubureau.workplan.parsing import ParseError, extract_targets, parse_bytes, parse_file, parse_text

from .samples import bold_docx, sample


def titles(section):
    return [(i.number, i.title) for i in section.items]


def test_it_parses_the_2019_workplan_points_into_3_sections_and_19_tasks():
    doc = parse_file(sample("workplan-points-2019.txt"))
    assert doc.title == "2019年上海市嘉定区教育局工作要点"
    assert doc.year == 2019
    assert [s.number for s in doc.sections] == ["一", "二", "三"]
    assert [len(s.items) for s in doc.sections] == [8, 7, 4]
    tasks = [i for s in doc.sections for i in s.items]
    assert [i.number for i in tasks] == [str(n) for n in range(1, 20)]
    assert tasks[0].title == "加快推进教育现代化"
    assert tasks[-1].title == "加强校园安全与卫生保健监管实效"
    assert doc.sections[0].title == "固本强基,提升教育服务能级"
    assert doc.preamble.startswith("2019年,嘉定教育工作要以")
    # The web viewer's page numbers ("6、深化教师队伍建设办法") were joined back into their sentences.
    assert "研究本区深化教师队伍建设办法" in tasks[6].text
    assert not any("由会员分享" in s.text or "taowenge" in doc.preamble for s in doc.sections)


def test_it_finds_the_kpi_candidates_of_the_2019_sample():
    doc = parse_file(sample("workplan-points-2019.txt"))
    tasks = {i.number: i for s in doc.sections for i in s.items}
    exam_rooms = [t for t in tasks["12"].targets if t.unit == "个"]
    assert [(t.value, t.text) for t in exam_rooms] == [(41, "2019年计划建成理化和英语听说测试标准化考场41个")]
    assert [(t.value, t.unit) for t in tasks["3"].targets][:2] == [(10, "个"), (14, "个")]


def test_it_parses_the_2020_progress_summary():
    doc = parse_file(sample("progress-summary-2020.txt"))
    assert doc.title == "2020年教育局重点工作推进情况总结"
    assert [(s.number, s.title) for s in doc.sections] == [
        ("一", "特色亮点"),
        ("二", "完成情况"),
        ("三", "问题挑战"),
    ]
    assert [len(s.items) for s in doc.sections] == [0, 8, 2]
    assert doc.sections[0].text.startswith("2020年上半年")
    assert doc.sections[2].items[0].title == "教育基本建设和发展项目存在资金压力"
    first = doc.sections[1].items[0]
    assert (172, "万只", "发放172万只口罩等各类防疫物质") in [
        (t.value, t.unit, t.text) for t in first.targets
    ]
    second = doc.sections[1].items[1]
    assert (99.96, "%", "在校学生参加线上学习的覆盖比例为99.96%") in [
        (t.value, t.unit, t.text) for t in second.targets
    ]
    # A paragraph without a number belongs to the task before it.
    assert "45所公建配套民办幼儿园" in doc.sections[1].items[2].text
    # The site's banner and the repeated title are gone.
    assert "本站" not in doc.preamble and "【正文】" not in doc.preamble


def test_it_gives_the_issue_shape_as_json():
    doc = parse_text("2024年工作要点\n一、总体要求\n1.完成3所学校建设。年底前完成。")
    assert doc.as_dict() == {
        "title": "2024年工作要点",
        "sections": [
            {
                "number": "一",
                "title": "总体要求",
                "text": "",
                "items": [
                    {
                        "number": "1",
                        "title": "完成3所学校建设",
                        "text": "年底前完成。",
                        "targets": [{"value": 3, "unit": "所", "text": "完成3所学校建设"}],
                        "items": [],
                    }
                ],
            }
        ],
    }


def test_it_nests_all_heading_levels():
    text = "\n".join(
        [
            "某区教育局工作要点",
            "一、党建引领",
            "（一）加强班子建设",
            "1.落实责任。全年开展4次督查。",
            "（1）制定清单。",
            "（2）跟踪问效。",
            "①按月通报。",
            "2.强化监督。",
            "（二）改进作风",
            "二、教育质量",
            "（一）课程改革",
        ]
    )
    doc = parse_text(text)
    first = doc.sections[0]
    assert titles(first) == [("一", "加强班子建设"), ("二", "改进作风")]
    tasks = first.items[0].items
    assert [(i.number, i.title) for i in tasks] == [("1", "落实责任"), ("2", "强化监督")]
    assert [(i.number, i.title) for i in tasks[0].items] == [("1", "制定清单"), ("2", "跟踪问效")]
    assert [(i.number, i.title) for i in tasks[0].items[1].items] == [("1", "按月通报")]
    assert titles(doc.sections[1]) == [("一", "课程改革")]


def test_it_does_not_make_a_task_of_a_page_number_that_continues_a_sentence():
    text = "\n".join(
        [
            "2021年工作要点",
            "一、提升质量",
            "1、推进课程改革。深化课程与教学改革，进一步完善评价体系，加强对学校日常教学工作的指导和",
            "6、监督，确保质量稳步提升。",
            "2、加强队伍建设。开展培训。",
        ]
    )
    doc = parse_text(text)
    assert titles(doc.sections[0]) == [("1", "推进课程改革"), ("2", "加强队伍建设")]
    assert "指导和监督，确保质量稳步提升。" in doc.sections[0].items[0].text


def test_it_ignores_numbers_that_break_the_numbering():
    doc = parse_text(
        "工作要点\n一、资源建设\n1.开工建设。计划开工10个项目。\n7.年底完成。\n2.交付使用。全年新增学位。"
    )
    assert titles(doc.sections[0]) == [("1", "开工建设"), ("2", "交付使用")]
    assert "7.年底完成。" in doc.sections[0].items[0].text


def test_it_continues_numbering_across_sections_or_restarts_it():
    continuing = parse_text("要点\n一、甲\n1.子一。\n2.子二。\n二、乙\n3.子三。")
    restarting = parse_text("要点\n一、甲\n1.子一。\n2.子二。\n二、乙\n1.子三。")
    assert [len(s.items) for s in continuing.sections] == [2, 1]
    assert [len(s.items) for s in restarting.sections] == [2, 1]


def test_it_strips_web_page_boilerplate():
    text = "\n".join(
        [
            "首页 > 通知公告 > 正文",
            "关于印发2022年工作要点的通知",
            "发布时间：2022-02-10  来源：区教育局  浏览次数：1024",
            "一、重点任务",
            "1.新开办学校。新开办12所中小幼学校。",
            "【打印本页】【关闭窗口】",
            "分享到：",
            "上一篇：关于做好寒假工作的通知",
        ]
    )
    doc = parse_text(text)
    assert doc.title == "关于印发2022年工作要点的通知"
    assert titles(doc.sections[0]) == [("1", "新开办学校")]
    assert doc.sections[0].items[0].text == "新开办12所中小幼学校。"
    assert any("网页杂项" in m for m in doc.messages)


def test_it_gives_a_flat_draft_when_there_are_no_headings():
    doc = parse_text("会议纪要\n会议讨论了学校建设问题。决定开工5个项目。\n会议要求加强安全管理。")
    assert doc.flat
    assert [s.number for s in doc.sections] == [None]
    assert [i.title for i in doc.sections[0].items] == ["会议讨论了学校建设问题", "会议要求加强安全管理"]
    assert any("未识别到章节或任务编号" in m for m in doc.messages)


@pytest.mark.parametrize(
    ("clause", "value", "unit"),
    [
        ("建成理化和英语听说测试标准化考场41个", 41, "个"),
        ("发放172万只口罩", 172, "万只"),
        ("覆盖比例为99.96%", 99.96, "%"),
        ("立项区级项目143个", 143, "个"),
        ("完成350余节空中课堂录制", 350, "节"),
        ("共捐赠500万元", 500, "万元"),
    ],
)
def test_it_extracts_quantitative_targets(clause, value, unit):
    found = extract_targets(f"前文，{clause}。后文")
    assert [(t.value, t.unit, t.text) for t in found] == [(value, unit, clause)]


def test_it_does_not_take_years_ordinals_or_dates_for_targets():
    assert extract_targets("2019年9月开学，举办第22届活动，推进教育信息化2.0行动，开展1+1+X培训") == []


# --- bad input -----------------------------------------------------------------------------------


def test_it_reads_gbk_and_utf8_bom_text():
    text = "2023年工作要点\n一、质量\n1.建设考场。建成考场41个。"
    for data in (
        text.encode("gbk"),
        text.encode("gb18030"),
        b"\xef\xbb\xbf" + text.encode(),
        text.encode("utf-16"),
    ):
        assert parse_bytes(data, "要点.txt").sections[0].items[0].targets[0].value == 41


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "a.txt", "空文件"),
        (b"  \n\t ", "a.txt", "空文件"),
        (bytes(range(256)) * 20, "a.txt", "二进制"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a.txt", "二进制"),
        (b"just some text", "a.pdf", "不支持的文件类型"),
        (b"not a zip at all", "a.docx", "不是有效的 .docx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "a.xls", "Office 97-2003"),
    ],
)
def test_it_refuses_bad_files_with_a_clear_message(data, name, message):
    with pytest.raises(ParseError, match=message):
        parse_bytes(data, name)


def test_it_refuses_a_docx_that_is_really_another_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("photos/1.jpg", b"\xff\xd8\xff")
    with pytest.raises(ParseError, match="普通的 zip 压缩包"):
        parse_bytes(buffer.getvalue(), "要点.docx")


def test_it_explains_a_doc_without_libreoffice(monkeypatch):
    monkeypatch.setattr(parsing.shutil, "which", lambda name: None)
    with pytest.raises(ParseError, match="没有安装 LibreOffice.*另存为"):
        parse_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "要点.doc")


def test_it_reads_a_word_97_doc_through_libreoffice(tmp_path):
    import os
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("LibreOffice (soffice) not found: .ci/run installs libreoffice-writer-nogui")
        pytest.skip("LibreOffice 未安装")
    document = docx.Document()
    for line in ("2024年工作要点", "一、资源建设", "1.加快学校建设。计划开工10个项目。", "2.改善办学条件。建成标准化考场41个。",
                 "二、队伍建设", "3.加强教师培训。培训教师1200人次。"):  # fmt: skip
        document.add_paragraph(line)
    document.save(tmp_path / "要点.docx")
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "doc",
         "--outdir", str(tmp_path / "out"), str(tmp_path / "要点.docx")],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    data = (tmp_path / "out" / "要点.doc").read_bytes()
    assert data.startswith(b"\xd0\xcf\x11\xe0")  # really the Word 97-2003 format
    parsed = parse_bytes(data, "要点.doc")
    sections = parsed.sections
    assert [s.title for s in sections] == ["资源建设", "队伍建设"]
    assert [len(s.items) for s in sections] == [2, 1]
    assert [(t.value, t.unit) for t in sections[0].items[1].targets] == [(41, "个")]


def test_it_reads_a_docx_in_order_with_word_numbering():
    document = docx.Document()
    document.add_paragraph("2024年工作要点")
    document.add_paragraph("一、资源建设")
    document.add_paragraph("开工建设。计划开工10个项目。", style="List Number")
    table = document.add_table(rows=1, cols=1)
    table.cell(0, 0).text = "表格中的说明。"
    document.add_paragraph("交付使用。新增学位2000个。", style="List Number")
    buffer = io.BytesIO()
    document.save(buffer)
    doc = parse_bytes(buffer.getvalue(), "要点.docx")
    assert doc.title == "2024年工作要点"
    assert titles(doc.sections[0]) == [("1", "开工建设"), ("2", "交付使用")]
    assert "表格中的说明。" in doc.sections[0].items[0].text


def test_it_refuses_an_oversized_file(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * (parsing.MAX_BYTES + 1))
    with pytest.raises(ParseError, match="文件过大"):
        parse_file(path)


def test_it_parses_10_mb_of_one_paragraph_in_seconds():
    text = "加强教育现代化建设，推进学校发展" * (10 * 1024 * 1024 // 48)
    started = time.perf_counter()
    doc = parse_bytes(text.encode(), "one.txt")
    assert time.perf_counter() - started < 20  # linear regexes: a few seconds, never a hang
    assert doc.flat and any("超过 100,000 字" in m for m in doc.messages)


# --- properties ----------------------------------------------------------------------------------

ALPHABET = st.sampled_from(list("一二三、（）()1234567890.．。，,；\n 个所万%名年第加强教育学校考场①②"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=ALPHABET, max_size=400))
def test_it_never_crashes_and_targets_appear_in_their_clause(text):
    doc = parse_text(text)
    assert isinstance(doc.as_dict()["sections"], list)

    def walk(items):
        for item in items:
            for target in item.targets:
                raw = f"{target.value:g}" if isinstance(target.value, float) else str(target.value)
                numerals = re.findall(f"[{parsing.CN_NUMERAL}点]+", target.text)
                assert raw in target.text.replace("．", ".") or any(
                    parsing.cn_number(n) == target.value for n in numerals
                )
            walk(item.items)

    for section in doc.sections:
        walk(section.items)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_it_never_crashes_on_any_text(text):
    doc = parse_text(text)
    assert doc.task_count() >= 0


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_it_reads_any_bytes_or_refuses_them_with_a_parse_error(data):
    try:
        doc = parse_bytes(data, "x.txt")
    except ParseError as e:
        assert str(e)
    else:
        assert doc.sections


def test_it_writes_out_chinese_word_numbering_of_a_docx():
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>'
        "</w:abstractNum>"
    ))  # fmt: skip
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    document.add_paragraph("2025年工作要点")
    for level, text in [
        (0, "固本强基"),
        (1, "加快推进教育现代化。内容"),
        (1, "深化改革。内容"),
        (0, "质量攻坚"),
        (1, "课程改革。"),
    ]:
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'
        ))  # fmt: skip
    buffer = io.BytesIO()
    document.save(buffer)
    doc = parse_bytes(buffer.getvalue(), "要点.docx")
    assert [(s.number, s.title) for s in doc.sections] == [("一", "固本强基"), ("二", "质量攻坚")]
    assert [titles(s) for s in doc.sections] == [
        [("1", "加快推进教育现代化"), ("2", "深化改革")],
        [("1", "课程改革")],
    ]


def test_it_tells_a_page_number_from_the_next_item_by_the_cut_clause():
    text = "\n".join(
        [
            "2021年工作要点",
            "一、提升质量",
            "1、推进课程改革。开展培训。",
            "2、加强队伍建设。深化教师队伍建设改革，进一步完善教师招聘和培养评价体系，加强对新教师的指导和",
            "3、帮助，确保质量稳步提升。",
            "3、完善督导评估。开展专项督导",
            "4、强化安全管理。开展排查。",
        ]
    )
    doc = parse_text(text)
    assert titles(doc.sections[0]) == [("1", "推进课程改革"), ("2", "加强队伍建设"), ("3", "完善督导评估"),
                                       ("4", "强化安全管理")]  # fmt: skip
    assert "加强对新教师的指导和帮助，确保质量稳步提升。" in doc.sections[0].items[1].text


@pytest.mark.parametrize(
    "heading, points",
    [
        ("2.后勤保障迈上新台阶一是完善食堂管理。二是加强校车安全。三是推进节能改造。", ["完善食堂管理", "加强校车安全", "推进节能改造"]),
        ("2.队伍建设成效明显首先，加强师德。其次，开展培训。最后，完善考核。", ["加强师德", "开展培训", "完善考核"]),
        ("2.安全工作常抓不懈第一，排查隐患。第二，开展演练。", ["排查隐患", "开展演练"]),
    ],
)
def test_it_splits_a_title_from_a_run_on_enumeration(heading, points):
    doc = parse_text(f"某区教育局工作总结\n一、主要成绩\n1.教学质量稳步提升。\n{heading}\n3.教育督导扎实开展。")

    items = doc.sections[0].items
    assert len(items) == 3 and items[2].title == "教育督导扎实开展"
    assert items[1].title in heading and items[1].title.endswith(("新台阶", "明显", "不懈"))
    assert [p.title for p in items[1].items] == points
    assert [p.number for p in items[1].items] == [str(k) for k in range(1, len(points) + 1)]
    assert items[1].text == ""


def test_it_keeps_a_title_whose_words_only_look_like_an_enumerator():
    doc = parse_text("某区教育局工作要点\n一、基础教育\n1.办好第一课堂和第二课堂。丰富课程。\n2.提升质量。")

    item = doc.sections[0].items[0]
    assert item.title == "办好第一课堂和第二课堂"
    assert item.items == []


WEB_PAGE = """网站首页
机构概况
政务公开
首页 > 通知公告 > 正文
2021年某区教育局工作要点
发布时间：2021-02-03 来源：区教育局
一、深化教育改革
1.推进集团化办学。
2.加强校长队伍建设。
二、保障措施
各单位要加强组织领导，确保各项任务落实到位。
分享到：
微信 微博
相关阅读
区教育局召开2021年工作会议
我区三所学校获评市级示范校
上一篇：关于做好寒假工作的通知
下一篇：2020年教育统计公报
栏目：通知公告
http://edu.example.gov.cn/art/2021/2/3.html
更多>>
返回顶部
"""


def test_it_drops_site_furniture_before_the_start_and_after_the_end():
    doc = parse_text(WEB_PAGE)

    assert doc.title == "2021年某区教育局工作要点"
    assert doc.preamble == ""
    assert [s.title for s in doc.sections] == ["深化教育改革", "保障措施"]
    assert doc.sections[-1].text == "各单位要加强组织领导，确保各项任务落实到位。"
    assert "相关阅读" not in str(doc.as_dict()) and "示范校" not in str(doc.as_dict())


def test_it_keeps_a_final_content_paragraph_after_a_furniture_like_line():
    text = WEB_PAGE.replace(
        "相关阅读\n", "更多\n附：本要点由区教育局负责解释，自印发之日起施行。\n相关阅读\n"
    )
    doc = parse_text(text)

    last = doc.sections[-1].text
    assert last.endswith("附：本要点由区教育局负责解释，自印发之日起施行。")
    assert "示范校" not in last


def test_it_keeps_short_lines_that_are_not_after_an_end_marker():
    doc = parse_text("某区教育局工作总结\n一、主要工作\n1.推进课程改革。\n某区教育局\n2021年1月5日")

    assert doc.sections[0].items[0].text.split("\n") == ["某区教育局", "2021年1月5日"]


@pytest.mark.parametrize(
    ("clause", "value", "unit"),
    [
        ("新增学位八百六十个", 860, "个"),
        ("培训教师一千二百余人次", 1200, "人次"),
        ("新建改扩建学校十二所", 12, "所"),
        ("惠及学生三万五千名", 35000, "名"),
        ("新建幼儿园一百零五所", 105, "所"),
        ("优质均衡覆盖率达到百分之九十五点五", 95.5, "%"),
    ],
)
def test_it_extracts_targets_written_in_chinese_numerals(clause, value, unit):
    found = extract_targets(f"前文，{clause}。后文")
    assert [(t.value, t.unit, t.text) for t in found] == [(value, unit, clause)]


def test_it_does_not_take_chinese_ordinals_or_phrases_for_targets():
    assert extract_targets("建成一个中心、两所学校，举办第十二届运动会，落实十四五规划，二〇二一年九月") == []


def test_it_keeps_targets_in_text_order_whatever_their_numerals():
    found = extract_targets("新增学位八百六十个，建成考场41个")
    assert [(t.value, t.unit) for t in found] == [(860, "个"), (41, "个")]


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("十", 10), ("十二", 12), ("二十三", 23), ("八百六十", 860), ("两千", 2000), ("三万五千", 35000), ("一一", None)],
)
def test_it_reads_chinese_numerals(numeral, value):
    assert parsing.cn_number(numeral) == value


def test_it_reads_half_and_full_width_numbering():
    doc = parse_text(
        "某区教育局工作要点\n一、甲项工作\n１．推进集团化办学。\n２、加强队伍建设。\n（１）开展培训。\n(2)完善考核。\n"
        "二.乙项工作\n３．完善督导。\n①开展专项督导。\n②开展综合督导。"
    )

    assert [(s.number, s.title) for s in doc.sections] == [("一", "甲项工作"), ("二", "乙项工作")]
    assert [titles(s) for s in doc.sections] == [
        [("1", "推进集团化办学"), ("2", "加强队伍建设")],
        [("3", "完善督导")],
    ]
    assert [(i.number, i.title) for i in doc.sections[0].items[1].items] == [("1", "开展培训"), ("2", "完善考核")]
    assert [(i.number, i.title) for i in doc.sections[1].items[0].items] == [
        ("1", "开展专项督导"),
        ("2", "开展综合督导"),
    ]


def test_it_takes_bold_unnumbered_paragraphs_of_a_docx_for_headings():
    data = bold_docx([
        ("2024年某区教育局工作要点", True),
        ("今年全区教育工作的总体要求是稳中求进。", False),
        ("深化教育综合改革", True),
        ("1.推进集团化办学。新增学位八百六十个。", False),
        ("2.深化课程改革。", False),
        ("加强教师队伍建设", True),
        ("3.开展全员培训。", False),
        ("附件", True),
    ])  # fmt: skip
    doc = parse_bytes(data, "要点.docx")

    assert doc.title == "2024年某区教育局工作要点"
    assert [(s.number, s.title) for s in doc.sections] == [("一", "深化教育综合改革"), ("二", "加强教师队伍建设")]
    assert [titles(s) for s in doc.sections] == [[("1", "推进集团化办学"), ("2", "深化课程改革")], [("3", "开展全员培训")]]
    assert [(t.value, t.unit) for t in doc.sections[0].items[0].targets] == [(860, "个")]


def test_it_leaves_bold_phrases_alone_when_the_docx_numbers_its_headings():
    data = bold_docx([
        ("某区教育局工作要点", True),
        ("一、深化改革", False),
        ("重点任务", True),
        ("1.推进集团化办学。", False),
    ])  # fmt: skip
    doc = parse_bytes(data, "要点.docx")

    assert [s.title for s in doc.sections] == ["深化改革"]
    assert doc.sections[0].text == "重点任务"
