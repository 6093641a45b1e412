"""Benchmark: `edubureau demo --scale full` into a fresh database (target: <= 120 s).

    python bench/bench_demo.py                   # SQLite in a temporary var/ directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/bench_demo.py
                                                 # a fresh PostgreSQL database next to the given one, dropped after
    python bench/bench_demo.py --scale small --seed 7

Migrates the fresh database, then times the demo command alone (in-process, so Python and Django
start-up are not counted) and prints the seconds, the rows written and the peak RSS, ending with a
markdown table row: database | seconds | units | classes | students | staff | peak RSS.
"""

import argparse
import io
import os
import resource
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_database() -> tuple[str, str]:
    """A fresh database: PostgreSQL next to DATABASE_URL's, else SQLite in a temporary directory.
    Returns the database kind and what drop_database needs to remove it."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        name = f"edubureau_bench_demo_{os.getpid()}"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name
        return "PostgreSQL", f"{url}|{name}"
    os.environ["EDUBUREAU_VAR_DIR"] = path = tempfile.mkdtemp(prefix="edubureau-bench-demo-")
    return "SQLite", path


def drop_database(spec: str | None) -> None:
    """Drop the PostgreSQL database or remove the SQLite directory that setup_database made."""
    if spec and "|" not in spec:
        shutil.rmtree(spec, ignore_errors=True)
    elif spec:
        import psycopg
        from django.db import connections

        connections.close_all()
        url, name = spec.split("|")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["full", "small"], default="full")
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args()

    database, drop = setup_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edubureau.settings")
    warnings.filterwarnings(
        "ignore", message="No directory at"
    )  # whitenoise: static files not collected here
    import django

    django.setup()
    from django.core.management import call_command

    from edubureau.org.models import School
    from edubureau.people.models import Guardian, SchoolClass, Staff, Student

    try:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        call_command("demo", scale=args.scale, seed=args.seed, verbosity=0, stdout=io.StringIO())
        seconds = time.perf_counter() - started
        counts = {
            "units": School.objects.count(),
            "classes": SchoolClass.objects.count(),
            "students": Student.objects.count(),
            "guardians": Guardian.objects.count(),
            "staff": Staff.objects.count(),
            "teachers": Staff.objects.filter(post_type="专任教师").count(),
        }
    finally:
        drop_database(drop)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"demo --scale {args.scale} --seed {args.seed} on {database}: {seconds:.1f} s (target <= 120 s)")
    print("  " + ", ".join(f"{k} {v:,}" for k, v in counts.items()) + f"; peak RSS {peak_mb:.0f} MB")
    print("| database | seconds | units | classes | students | staff (teachers) | peak RSS |")
    print(
        f"| {database} | {seconds:.1f} | {counts['units']} | {counts['classes']:,} | {counts['students']:,} "
        f"| {counts['staff']:,} ({counts['teachers']:,}) | {peak_mb:.0f} MB |"
    )
    return 0 if args.scale != "full" or seconds <= 120 else 1


if __name__ == "__main__":
    sys.exit(main())
