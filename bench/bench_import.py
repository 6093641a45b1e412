"""Benchmark: import 163,177 student rows from one .xlsx (validated, committed).

    python bench/bench_import.py                 # SQLite in a temporary var/ directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/bench_import.py
                                                 # a fresh PostgreSQL database next to the given one
    python bench/bench_import.py --rows 20000 --profile   # smaller, with a cProfile of the import

Generates the file once (in $TMPDIR/edubureau-bench/, valid ID numbers from core.idcodes, ~149 schools x classes of
~40), sets up its own database, then in one run times python-calamine's bare read of the file and
the full import (the `edubureau import` path: read, validate, plan, write, change records) and
prints a markdown table row: database | rows | bare read | import | ratio | peak RSS.
Targets (issue 2): import <= 20 s on SQLite and PostgreSQL, peak RSS <= 1.5 GB, ratio <= 2.5x.
"""

import argparse
import datetime
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROWS = 163_177
SCHOOLS = 149
REGIONS = ("310112", "310104", "310115", "310110", "320102", "340104", "410105", "510107")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬梅琳晨宇轩浩然子涵欣怡梓萱诗雨佳琪思远博文一鸣雨桐俊杰宇航"


def schools_plan(rows: int):
    """(code, stage, grades, classes per grade) for ~149 schools: 2/3 primary, 1/3 junior."""
    plan = []
    for n in range(SCHOOLS):
        if n % 3 < 2:
            plan.append((f"2131{n + 1:06d}", "小学", range(1, 6)))
        else:
            plan.append((f"3131{n + 1:06d}", "初中", range(6, 10)))
    grade_slots = sum(len(g) for _, _, g in plan)
    per_grade = max(1, round(rows / 40 / grade_slots))
    return [(c, s, g, per_grade) for c, s, g in plan]


