"""Benchmark: the workplan documents — parse a 20-page document, write the summary of a 100-task plan.

    python bench/bench_workplan_docs.py              # SQLite in a temporary var/ directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/bench_workplan_docs.py
                                                     # a fresh PostgreSQL database next to the given one
    python bench/bench_workplan_docs.py --tasks 300 --pages 60

1. Import (parse): a generated 20-page 工作要点 (~616 characters a page as GB/T 9704 lays it out, so 20
   pages are ~12,000 characters; the generator writes more, ~1,100 a page, with figures in every
   sentence and page-number artefacts of pasted web text), as .txt and as .docx; best of 5.
2. Summary: a plan of 100 tasks in 5 sections, each with 2 KPIs, 2 milestones and 3 progress
   reports (delay reasons on some); the 工作总结 .docx generated from the database; best of 3.
Prints a markdown table row per figure. Targets (issue 5): summary ≤ 3 s, import of 20 pages ≤ 2 s.
"""

import argparse
import datetime
import io
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VERBS = ["加快推进", "持续深化", "全面加强", "稳步实施", "积极探索", "切实做好", "着力提升", "统筹推进"]
THINGS = [
    "教育现代化",
    "课程改革",
    "教师队伍建设",
    "学前教育普惠发展",
    "校园安全管理",
    "集团化办学",
    "信息化建设",
    "招生入学工作",
]
UNITS = ["个", "所", "名", "项", "间", "台", "%"]


