"""`edubureau equity cv|optimise`: the 差异系数 offline from a CSV, and the exchange plan from the database."""

import csv
import json
import math
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from edubureau.equity.cv import stage_cvs
from edubureau.equity.indicators import INDICATORS, JUNIOR, PRIMARY, STAGE_LABELS, assess_values

HEADER = ["school_code", "students", *INDICATORS]
STAGES = {"primary": PRIMARY, "junior": JUNIOR}


def read_values(path: str) -> list[tuple[str, float, dict[str, float]]]:
    """(code, students, values) per row; every problem of every row is collected before refusing."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError as e:
        raise CommandError(f"文件不存在：{path}") from e
    except UnicodeDecodeError as e:
        raise CommandError(f"{path} 不是 UTF-8 编码的 CSV 文件，请另存为 UTF-8。") from e
    rows = list(csv.reader(text.splitlines()))
    if not rows or [h.strip() for h in rows[0]] != HEADER:
        found = ",".join(h.strip() for h in rows[0]) if rows else "（空文件）"
        raise CommandError(f"{path} 第 1 行表头应为 {','.join(HEADER)}，实际为 {found}。")
    errors, parsed, seen = [], [], {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(HEADER):
            errors.append(f"第 {line} 行：应有 {len(HEADER)} 列，实际 {len(row)} 列")
            continue
        code = row[0].strip()
        if not code:
            errors.append(f"第 {line} 行，school_code：学校代码为空")
        elif code in seen:
            errors.append(f"第 {line} 行，school_code：学校 {code} 重复（第 {seen[code]} 行已出现）")
        else:
            seen[code] = line
        numbers, bad = {}, False
        for column, cell in zip(HEADER[1:], row[1:], strict=True):
            cell = cell.strip()
            if not cell:
                errors.append(f"第 {line} 行，{column}：缺少数值，不能用部分数据计算")
                bad = True
                continue
            try:
                number = float(cell)
            except ValueError:
                number = math.nan
            if not math.isfinite(number):
                errors.append(f"第 {line} 行，{column}：“{cell}”不是数字")
                bad = True
            elif number < 0:
                errors.append(f"第 {line} 行，{column}：不能为负数（{cell}）")
                bad = True
            elif column == "students" and number == 0:
                errors.append(f"第 {line} 行，students：学生数为 0，无法按学生数加权")
                bad = True
            else:
                numbers[column] = number
        if not bad:
            parsed.append((code, numbers.pop("students"), numbers))
    if errors:
        raise CommandError(f"{path} 有 {len(errors)} 处错误，未计算：\n" + "\n".join(errors))
    if not parsed:
        raise CommandError(f"{path} 没有数据行。")
    return parsed


def cv_report(rows, stage: str) -> dict:
    assessments = [assess_values(code, stage, students, values) for code, students, values in rows]
    cvs = stage_cvs(assessments, stage)
    return {
        "indicators": {
            key: {"mean": c.mean, "sd": c.sd, "cv": c.cv, "threshold": c.threshold, "pass": bool(c.passed)}
            for key, c in cvs.indicators.items()
        },
        "schools": {a.code: {"reached": a.reached, "pass": bool(a.passed)} for a in assessments},
    }


class Command(BaseCommand):
    help = "优质均衡：差异系数计算与教师交流方案。Equity: CVs from a CSV, teacher-exchange plans."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        cv = sub.add_parser("cv", help="按 CSV 计算差异系数 / the CVs of a CSV of indicator values")
        cv.add_argument("--input", required=True, help="CSV（UTF-8），表头 school_code,students,i1,…,i7")
        cv.add_argument("--stage", required=True, choices=sorted(STAGES), help="primary 小学 | junior 初中")
        cv.add_argument("--json", action="store_true", help="输出 JSON")
        opt = sub.add_parser("optimise", help="提出教师交流轮岗方案 / propose teacher exchanges")
        opt.add_argument("--year", type=int, help="学年起始年份，默认当前学年")
        opt.add_argument("--stage", choices=sorted(STAGES), help="默认小学和初中都计算")
        opt.add_argument(
            "--backbone-share", type=float, default=0.10, help="每校调出骨干不超过的比例，默认 0.10"
        )
        opt.add_argument("--max-out", type=int, default=5, help="每校最多调出人数，默认 5")
        opt.add_argument("--max-in", type=int, default=5, help="每校最多调入人数，默认 5")
        opt.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args, action, **options):
        if action == "cv":
            self.cv(options["input"], STAGES[options["stage"]], options["json"])
        else:
            self.optimise(options)

    def cv(self, path: str, stage: str, as_json: bool) -> None:
        report = cv_report(read_values(path), stage)
        if as_json:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{STAGE_LABELS[stage]} 差异系数（{len(report['schools'])} 所学校）")
        for key, c in report["indicators"].items():
            cv = "—" if c["cv"] is None else f"{c['cv']:.4f}"
            verdict = "达标" if c["pass"] else "未达标"
            self.stdout.write(
                f"  {key}  均值 {c['mean']:.4f}  差异系数 {cv}  ≤ {c['threshold']:.2f}  {verdict}"
            )
        passing = sum(1 for s in report["schools"].values() if s["pass"])
        self.stdout.write(f"达标学校 {passing} / {len(report['schools'])}")

    def optimise(self, options) -> None:
        from edubureau.equity.optimiser import Limits
        from edubureau.equity.services import ServiceError, plan_as_dict, propose_exchanges
        from edubureau.equity.whatif import KIND_LABELS

        stages = [STAGES[options["stage"]]] if options["stage"] else [PRIMARY, JUNIOR]
        limits = Limits(
            backbone_share_out=options["backbone_share"],
            max_out_per_school=options["max_out"],
            max_in_per_school=options["max_in"],
        )
        plans = {}
        for stage in stages:
            try:
                plans[stage] = propose_exchanges(options["year"], stage, limits)
            except ServiceError as e:
                raise CommandError(str(e)) from e
        if options["json"]:
            payload = {key: plan_as_dict(plans[stage]) for key, stage in STAGES.items() if stage in plans}
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        for stage, exchange in plans.items():
            plan, names = exchange.plan, exchange.names
            self.stdout.write(
                f"{STAGE_LABELS[stage]}：{'可达标' if plan.status == 'feasible' else '未能全部达标'}"
            )
            for move in plan.moves:
                source, target = names.get(move.source, move.source), names.get(move.target, move.target)
                self.stdout.write(f"  {source} → {target}  {KIND_LABELS[move.kind]} × {move.count}")
            for gap in plan.gaps.values():
                before = "—" if gap.cv_before is None else f"{gap.cv_before:.4f}"
                after = "—" if gap.cv_after is None else f"{gap.cv_after:.4f}"
                self.stdout.write(f"  {gap.indicator}  {before} → {after}  ≤ {gap.threshold:.2f}")
            self.stdout.write(
                f"  调动 {plan.teachers_moved} 人；达标学校 {plan.passing_before} → {plan.passing_after}"
            )
            for message in plan.messages:
                self.stdout.write(f"  {message}")
