"""Documents written from the plan's data: the year-end 工作总结, a 推进情况 report for a date range, the
plan as a 工作要点 .docx, and the 任务台账 .xlsx.

Every figure is read from the database when the document is generated (KPI actuals through
services.kpi_actual, so live metrics are computed then), and the text is built as a plain
GongwenDocument that gongwen.write_docx lays out per GB/T 9704. `preview_sections` gives the same
paragraphs for the summary page.
"""

from __future__ import annotations

import datetime
import io
from collections import defaultdict
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from edubureau.core.gongwen import Block, GongwenDocument, chinese_date, write_docx
from edubureau.core.spreadsheets import write_rows_xlsx

from . import services
from .models import Plan, ProgressReport, Target, Task, TaskStatus, chinese_numeral

Part = tuple[str, list[Block]]  # (heading without its number, blocks)


# --- reading the plan ----------------------------------------------------------------------------


def _tasks(plan: Plan) -> list[Task]:
    """Every task of the plan with what the documents use, in a fixed number of queries."""
    return list(
        Task.objects.filter(plan=plan)
        .select_related("plan", "section", "lead_department", "parent")
        .prefetch_related(
            Prefetch("targets", queryset=Target.objects.order_by("pk")),
            "milestones",
            Prefetch("reports", queryset=ProgressReport.objects.order_by("-period_start", "-pk")),
            "cooperating_departments",
            "cooperating_schools",
        )
        .order_by("section__order", "parent_id", "number")
    )


def _tree(plan: Plan) -> list[tuple[object, list[tuple[Task, list[Task]]]]]:
    """[(section, [(task, [sub-task, …]), …]), …] in document order."""
    tasks = _tasks(plan)
    children = defaultdict(list)
    for task in tasks:
        if task.parent_id:
            children[task.parent_id].append(task)
    by_section = defaultdict(list)
    for task in tasks:
        if not task.parent_id:
            by_section[task.section_id].append((task, sorted(children[task.id], key=lambda t: t.number)))
    return [(section, by_section[section.id]) for section in plan.sections.order_by("order")]


def figure(value: Decimal | int | float | None) -> str:
    """41 → "41", Decimal("99.960") → "99.96", 12000.50 → "12000.5"."""
    if value is None:
        return ""
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    text = f"{value.normalize():f}"
    return text


def kpi_sentence(target: Target) -> str:
    """ "建成标准化考场：目标41个，实际完成38个，完成率92%。" — the figures of one KPI, as of now."""
    actual = services.kpi_actual(target)
    unit = target.unit
    parts = [target.description.rstrip("。")]
    if target.target_value is not None:
        parts.append(f"目标{figure(target.target_value)}{unit}")
    if actual is not None:
        parts.append(f"实际完成{figure(actual)}{unit}")
        attainment = services.kpi_attainment(target)
        if attainment is not None:
            parts.append(f"完成率{attainment}%")
    else:
        parts.append("尚未报送实际值")
    return f"{parts[0]}：{'，'.join(parts[1:])}。"


