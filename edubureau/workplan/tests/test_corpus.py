"""A corpus of small documents written for these tests (not copies of real ones), one or more shapes each:
run-on enumerations (一是 / 首先 / 第一), web-page furniture before the start and after the end, targets in
Chinese numerals, full- and half-width numbering, every heading level, and bold unnumbered .docx headings.
"""

from pathlib import Path

import pytest

from edubureau.workplan.parsing import parse_bytes, parse_file

from .samples import bold_docx

CORPUS = Path(__file__).parent / "corpus"


def outline(items):
    """(number, title, [children]) for every item, recursively; leaves have no children list."""
    return [(i.number, i.title, outline(i.items)) if i.items else (i.number, i.title) for i in items]


def targets(doc):
    """(value, unit) of every target of every task and sub-task, in document order."""

    def walk(items):
        for item in items:
            yield from ((t.value, t.unit) for t in item.targets)
            yield from walk(item.items)

    return [t for section in doc.sections for t in walk(section.items)]


RUNON = [("1", "完善食堂管理"), ("2", "加强校车安全管理，开展专项检查"), ("3", "推进校园节能改造")]
EXPECTED = {
    "01-runon-yishi.txt": (
        "2023年东湖区教育局工作总结",
        [
            ("一", "主要成绩", [("1", "教育质量稳步提升"), ("2", "后勤保障迈上新台阶", RUNON), ("3", "教育督导扎实开展")]),
            ("二", "存在问题", []),
        ],
        [(12, "所")],
    ),
    "02-runon-shouxian.txt": (
        "西岭区教育局2022年工作总结",
        [
            (
                "一",
                "队伍建设",
                [
                    ("1", "师德师风建设成效明显", [("1", "完善师德考核办法"), ("2", "开展师德主题教育"), ("3", "建立师德档案")]),
                    ("2", "校长队伍持续优化"),
                ],
            ),
            ("二", "下一步打算", []),
        ],
        [(15, "名")],
    ),
    "03-runon-diyi.txt": (
        "南湖区2024年教育工作要点",
        [
            (
                "一",
                "安全稳定",
                [
                    ("1", "校园安全常抓不懈", [("1", "排查整改安全隐患"), ("2", "开展应急疏散演练每学期2次"), ("3", "配齐专职保安")]),
                    ("2", "加强心理健康教育"),
                ],
            ),
            ("二", "民生实事", [("3", "新建幼儿园3所")]),
        ],
        [(2, "次"), (3, "所")],
    ),
    "04-web-furniture-end.txt": (
        "2021年北山区教育局工作要点",
        [("一", "深化教育改革", [("1", "推进集团化办学"), ("2", "深化课程改革")]), ("二", "保障措施", [("3", "加强经费保障")])],
        [(4, "个")],
    ),
    "05-web-nav-start.txt": (
        "东川区教育局2020年工作计划",
        [
            ("一", "基础教育", [("1", "扩大学前教育资源"), ("2", "推进义务教育优质均衡发展")]),
            ("二", "职业教育", [("3", "深化产教融合")]),
        ],
        [],
    ),
    "06-cn-numeral-targets.txt": (
        "2025年青石区教育局工作要点",
        [
            ("一", "扩大优质资源", [("1", "新建改扩建学校"), ("2", "加强教师培训")]),
            ("二", "提升办学质量", [("3", "推进优质均衡")]),
        ],
        [(860, "个"), (12, "所"), (1200, "人次"), (95, "%")],
    ),
    "07-fullwidth-numbers.txt": (
        "2023年玉泉区教育工作要点",
        [("一", "立德树人", [("1", "加强思政课程建设"), ("2", "深化劳动教育")]), ("二", "教育保障", [("3", "完善经费保障机制")])],
        [(5, "个")],
    ),
    "08-paren-levels.txt": (
        "清河区教育局2022年工作要点",
        [
            (
                "一",
                "推进教育现代化",
                [
                    ("一", "优化资源布局", [("1", "新建学校", [("1", "完成选址论证"), ("2", "启动土建工程")]), ("2", "改造老旧校舍")]),
                    ("二", "深化教育改革", [("3", "推进招生改革")]),
                ],
            ),
            ("二", "加强党的建设", [("4", "落实全面从严治党")]),
        ],
        [],
    ),
    "09-halfwidth-punct.txt": (
        "2024年松江湾区教育局工作计划",
        [
            ("一", "学前教育", [("1", "普及普惠"), ("2", "提升保教质量")]),
            ("二", "义务教育", [("3", "推进集团化办学", [("1", "组建集团"), ("2", "共享课程")])]),
        ],
        [],
    ),
    "10-final-paragraph-kept.txt": (
        "2022年河西区教育局工作要点",
        [("一", "重点任务", [("1", "推进课后服务全覆盖"), ("2", "加强体育美育")]), ("二", "工作要求", [])],
        [],
    ),
    "11-mixed-runon-web.txt": (
        "2021年东湖区教育局工作总结",
        [
            (
                "一",
                "工作成效",
                [("1", "办学条件持续改善", [("1", "新增学位六百个"), ("2", "改造运动场十片")]), ("2", "教师队伍素质提升")],
            ),
            ("二", "明年打算", [("3", "继续推进优质均衡")]),
        ],
        [(600, "个"), (10, "片")],
    ),
    "12-circled-points.txt": (
        "北湖区教育局2023年工作要点",
        [
            (
                "一",
                "提高育人质量",
                [
                    ("1", "深化课堂教学改革", [("1", "推广项目化学习"), ("2", "开展教学评比")]),
                    ("2", "加强作业管理", [("1", "建立作业公示制度")]),
                ],
            ),
            ("二", "保障措施", [("3", "强化督导考核")]),
        ],
        [],
    ),
}  # fmt: skip

