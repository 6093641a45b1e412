"""`edubureau health load FILE.jsonl | alerts [--date D] [--json] | evaluate --date D`."""

import datetime
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from edubureau.core import context
from edubureau.health import services
from edubureau.health.models import OPEN_ALERT_STATUSES, Alert, Source
from edubureau.people.calendar import school_days

MAX_LINE_BYTES = 256 * 1024
SHOWN_ERRORS = 50


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as e:
        raise CommandError(f"日期“{value}”无效，请按 YYYY-MM-DD 填写。") from e


def alert_row(alert: Alert) -> dict:
    c = alert.school_class
    return {
        "id": alert.pk, "school": alert.school.code, "school_name": alert.school.name,
        "grade": c.grade if c else None, "class_no": c.class_no if c else None, "level": alert.level,
        "kind": alert.kind, "rule": alert.rule_code, "rule_name": alert.rule.name if alert.rule_id else "EARS",
        "date": alert.last_date.isoformat(), "first_date": alert.first_date.isoformat(),
        "last_date": alert.last_date.isoformat(), "cases": alert.cases, "status": alert.status,
    }  # fmt: skip


class Command(BaseCommand):
    help = "健康日报：导入日报（JSONL）、查看预警、重新评估某日预警。Health reports: load, alerts, evaluate."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser(
            "load", help="逐行导入班级日报（每行一个 JSON 对象）/ load class reports, one per line"
        )
        load.add_argument("file")
        alerts = sub.add_parser("alerts", help="列出预警 / list alerts")
        alerts.add_argument("--date", help="只列出时段覆盖该日的预警 / alerts covering this day (YYYY-MM-DD)")
        alerts.add_argument("--open", action="store_true", help="只列出未结束的预警 / open alerts only")
        alerts.add_argument(
            "--json", dest="as_json", action="store_true", help="输出 JSON 列表 / print a JSON list"
        )
        evaluate = sub.add_parser("evaluate", help="重新评估规则与统计预警 / re-run alert evaluation")
        evaluate.add_argument("--date", help="某日（默认今天）/ the day (default today)")
        evaluate.add_argument(
            "--from", dest="start", help="起始日期，与 --to 一起逐日评估 / first day of a range"
        )
        evaluate.add_argument("--to", dest="end", help="截止日期 / last day of a range")

    def handle(self, *args, action, **options):
        with context.acting(None, source="cli"):
            return getattr(self, action)(**options)

    def load(self, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        counts = {"created": 0, "replaced": 0, "unchanged": 0}
        refused = []
        with path.open("rb") as lines:
            for n, raw in enumerate(lines, 1):
                if not raw.strip():
                    continue
                problems = self._load_line(raw, counts)
                refused.extend(f"第 {n} 行：{p}" for p in problems)
                if problems:
                    counts.setdefault("_lines", 0)
                    counts["_lines"] += 1
        bad_lines = counts.pop("_lines", 0)
        accepted = sum(counts.values())
        self.stdout.write(
            f"接受 {accepted} 份日报（新建 {counts['created']}，替换 {counts['replaced']}，"
            f"未变 {counts['unchanged']}）；拒绝 {bad_lines} 行。"
        )
        for message in refused[:SHOWN_ERRORS]:
            self.stdout.write(self.style.ERROR(message))
        if len(refused) > SHOWN_ERRORS:
            self.stdout.write(f"……共 {len(refused)} 处问题。")
        if bad_lines:
            raise CommandError(f"{bad_lines} 行被拒绝，其余已导入。", returncode=1)

    def _load_line(self, raw: bytes, counts: dict) -> list[str]:
        if len(raw) > MAX_LINE_BYTES:
            return [f"一行超过 {MAX_LINE_BYTES // 1024} KB，未导入。"]
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            return [f"不是有效的 UTF-8 JSON（{e}）。"]
        now = None
        if isinstance(data, dict) and isinstance(data.get("submitted_at"), str):
            # replays from another system keep their original submission time (for late marking)
            now = parse_datetime(data["submitted_at"])
            if now is None:
                return [f"提交时间“{data['submitted_at']}”无效。"]
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        try:
            report = services.ClassReportInput.from_json(data)
            result = services.submit_class_report(report, source=Source.CLI, now=now)
        except services.ReportError as e:
            return e.messages
        counts[result.status] += 1
        return []

    def alerts(self, date=None, open=False, as_json=False, **options):
        rows = Alert.objects.select_related("school", "school_class", "rule").order_by(
            "-last_date", "school__code", "id"
        )
        if date:
            day = _day(date)
            rows = rows.filter(first_date__lte=day, last_date__gte=day)
        if open:
            rows = rows.filter(status__in=OPEN_ALERT_STATUSES)
        data = [alert_row(a) for a in rows]
        if as_json:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=1))
            return
        for r in data:
            where = f"{r['grade']}年级{r['class_no']}班" if r["grade"] is not None else "全校"
            self.stdout.write(
                f"{r['first_date']}~{r['last_date']}  {r['school_name']} {where}  {r['rule_name']}  "
                f"{r['cases']} 例  {r['status']}"
            )
        self.stdout.write(f"共 {len(data)} 条预警。")

    def evaluate(self, date=None, start=None, end=None, **options):
        if start or end:
            if not (start and end):
                raise CommandError("--from 与 --to 须同时给出。")
            days = school_days(_day(start), _day(end))
        else:
            days = [_day(date) if date else timezone.localdate()]
        totals = {"rule": 0, "statistical": 0}
        for day in days:
            found = services.evaluate_day(day)
            for key in totals:
                totals[key] += found[key]
        self.stdout.write(
            f"评估 {len(days)} 天：规则聚集 {totals['rule']} 处，统计异常 {totals['statistical']} 校次（同一聚集只有一条预警，新病例并入）。"
        )