def _first_sentence(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    end = text.find("。")
    sentence = text[: end + 1] if 0 <= end < limit else text[:limit]
    return sentence if sentence.endswith("。") or not sentence else sentence + "。"


def _latest_report(task: Task, start=None, end=None) -> ProgressReport | None:
    for report in task.reports.all():  # prefetched newest first
        if (start is None or report.period_start >= start) and (end is None or report.period_start <= end):
            return report
    return None


def _task_paragraph(task: Task, subtasks: list[Task], *, reports_until=None) -> str:
    sentences = []
    report = _latest_report(task, end=reports_until)
    if report:
        sentences.append(_first_sentence(report.text, 200))
    sentences += [kpi_sentence(t) for t in task.targets.all()]
    status = task.status
    if status == TaskStatus.DONE:
        sentences.append("该项任务已完成。")
    elif status == TaskStatus.DELAYED:
        sentences.append("该项任务进度滞后。")
    elif status == TaskStatus.CANCELLED:
        sentences.append("该项任务已取消。")
    elif report and report.percent is not None:
        sentences.append(f"目前完成约{report.percent}%。")
    elif not report:
        sentences.append("暂未报送推进情况。")
    for sub in subtasks:
        sentences.append(f"（{sub.number}）{sub.title}，{sub.status}。")
    return "".join(sentences)


# --- the year-end summary -------------------------------------------------------------------------


def _highlights(tree) -> Part:
    blocks = []
    n = 0
    for _, tasks in tree:
        for task, subtasks in tasks:
            if task.highlight:
                n += 1
                blocks.append(Block(3, _task_paragraph(task, subtasks), heading=f"{n}.{task.title}。"))
    if not blocks:
        blocks.append(Block(0, "本年度尚未标记特色亮点任务。"))
    return "特色亮点", blocks


def _completion(tree) -> Part:
    blocks = []
    for i, (section, tasks) in enumerate(tree, 1):
        done = sum(1 for t, _ in tasks if t.status == TaskStatus.DONE)
        blocks.append(Block(2, heading=f"（{chinese_numeral(i)}）{section.title}"))
        blocks.append(Block(0, f"本部分共{len(tasks)}项重点任务，已完成{done}项。"))
        for task, subtasks in tasks:
            blocks.append(Block(3, _task_paragraph(task, subtasks), heading=f"{task.number}.{task.title}。"))
    return "完成情况", blocks


def _problems(tree, *, start=None, end=None) -> Part:
    """问题挑战: the delay reasons of the progress reports and the KPIs below their targets."""
    by_reason: dict[str, list[Task]] = defaultdict(list)
    explanations: list[str] = []
    unmet: list[str] = []
    for _, tasks in tree:
        for task, subtasks in tasks:
            for t in [task, *subtasks]:
                reasons_seen = set()
                for report in t.reports.all():
                    if (start and report.period_start < start) or (end and report.period_start > end):
                        continue
                    if not (report.delay_reasons or report.delay_text):
                        continue
                    for reason in report.delay_reasons or ["其他"]:
                        if reason not in reasons_seen:
                            reasons_seen.add(reason)
                            by_reason[reason].append(t)
                    if report.delay_text:
                        explanations.append(f"{t.title}：{report.delay_text.rstrip('。')}。")
                if t.status == TaskStatus.CANCELLED:
                    continue
                for target in t.targets.all():
                    attainment = services.kpi_attainment(target)
                    if attainment is not None and attainment < 100:
                        unmet.append(
                            f"“{t.title}”中{target.description.rstrip('。')}，目标{figure(target.target_value)}{target.unit}，"
                            f"实际完成{figure(services.kpi_actual(target))}{target.unit}，完成率{attainment}%，尚未达到目标。"
                        )
    blocks = []
    n = 0
    for reason, tasks in by_reason.items():
        n += 1
        names = "、".join(f"“{t.title}”" for t in tasks)
        detail = "".join(
            e for e in dict.fromkeys(explanations) if any(e.startswith(t.title + "：") for t in tasks)
        )
        blocks.append(
            Block(
                3,
                f"受{reason.removesuffix('影响')}影响，{names}等{len(tasks)}项工作进度滞后。{detail}",
                heading=f"{n}.{_reason_heading(reason)}。",
            )
        )
    if unmet:
        n += 1
        blocks.append(Block(3, "".join(unmet), heading=f"{n}.部分量化指标尚未完成。"))
    if not blocks:
        blocks.append(Block(0, "各项重点任务总体按计划推进，未报送滞后原因，量化指标均已达成或尚待统计。"))
    return "问题挑战", blocks


def _reason_heading(reason: str) -> str:
    return {
        "疫情影响": "疫情防控使部分计划工作延缓",
        "资金压力": "部分项目存在资金压力",
        "审批滞后": "部分项目审批手续滞后",
    }.get(reason, f"部分工作因{reason}延缓")


def _next_steps(plan: Plan, tree) -> Part:
    following = Plan.objects.filter(year=plan.year + 1).first()
    blocks = []
    if following:
        blocks.append(Block(0, f"{following.year}年，将围绕《{following.title}》重点做好以下工作。"))
        for i, (section, tasks) in enumerate(_tree(following), 1):
            titles = "；".join(f"{t.number}.{t.title}" for t, _ in tasks)
            blocks.append(
                Block(
                    2, f"{titles}。" if titles else "", heading=f"（{chinese_numeral(i)}）{section.title}。"
                )
            )
        return "下一步计划", blocks
    open_tasks = [
        t for _, tasks in tree for t, _ in tasks if t.status not in (TaskStatus.DONE, TaskStatus.CANCELLED)
    ]
    if open_tasks:
        names = "、".join(f"“{t.title}”" for t in open_tasks[:10])
        more = f"等{len(open_tasks)}项" if len(open_tasks) > 10 else ""
        blocks.append(
            Block(0, f"继续推进{names}{more}尚未完成的任务，明确时间节点，压实牵头科室责任，确保按期完成。")
        )
    blocks.append(
        Block(0, f"对照{plan.year + 1}年教育发展目标，研究制定下一年度工作要点，提前谋划重点项目。")
    )
    return "下一步计划", blocks


def _intro(plan: Plan, tree, issuer: str) -> Block:
    tasks = [t for _, ts in tree for t, _ in ts]
    counts = defaultdict(int)
    for task in tasks:
        counts[task.status] += 1
    targets = [target for t in tasks for target in t.targets.all()]
    met = sum(1 for target in targets if (services.kpi_attainment(target) or 0) >= 100)
    status_text = "，".join(f"{status}{counts[status]}项" for status in TaskStatus.values if counts[status])
    text = (
        f"{plan.year}年，{issuer or '我局'}围绕《{plan.title}》确定的{len(tree)}个方面{len(tasks)}项重点任务，"
        f"扎实推进各项工作。截至{chinese_date(timezone.localdate())}，{status_text or '各项任务均已启动'}"
    )
    if targets:
        text += f"；设定的{len(targets)}项量化指标中已达成{met}项"
    return Block(0, text + "。现将有关情况总结如下。")


def _numbered(parts: list[Part]) -> list[Block]:
    blocks = []
    for i, (name, body) in enumerate(parts, 1):
        blocks.append(Block(1, heading=f"{chinese_numeral(i)}、{name}"))
        blocks.extend(body)
    return blocks


def _summary_parts(plan: Plan, tree) -> list[Part]:
    return [_highlights(tree), _completion(tree), _problems(tree), _next_steps(plan, tree)]


def preview(plan: Plan) -> GongwenDocument:
    """The year-end 工作总结 as a plain structure (what summary_docx lays out)."""
    tree = _tree(plan)
    issuer = plan.issuer
    return GongwenDocument(
        title=f"{issuer}{plan.year}年工作总结",
        blocks=[_intro(plan, tree, issuer), *_numbered(_summary_parts(plan, tree))],
        signature=issuer,
        date=timezone.localdate(),
    )


def preview_sections(plan: Plan) -> list[tuple[str, list[str]]]:
    """[("特色亮点", [paragraph, …]), ("完成情况", …), ("问题挑战", …), ("下一步计划", …)] for the page."""
    from edubureau.core.gongwen import fullwidth

    return [
        (name, [fullwidth(b.heading + b.text) for b in blocks])
        for name, blocks in _summary_parts(plan, _tree(plan))
    ]


def summary_docx(plan: Plan) -> bytes:
    return write_docx(preview(plan))


# --- progress report for a date range -------------------------------------------------------------


def progress_document(plan: Plan, start: datetime.date, end: datetime.date) -> GongwenDocument:
    tree = _tree(plan)
    tasks = [(t, subs) for _, ts in tree for t, subs in ts]
    reported = [t for t, _ in tasks if _latest_report(t, start, end)]
    period = f"{chinese_date(start)}至{chinese_date(end)}"
    blocks = [
        Block(
            0,
            f"{period}，{plan.year}年{len(tasks)}项重点任务中有{len(reported)}项报送了推进情况。现将推进情况报告如下。",
        )
    ]
    progress_blocks = []
    for i, (section, section_tasks) in enumerate(tree, 1):
        progress_blocks.append(Block(2, heading=f"（{chinese_numeral(i)}）{section.title}"))
        for task, _subtasks in section_tasks:
            report = _latest_report(task, start, end)
            if report is None:
                text = "本期未报送推进情况。" + "".join(kpi_sentence(t) for t in task.targets.all())
            else:
                text = f"{report.period_label}：{_first_sentence(report.text, 300)}"
                text += "".join(kpi_sentence(t) for t in task.targets.all())
                if report.percent is not None:
                    text += f"完成约{report.percent}%。"
                if report.delay_reasons:
                    text += f"滞后原因：{report.delay_reason_labels}。"
            progress_blocks.append(Block(3, text, heading=f"{task.number}.{task.title}。"))
    parts = [("推进情况", progress_blocks), _problems(tree, start=start, end=end)]
    blocks += _numbered(parts)
    return GongwenDocument(
        title=f"{plan.issuer}{plan.year}年重点工作推进情况", blocks=blocks, signature=plan.issuer,
        date=timezone.localdate(),
    )  # fmt: skip


def progress_docx(plan: Plan, start: datetime.date, end: datetime.date) -> bytes:
    return write_docx(progress_document(plan, start, end))


# --- the plan itself ------------------------------------------------------------------------------


def points_document(plan: Plan) -> GongwenDocument:
    blocks = [Block(0, p) for p in plan.intro.splitlines() if p.strip()]
    for section, tasks in _tree(plan):
        blocks.append(Block(1, heading=f"{section.number}、{section.title}"))
        blocks += [Block(0, p) for p in section.text.splitlines() if p.strip()]
        for task, subtasks in tasks:
            blocks.append(
                Block(3, " ".join(task.description.split("\n")), heading=f"{task.number}.{task.title}。")
            )
            for sub in subtasks:
                blocks.append(
                    Block(4, " ".join(sub.description.split("\n")), heading=f"（{sub.number}）{sub.title}。")
                )
    return GongwenDocument(title=plan.title, blocks=blocks, signature=plan.issuer)


def plan_docx(plan: Plan) -> bytes:
    return write_docx(points_document(plan))


LEDGER_HEADERS = [
    "编号", "部分", "任务名称", "上级任务", "牵头科室", "配合单位", "状态", "特色亮点", "量化指标", "下一节点",
    "节点日期", "最近推进情况", "报送期间", "完成比例(%)", "滞后原因",
]  # fmt: skip
TARGET_HEADERS = ["任务编号", "任务名称", "指标", "目标值", "单位", "实际值", "完成率(%)", "统计口径", "原文"]


def ledger_rows(plan: Plan) -> tuple[list[list], list[list]]:
    tasks, targets = [], []
    for section, section_tasks in _tree(plan):
        for task, subtasks in section_tasks:
            for t in [task, *subtasks]:
                milestone = next(
                    (m for m in sorted(t.milestones.all(), key=lambda m: m.due_date) if not m.done_date), None
                )
                report = _latest_report(t)
                tasks.append([
                    t.label, f"{section.number}、{section.title}", t.title, t.parent.title if t.parent_id else "",
                    t.lead_department.name if t.lead_department_id else "", t.cooperating_text, t.status, t.highlight,
                    "；".join(kpi_sentence(x).rstrip("。") for x in t.targets.all()),
                    milestone.title if milestone else "", milestone.due_date if milestone else None,
                    report.text if report else "", report.period_label if report else "",
                    report.percent if report else None, report.delay_reason_labels if report else "",
                ])  # fmt: skip
                for x in t.targets.all():
                    targets.append([
                        t.label, t.title, x.description, x.target_value, x.unit, services.kpi_actual(x),
                        services.kpi_attainment(x), x.measured_by, x.source_text,
                    ])  # fmt: skip
    return tasks, targets


def ledger_xlsx(plan: Plan) -> bytes:
    tasks, targets = ledger_rows(plan)
    out = io.BytesIO()
    write_rows_xlsx(out, [("任务台账", LEDGER_HEADERS, tasks), ("量化指标", TARGET_HEADERS, targets)])
    return out.getvalue()