# Web-page furniture that must not be left in any parsed document of the corpus.
FURNITURE = [
    "相关",
    "分享",
    "上一篇",
    "下一篇",
    "返回",
    "http",
    "栏目",
    "首页",
    "网站",
    "字号",
    "来源",
    "发布",
]


def test_the_corpus_has_at_least_12_documents_and_each_is_expected():
    assert len(EXPECTED) >= 12
    assert sorted(p.name for p in CORPUS.glob("*.txt")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_it_parses_each_corpus_document(name):
    title, sections, expected_targets = EXPECTED[name]
    doc = parse_file(CORPUS / name)

    assert doc.title == title
    assert [(s.number, s.title, outline(s.items)) for s in doc.sections] == sections
    assert targets(doc) == expected_targets
    assert not doc.flat
    dump = str(doc.as_dict()) + doc.preamble
    assert [word for word in FURNITURE if word in dump] == []


def test_it_keeps_the_closing_paragraphs_of_a_web_copy_but_not_its_related_list():
    doc = parse_file(CORPUS / "10-final-paragraph-kept.txt")

    assert doc.sections[-1].text.split("\n") == [
        "各单位要高度重视，结合实际制定实施方案，确保各项任务落到实处。",
        "更多",
        "本要点由区教育局负责解释，自印发之日起施行。",
    ]


def test_it_keeps_the_text_of_a_run_on_enumeration_in_its_points():
    doc = parse_file(CORPUS / "01-runon-yishi.txt")

    item = doc.sections[0].items[1]
    assert item.text == "" and item.targets == []
    assert item.items[0].text == "建成明厨亮灶食堂12所。"
    assert [(t.value, t.unit, t.text) for t in item.items[0].targets] == [(12, "所", "建成明厨亮灶食堂12所")]


def test_it_parses_a_docx_with_bold_unnumbered_headings_and_run_on_points():
    data = bold_docx([
        ("2023年南山区教育局工作总结", True),
        ("一年来，全区教育工作取得新进展。", False),
        ("办学条件明显改善", True),
        ("1.校舍建设提速一是新增学位八百六十个。二是改造薄弱学校5所。", False),
        ("2.信息化水平提升。", False),
        ("教育质量稳步提高", True),
        ("3.课程改革深入推进。", False),
    ])  # fmt: skip
    doc = parse_bytes(data, "总结.docx")

    assert doc.title == "2023年南山区教育局工作总结"
    assert doc.preamble == "一年来，全区教育工作取得新进展。"
    assert [(s.number, s.title, outline(s.items)) for s in doc.sections] == [
        ("一", "办学条件明显改善", [("1", "校舍建设提速", [("1", "新增学位八百六十个"), ("2", "改造薄弱学校5所")]), ("2", "信息化水平提升")]),
        ("二", "教育质量稳步提高", [("3", "课程改革深入推进")]),
    ]  # fmt: skip
    assert targets(doc) == [(860, "个"), (5, "所")]
