"""`edubureau admissions lottery|verify-lottery|allocate` as a plain program: published files in,
files out, no Django, no database — what a notary or a parent runs offline.

The management command and the console script's fast path (edubureau/cli.py) both call these
functions; the fast path skips Django's start-up, most of the run time of a 38,000-applicant file.
"""

import argparse
import csv
import gc
import sys
from collections.abc import Callable
from pathlib import Path

from . import allocation, allocation_csv
from .lottery import LotteryError, draw, first_difference

ACTIONS = ("lottery", "verify-lottery", "allocate")
MECHANISM_NAMES = {"da": "延迟接受（DA）", "ia": "志愿优先（IA）"}


class OfflineError(Exception):
    """A problem with the given files, in a Chinese sentence that says what to fix."""


def add_subcommands(sub) -> None:
    run = sub.add_parser("lottery", help="计算摇号顺序 / compute the draw order")
    run.add_argument("--applicants", required=True, help="申请名单 CSV（表头 applicant_id）")
    run.add_argument("--seed", required=True, help="公开种子，如公证员掷骰结果 / the public seed")
    run.add_argument("--out", required=True, help="输出顺序 CSV（rank,applicant_id）")
    check = sub.add_parser("verify-lottery", help="核验公布的顺序 / verify a published order")
    check.add_argument("--applicants", required=True)
    check.add_argument("--seed", required=True)
    check.add_argument("--order", required=True, help="公布的顺序 CSV（rank,applicant_id）")
    match = sub.add_parser("allocate", help="按志愿与优先级分配学位 / allocate places (DA or IA)")
    match.add_argument("--schools", required=True, help="学校 CSV（school_code,capacity）")
    match.add_argument("--applicants", required=True, help="申请人 CSV（applicant_id,lottery,choices）")
    match.add_argument("--priorities", help="优先级 CSV（school_code,applicant_id,priority），可选")
    match.add_argument("--mechanism", choices=tuple(MECHANISM_NAMES), default="da",
                       help="da 延迟接受（默认，平行志愿）或 ia 志愿优先（Boston）")  # fmt: skip
    match.add_argument("--out", required=True, help="结果 CSV（applicant_id,school_code）")


def read_column(path: str, header: str) -> list[str]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError as e:
        raise OfflineError(f"文件不存在：{path}") from e
    except UnicodeDecodeError as e:
        raise OfflineError(f"{path} 不是 UTF-8 编码的 CSV 文件，请另存为 UTF-8。") from e
    rows = list(csv.reader(text.splitlines()))
    if not rows or [h.strip() for h in rows[0]] != [header]:
        raise OfflineError(f"{path} 的第一行应为表头 {header}。")
    return [row[0] if row else "" for row in rows[1:]]


def read_order(path: str) -> list[str]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError as e:
        raise OfflineError(f"文件不存在：{path}") from e
    rows = list(csv.reader(text.splitlines()))
    if not rows or [h.strip() for h in rows[0]] != ["rank", "applicant_id"]:
        raise OfflineError(f"{path} 的第一行应为表头 rank,applicant_id。")
    order = []
    for line_no, row in enumerate(rows[1:], start=2):
        if len(row) != 2 or row[0].strip() != str(len(order) + 1):
            raise OfflineError(f"{path} 第 {line_no} 行应为“{len(order) + 1},申请编号”。")
        order.append(row[1].strip())
    return order


def allocate_files(schools: str, applicants: str, priorities: str | None, mechanism: str, out: str) -> str:
    """Read and check the files, allocate, write `out`; the summary line."""
    # A short run that builds hundreds of thousands of small lists and frees them at exit: the
    # cyclic collector would only rescan them (a third of the time of a 200,000-applicant run).
    gc.disable()
    try:
        instance = allocation_csv.read_instance(schools, applicants, priorities)
        assignment = allocation.allocate(
            instance.choices, instance.lottery, instance.capacities, instance.priorities, mechanism
        )
        allocation_csv.write_result(out, instance, assignment)
    except allocation_csv.InputError as e:
        raise OfflineError(f"输入文件有错误，未生成结果：\n{e}") from e
    finally:
        gc.enable()
    placed = sum(1 for s in assignment if s != allocation.UNASSIGNED)
    return (
        f"{MECHANISM_NAMES[mechanism]}：{len(assignment)} 名申请人，{len(instance.school_codes)} 所学校，"
        f"录取 {placed} 人，未录取 {len(assignment) - placed} 人。已写出分配结果：{out}"
    )


def run(options: dict, say: Callable[[str], None]) -> None:
    """One subcommand; `say` prints a line. Raises OfflineError."""
    action, applicants = options["action"], options["applicants"]
    if action == "allocate":
        say(
            allocate_files(
                options["schools"],
                applicants,
                options.get("priorities"),
                options["mechanism"],
                options["out"],
            )
        )
        return
    seed = options["seed"]
    try:
        result = draw(read_column(applicants, "applicant_id"), seed)
    except LotteryError as e:
        raise OfflineError(f"{applicants}：{e}") from e
    say(f"名单哈希 list_hash：{result.list_hash}（{len(result.order)} 人）")
    if action == "lottery":
        with open(options["out"], "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(["rank", "applicant_id"])
            writer.writerows(enumerate(result.order, start=1))
        say(f"已写出摇号顺序：{options['out']}")
        return
    rank = first_difference(result.order, read_order(options["order"]))
    if rank is not None:
        raise OfflineError(f"不一致：第 {rank} 位与按公开算法重新计算的结果不同。")
    say("一致：公布的顺序与按公开算法重新计算的结果完全相同。")


def main(argv: list[str]) -> int:
    """`edubureau admissions <action> ...` without Django; 0 on success, 1 with the reason on stderr."""
    parser = argparse.ArgumentParser(prog="edubureau admissions", description="民办摇号与录取分配（离线）")
    add_subcommands(parser.add_subparsers(dest="action", required=True))
    options = vars(parser.parse_args(argv))
    try:
        run(options, print)
    except OfflineError as e:
        print(f"错误：{e}", file=sys.stderr)
        return 1
    return 0
