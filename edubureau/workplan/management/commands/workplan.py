"""`edubureau workplan import|summary|progress|points|ledger|remind`: documents in and out of the plan."""

import datetime
import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from edubureau.core.context import acting
from edubureau.workplan import importing, parsing, services, summary
from edubureau.workplan.models import Plan, Task


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as e:
        raise CommandError(f"日期“{value}”格式不对，应为 YYYY-MM-DD，如 2026-03-31。") from e


def _messages(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "；".join(m for messages in error.message_dict.values() for m in messages)
    return "；".join(error.messages)


class Command(BaseCommand):
    help = "工作要点：导入文档、生成工作总结/推进情况/工作要点/任务台账。Work plans: import documents, write documents."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="导入工作要点文档（.txt/.docx/.doc）/ import a document")
        imp.add_argument("file", help="文件 / the document")
        imp.add_argument(
            "--year", type=int, help="年度，默认从标题识别 / plan year (default: from the title)"
        )
        imp.add_argument("--json", action="store_true", help="输出识别结果 JSON / print the parsed structure")
        imp.add_argument("--dry-run", action="store_true", help="只识别，不写入 / parse only, create nothing")
        for name, text in (
            ("summary", "生成年度工作总结 .docx / the year-end summary"),
            ("points", "导出工作要点 .docx / the plan as a document"),
            ("ledger", "导出任务台账 .xlsx / the task ledger"),
            ("progress", "生成推进情况 .docx / a progress report for a date range"),
        ):
            p = sub.add_parser(name, help=text)
            p.add_argument("--year", type=int, help="年度，默认当年 / plan year (default: this year)")
            p.add_argument("--out", required=True, help="输出文件 / output file")
            if name == "progress":
                p.add_argument("--from", dest="start", help="开始日期 YYYY-MM-DD，默认年初 / from")
                p.add_argument("--to", dest="end", help="结束日期 YYYY-MM-DD，默认今天 / to")
        remind = sub.add_parser(
            "remind", help="列出逾期节点和未报送的推进情况 / overdue milestones, missing reports"
        )
        remind.add_argument("--year", type=int)

    def handle(self, *args, action, **options):
        if action == "import":
            return self.import_document(options["file"], options["year"], options["json"], options["dry_run"])
        plan = self.plan(options["year"])
        if action == "remind":
            return self.remind(plan)
        out = Path(options["out"])
        if action == "summary":
            content = summary.summary_docx(plan)
        elif action == "points":
            content = summary.plan_docx(plan)
        elif action == "ledger":
            content = summary.ledger_xlsx(plan)
        else:
            start = _date(options["start"]) if options["start"] else plan.first_day
            end = _date(options["end"]) if options["end"] else min(plan.last_day, timezone.localdate())
            if end < start:
                raise CommandError(f"结束日期 {end} 早于开始日期 {start}。")
            content = summary.progress_docx(plan, start, end)
        try:
            out.write_bytes(content)
        except OSError as e:
            raise CommandError(f"无法写入 {out}：{e.strerror}") from e
        self.stdout.write(self.style.SUCCESS(f"已生成：{out}（{plan}）"))

    def plan(self, year: int | None) -> Plan:
        year = year or timezone.localdate().year
        plan = Plan.objects.filter(year=year).first()
        if plan is None:
            years = "、".join(str(y) for y in Plan.objects.values_list("year", flat=True)) or "无"
            raise CommandError(f"没有 {year} 年的工作要点（已有年度：{years}）。请用 --year 指定。")
        return plan

    def import_document(self, file: str, year: int | None, as_json: bool, dry_run: bool):
        try:
            parsed = parsing.parse_file(file)
        except parsing.ParseError as e:
            raise CommandError(str(e)) from e
        # With --json stdout carries only the JSON; notes go to stderr.
        notes = self.stderr if as_json else self.stdout
        if as_json:
            self.stdout.write(json.dumps(parsed.as_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(f"标题：{parsed.title}")
            for section in parsed.sections:
                self.stdout.write(f"{section.number or '—'}、{section.title}：{len(section.items)} 项任务")
                for item in section.items:
                    self.stdout.write(
                        f"    {item.number or '·'} {item.title}（{len(item.targets)} 个指标候选）"
                    )
        for message in parsed.messages:
            notes.write(f"提示：{message}")
        found = importing.candidates(parsed)
        notes.write(
            f"识别到 {len(parsed.sections)} 个部分、{parsed.task_count()} 项任务、{len(found)} 个量化指标候选。"
        )
        if dry_run:
            notes.write("试运行（--dry-run），未写入任何数据。")
            return
        year = year or parsed.year
        if year is None:
            raise CommandError("无法从标题识别年度，请用 --year 指定，如 --year 2026。")
        try:
            with acting(None, source="cli"):
                plan = importing.create_draft_plan(parsed, year)
        except ValidationError as e:
            raise CommandError(f"未导入：{_messages(e)}") from e
        notes.write(
            f"已创建 {plan.year} 年工作要点草稿“{plan.title}”：{plan.tasks.count()} 项任务（含子任务），"
            f"{len(found)} 个指标候选已作为指标导入，请在网页上核对并确认。"
        )

    def remind(self, plan: Plan):
        with acting(None, source="cli"):
            services.refresh_plan_statuses(plan)
        items = services.reminders(Task.objects.filter(plan=plan))
        for r in items:
            self.stdout.write(f"{r.task.label} {r.task.title}：{r.text}")
        self.stdout.write(f"共 {len(items)} 条提醒。")