def document_text(pages: int, seed: int = 2019) -> str:
    """A 工作要点 of about `pages` pages in the shape of the 2019 sample, with page artefacts."""
    rng = random.Random(seed)
    parts = ["2030年某区教育局工作要点", "2030年，全区教育工作以立德树人为根本任务，加快教育现代化进程。"]
    task = 0
    for s in range(1, 6):
        parts.append(f"{'一二三四五'[s - 1]}、{rng.choice(VERBS)}{rng.choice(THINGS)}")
        for _ in range(max(1, pages * 4 // 5)):
            task += 1
            sentences = [
                f"{rng.choice(VERBS)}{rng.choice(THINGS)}，计划建成{rng.choice(THINGS)}项目{rng.randint(2, 300)}{rng.choice(UNITS)}。"
                for _ in range(rng.randint(4, 8))
            ]
            parts.append(f"{task}.{rng.choice(VERBS)}{rng.choice(THINGS)}。{''.join(sentences)}")
    text = "\n".join(parts)
    # Cut into pages the way a web viewer does: "N、" at the start of each page, mid-sentence
    # (between two Chinese characters, as a page of running text ends).
    size, cuts, start = max(1, len(text) // pages), [], 0
    while start < len(text):
        end = min(len(text), start + size)
        while end < len(text) and not (
            "\u4e00" <= text[end - 1] <= "\u9fff" and "\u4e00" <= text[end] <= "\u9fff"
        ):
            end += 1
        cuts.append(text[start:end])
        start = end
    return "\n".join(f"{n}、{page}" for n, page in enumerate(cuts, 1))


def document_docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def best(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


def bench_parse(pages: int) -> None:
    from edubureau.workplan import parsing

    text = document_text(pages)
    for name, data in (("txt", text.encode("utf-8")), ("docx", document_docx(text))):
        seconds, doc = best(lambda data=data, name=name: parsing.parse_bytes(data, f"要点.{name}"), 5)
        print(
            f"| import (parse) | {pages} pages .{name}, {len(text):,} chars | {doc.task_count()} tasks | "
            f"{seconds:.3f} s | ≤ 2 s |"
        )


def bench_draft(pages: int, database: str) -> None:
    """The whole import: parse and create the draft plan (tasks and every KPI candidate) in one transaction."""
    from edubureau.core.context import acting
    from edubureau.workplan import importing, parsing
    from edubureau.workplan.models import Plan, Target

    data = document_text(pages).encode("utf-8")
    started = time.perf_counter()
    with acting(None, source="cli"):
        plan = importing.create_draft_plan(parsing.parse_bytes(data, "要点.txt"), 2030)
    seconds = time.perf_counter() - started
    kpis = Target.objects.filter(task__plan=plan).count()
    print(
        f"| import (parse + draft plan, {database}) | {pages} pages .txt | {plan.tasks.count()} tasks, {kpis} KPIs | "
        f"{seconds:.3f} s | — |"
    )
    Plan.objects.filter(pk=plan.pk).delete()


def setup_database() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        name = f"edubureau_bench_wp_{os.getpid()}"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name
        os.environ["EDUBUREAU_BENCH_DROP"] = f"{url}|{name}"
        return "PostgreSQL"
    os.environ.pop("DATABASE_URL", None)
    os.environ["EDUBUREAU_VAR_DIR"] = tempfile.mkdtemp(prefix="edubureau-bench-")
    return "SQLite"


def drop_database() -> None:
    from django.db import connections

    connections.close_all()
    spec = os.environ.get("EDUBUREAU_BENCH_DROP")
    if spec:
        import psycopg

        url, name = spec.split("|")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    else:
        shutil.rmtree(os.environ["EDUBUREAU_VAR_DIR"], ignore_errors=True)


def populate(tasks: int, year: int) -> object:
    from edubureau.core.context import acting
    from edubureau.workplan import services

    rng = random.Random(7)
    with acting(None, source="cli"):
        plan = services.create_plan(
            year, f"{year}年工作要点", intro="以立德树人为根本任务。", issuer="某区教育局"
        )
        sections = [services.create_section(plan, f"第{n}部分重点工作") for n in range(1, 6)]
        for n in range(tasks):
            task = services.create_task(
                sections[n % 5],
                f"{rng.choice(VERBS)}{rng.choice(THINGS)}{n + 1}",
                description="任务说明。" * 5,
                highlight=n % 10 == 0,
            )
            targets = [
                services.create_target(task, f"建成{rng.choice(THINGS)}", rng.randint(10, 100), "个")
                for _ in range(2)
            ]
            for month in (3, 6):
                services.create_milestone(task, f"{month}月节点", datetime.date(year, month, 28))
            for month in (1, 2, 3):
                services.report_progress(
                    task, datetime.date(year, month, 1), f"{month}月推进顺利，完成阶段任务。", percent=month * 20,
                    actuals={targets[0].pk: str(rng.randint(5, 100))},
                    delay_reasons=["资金压力"] if n % 7 == 0 else [], delay_text="资金到位较晚" if n % 7 == 0 else "",
                )  # fmt: skip
    return plan


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tasks", type=int, default=100)
    parser.add_argument("--pages", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edubureau.settings")
    print("| step | input | result | time | target |\n|---|---|---|---|---|")
    bench_parse(args.pages)

    database = setup_database()
    import django

    django.setup()
    from django.core.management import call_command

    try:
        call_command("migrate", verbosity=0)
        year = datetime.date.today().year
        bench_draft(args.pages, database)
        started = time.perf_counter()
        plan = populate(args.tasks, year)
        fill = time.perf_counter() - started
        from edubureau.workplan import summary

        seconds, content = best(lambda: summary.summary_docx(plan), 3)
        print(
            f"| summary .docx ({database}) | {args.tasks} tasks, {2 * args.tasks} KPIs, {3 * args.tasks} reports "
            f"(filled in {fill:.1f} s) | {len(content) / 1024:.0f} KB | {seconds:.3f} s | ≤ 3 s |"
        )
        for name, fn in (("points .docx", summary.plan_docx), ("ledger .xlsx", summary.ledger_xlsx)):
            seconds, content = best(lambda fn=fn: fn(plan), 3)
            print(
                f"| {name} ({database}) | {args.tasks} tasks | {len(content) / 1024:.0f} KB | {seconds:.3f} s | — |"
            )
    finally:
        drop_database()


if __name__ == "__main__":
    main()
