"""The official-style evaluation table (县域义务教育优质均衡发展 资源配置评估表) as .xlsx and .docx:
one row per school part with the seven indicators and pass/fail, then the 差异系数 table."""

from __future__ import annotations

import io

from docx.shared import Pt

from edubureau.core.gongwen import Block, GongwenDocument, Table, write_docx
from edubureau.core.spreadsheets import write_rows_xlsx

from .indicators import INDICATOR_LABELS, INDICATORS, STAGE_LABELS

SCHOOL_HEADERS = ["学段", "学校标识码", "学校名称", "学生数", *[f"{k.upper()} {INDICATOR_LABELS[k]}" for k in INDICATORS],
                  "达标项数", "评估结果", "未达标指标（达标准的百分比）"]  # fmt: skip
CV_HEADERS = ["学段", "指标", "加权平均值", "标准差", "差异系数", "标准（≤）", "是否达标", "计入学校数"]


def _result(passed) -> str:
    return "达标" if passed else ("未达标" if passed is False else "数据不全")


def school_rows(result) -> list[list]:
    rows = []
    for p in sorted(result.parts, key=lambda p: (p.assessment.stage != "小学", p.code)):
        a = p.assessment
        failures = "；".join(f"{s.indicator.upper()}（{100 * s.ratio:.1f}%）" for s in a.shortfalls)
        values = [None if a.values.get(k) is None else round(a.values[k], 2) for k in INDICATORS]
        rows.append([
            STAGE_LABELS[a.stage], a.code, p.name, a.students, *values, a.reached,
            _result(a.passed), failures,
        ])  # fmt: skip
    return rows


def cv_rows(result) -> list[list]:
    rows = []
    for stage, stage_cvs in result.cvs.items():
        for k in INDICATORS:
            c = stage_cvs.indicators[k]
            rows.append([
                STAGE_LABELS[stage], f"{k.upper()} {INDICATOR_LABELS[k]}",
                None if c.mean is None else round(c.mean, 4), None if c.sd is None else round(c.sd, 4),
                None if c.cv is None else round(c.cv, 4), c.threshold, _result(c.passed), len(c.schools),
            ])  # fmt: skip
    return rows


def evaluation_xlsx(result, year) -> io.BytesIO:
    buffer = io.BytesIO()
    write_rows_xlsx(
        buffer,
        [
            ("学校资源配置评估表", SCHOOL_HEADERS, school_rows(result)),
            ("差异系数", CV_HEADERS, cv_rows(result)),
        ],
        notes=[("说明", [f"{year} 县域义务教育优质均衡发展 资源配置评估表", *_method_lines(result)])],
    )
    buffer.seek(0)
    return buffer


def _method_lines(result) -> list[str]:
    s = result.settings
    return [
        "依据：《县域义务教育优质均衡发展督导评估办法》（教督〔2017〕6号）。",
        f"学校达标：7 项指标中至少 {s.min_reached} 项达到标准，其余不低于标准的 {s.floor_share:.0%}。",
        "差异系数按学生数加权计算，标准见“差异系数”表。",
        *[f"{name}：{reason}" for _code, name, reason in result.excluded],
    ]


def evaluation_docx(result, year) -> io.BytesIO:
    """The evaluation table in the 公文 layout (core.gongwen) on landscape A4: 14 columns of figures."""
    headers = ["学段", "学校标识码", "学校名称", "学生数", *[k.upper() for k in INDICATORS], "达标项数", "评估结果",
               "未达标指标"]  # fmt: skip
    blocks: list[Block | Table] = [Block(text=line) for line in _method_lines(result)]
    blocks += [
        Block(level=1, heading="一、学校资源配置指标"),
        Table(headers, school_rows(result), size=Pt(7.5)),
        Block(text="指标：" + "；".join(f"{k.upper()} {INDICATOR_LABELS[k]}" for k in INDICATORS)),
        Block(level=1, heading="二、校际差异系数"),
        Table(CV_HEADERS, cv_rows(result), size=Pt(9)),
    ]
    document = GongwenDocument(f"{year} 县域义务教育优质均衡发展 资源配置评估表", blocks, landscape=True)
    return io.BytesIO(write_docx(document))