def generate(path: Path, rows: int, seed: int = 2025) -> None:
    import xlsxwriter

    from edubureau.core import idcodes
    from edubureau.core.importing import template_header
    from edubureau.people.importers import StudentImporter

    rng = random.Random(seed)
    used = set()
    plan = schools_plan(rows)
    classes = [(code, grade, no) for code, _, grades, per in plan for grade in grades for no in range(1, per + 1)]
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    ws = wb.add_worksheet("学生")
    ws.write_row(0, 0, [template_header(c) for c in StudentImporter.columns])
    date_format = wb.add_format({"num_format": "yyyy-mm-dd"})
    for r in range(rows):
        code, grade, no = classes[r * len(classes) // rows]
        while True:
            birth = datetime.date(2025 - 6 - grade, 9, 1) + datetime.timedelta(days=rng.randrange(365))
            male = rng.random() < 0.52
            region = rng.choice(REGIONS)
            seq = rng.randrange(100)
            if (region, birth, seq, male) not in used:
                used.add((region, birth, seq, male))
                break
        id_number = idcodes.make_resident_id(region, birth, seq, male)
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        row = [code, grade, no, name, "男" if male else "女", "居民身份证", id_number, None, "G" + id_number, "汉族",
               region, "本区" if region == "310112" else "外省市", f"上海市闵行区莘庄镇莘松路{rng.randrange(1, 999)}弄{rng.randrange(1, 99)}号",
               "否" if region.startswith("31") else "是", rng.choice(SURNAMES) + rng.choice(GIVEN), rng.choice(("父亲", "母亲")),
               f"13{rng.randrange(10**9):09d}", "在读", ""]  # fmt: skip
        ws.write_row(r + 1, 0, row)
        ws.write_datetime(r + 1, 7, datetime.datetime.combine(birth, datetime.time()), date_format)
    wb.close()


def setup_database() -> str:
    """A fresh database: PostgreSQL next to DATABASE_URL's, else SQLite in a temporary var/ dir."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        name = f"edubureau_bench_{os.getpid()}"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name
        os.environ["EDUBUREAU_BENCH_DROP"] = f"{url}|{name}"
        return "PostgreSQL"
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


def populate(rows: int) -> None:
    from edubureau.org.models import District, School
    from edubureau.people.models import SchoolClass, SchoolYear

    district = District.objects.create(code="310112", name="闵行区")
    year = SchoolYear.objects.create(start_year=2025, start_date=datetime.date(2025, 9, 1),
                                     end_date=datetime.date(2026, 8, 31), is_current=True)  # fmt: skip
    plan = schools_plan(rows)
    schools = School.objects.bulk_create(
        [School(district=district, code=code, name=f"闵行区第{n + 1}{stage}", stage=stage) for n, (code, stage, _, _) in enumerate(plan)]
    )  # fmt: skip
    SchoolClass.objects.bulk_create([
        SchoolClass(school=school, school_year=year, grade=grade, class_no=no, capacity=45)
        for school, (_, _, grades, per) in zip(schools, plan, strict=True) for grade in grades for no in range(1, per + 1)
    ])  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the import")
    parser.add_argument("--twice", action="store_true", help="also time importing the same file a second time")
    parser.add_argument("--generate-only", metavar="PATH")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edubureau.settings")

    if args.generate_only:  # in a child process, so its memory does not count in the import's peak
        os.environ["EDUBUREAU_VAR_DIR"] = var = tempfile.mkdtemp(prefix="edubureau-bench-gen-")
        import django

        django.setup()
        try:
            generate(Path(args.generate_only), args.rows)
        finally:
            shutil.rmtree(var, ignore_errors=True)
        return

    path = Path(tempfile.gettempdir()) / "edubureau-bench" / f"students-{args.rows}.xlsx"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        print(f"generating {path} ...", file=sys.stderr)
        subprocess.run([sys.executable, __file__, "--rows", str(args.rows), "--generate-only", str(path)], check=True)

    database = setup_database()
    import django

    django.setup()
    from django.core.management import call_command

    try:
        call_command("migrate", verbosity=0)
        populate(args.rows)
        run(path, database, args)
    finally:
        drop_database()


def run(path: Path, database: str, args) -> None:
    from python_calamine import CalamineWorkbook

    from edubureau.core import importing
    from edubureau.core.models import ChangeRecord, ImportJob
    from edubureau.people.models import Enrollment, Guardian, Student

    started, cpu = time.perf_counter(), time.process_time()
    data = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    bare, bare_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert len(data) == args.rows + 1
    del data

    job = ImportJob.objects.create(kind="students", filename=path.name, path=str(path), dry_run=False,
                                   options={"school_year": 2025})  # fmt: skip
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started, cpu = time.perf_counter(), time.process_time()
    result = importing.execute(job, importing.operator_scope(), source="cli")
    took, took_cpu = time.perf_counter() - started, time.process_time() - cpu
    if profiler:
        import pstats

        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
    job.refresh_from_db()
    assert result is not None and result.written and not result.errors, job.message
    counts = (Student.objects.count(), Enrollment.objects.count(), Guardian.objects.count(), ChangeRecord.objects.count())
    assert counts == (args.rows,) * 4, counts
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("| database | rows | calamine bare read | full import | ratio | peak RSS |")
    print("|---|---|---|---|---|---|")
    print(f"| {database} | {args.rows:,} | {bare:.2f} s | {took:.2f} s | {took / bare:.2f}x | {peak_mb:.0f} MB |")
    # On a busy machine wall time wanders; CPU time of this process (not the database server's) does less.
    print(f"(CPU time of this process: bare read {bare_cpu:.2f} s, import {took_cpu:.2f} s, ratio {took_cpu / bare_cpu:.2f}x)")
    if args.twice:  # the same file again: every row is compared with the database, nothing is written
        again = ImportJob.objects.create(kind="students", filename=path.name, path=str(path), dry_run=False,
                                         options={"school_year": 2025})  # fmt: skip
        started = time.perf_counter()
        result = importing.execute(again, importing.operator_scope(), source="cli")
        took = time.perf_counter() - started
        assert (result.created, result.updated, result.unchanged) == (0, 0, args.rows), result.summary()
        assert ChangeRecord.objects.count() == args.rows
        print(f"(the same file again: {took:.2f} s, {result.summary()})")


if __name__ == "__main__":
    main()
