"""`edubureau admissions lottery|verify-lottery|allocate`: the verifiable lottery and the offline
allocation engine, from published files (no database needed)."""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from edubureau.admissions import allocation_csv, offline
from edubureau.admissions.lottery import LotteryError, draw, first_difference


def read_column(path: str, header: str) -> list[str]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError as e:
        raise CommandError(f"文件不存在：{path}") from e
    except UnicodeDecodeError as e:
        raise CommandError(f"{path} 不是 UTF-8 编码的 CSV 文件，请另存为 UTF-8。") from e
    rows = list(csv.reader(text.splitlines()))
    if not rows or [h.strip() for h in rows[0]] != [header]:
        raise CommandError(f"{path} 的第一行应为表头 {header}。")
    return [row[0] if row else "" for row in rows[1:]]


def read_order(path: str) -> list[str]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError as e:
        raise CommandError(f"文件不存在：{path}") from e
    rows = list(csv.reader(text.splitlines()))
    if not rows or [h.strip() for h in rows[0]] != ["rank", "applicant_id"]:
        raise CommandError(f"{path} 的第一行应为表头 rank,applicant_id。")
    order = []
    for line_no, row in enumerate(rows[1:], start=2):
        if len(row) != 2 or row[0].strip() != str(len(order) + 1):
            raise CommandError(f"{path} 第 {line_no} 行应为“{len(order) + 1},申请编号”。")
        order.append(row[1].strip())
    return order


class Command(BaseCommand):
    help = "民办摇号与录取分配：按公开算法计算或核验，离线使用。Verifiable lottery and allocation, offline."
    # The subcommands read only the given files: no database, so skip the system checks (which
    # import every URLconf and view, half of the start-up of a 38,000-applicant allocation).
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("lottery", help="计算摇号顺序 / compute the draw order")
        run.add_argument("--applicants", required=True, help="申请名单 CSV（表头 applicant_id）")
        run.add_argument("--seed", required=True, help="公开种子，如公证员掷骰结果 / the public seed")
        run.add_argument("--out", required=True, help="输出顺序 CSV（rank,applicant_id）")
        check = sub.add_parser("verify-lottery", help="核验公布的顺序 / verify a published order")
        check.add_argument("--applicants", required=True)
        check.add_argument("--seed", required=True)
        check.add_argument("--order", required=True, help="公布的顺序 CSV（rank,applicant_id）")
        match = sub.add_parser("allocate", help="按志愿与优先级分配学位 / allocate places (DA or IA)")
        offline.add_arguments(match)

    def handle(self, *args, action, applicants, **options):
        if action == "allocate":
            self.allocate(applicants, **options)
            return
        seed = options["seed"]
        try:
            result = draw(read_column(applicants, "applicant_id"), seed)
        except LotteryError as e:
            raise CommandError(f"{applicants}：{e}") from e
        self.stdout.write(f"名单哈希 list_hash：{result.list_hash}（{len(result.order)} 人）")
        if action == "lottery":
            with open(options["out"], "w", encoding="utf-8", newline="") as out:
                writer = csv.writer(out, lineterminator="\n")
                writer.writerow(["rank", "applicant_id"])
                writer.writerows(enumerate(result.order, start=1))
            self.stdout.write(self.style.SUCCESS(f"已写出摇号顺序：{options['out']}"))
            return
        rank = first_difference(result.order, read_order(options["order"]))
        if rank is not None:
            raise CommandError(f"不一致：第 {rank} 位与按公开算法重新计算的结果不同。")
        self.stdout.write(self.style.SUCCESS("一致：公布的顺序与按公开算法重新计算的结果完全相同。"))

    def allocate(self, applicants, *, schools, priorities, mechanism, out, **options):
        try:
            self.stdout.write(
                self.style.SUCCESS(offline.allocate_files(schools, applicants, priorities, mechanism, out))
            )
        except allocation_csv.InputError as e:
            raise CommandError(f"输入文件有错误，未生成结果：\n{e}") from e
