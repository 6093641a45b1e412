"""Benchmark: alert evaluation for a district day (target <= 2 s) and the term trend query
(≈100 school days, district, by 学段; target <= 200 ms), with the full demo district's term of
health reports in the database.

    python bench/bench_health_alerts.py           # builds `demo --scale full` in a temporary SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/bench_health_alerts.py
                                                 # the same in a fresh PostgreSQL database, dropped after
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h1 python bench/bench_health_alerts.py --existing
                                                 # use a database that already holds the full demo

Evaluation: `services.evaluate_day` (every cluster rule for every school over the rules' longest
window, then EARS on every school's rollup series) on the peak day of the demo's influenza wave
and on a quiet day, each inside a transaction that is rolled back so the database is unchanged;
3 runs each, best and worst printed. Trend: `queries.trend_by_stage` over term 1, 20 runs after
2 warm-up runs; also the symptom mix and the completeness of one day, which the pages call too.
"""

import argparse
import datetime
import io
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_demo import drop_database, setup_database  # noqa: E402

PEAK = datetime.date(2025, 12, 31)
QUIET = datetime.date(2025, 10, 21)


class Rollback(Exception):
    pass


def timed(fn, runs: int, warm_up: int = 0) -> list[float]:
    for _ in range(warm_up):
        fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--existing", action="store_true", help="use DATABASE_URL / EDUBUREAU_VAR_DIR as it is"
    )
    args = parser.parse_args()
    database, drop = ("existing", None) if args.existing else setup_database()
    if args.existing:
        database = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edubureau.settings")
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from edubureau.health import queries, services
    from edubureau.health.models import ClassReport, SchoolDayRollup, SickCase
    from edubureau.people.models import Term

    try:
        if not args.existing:
            call_command("migrate", verbosity=0)
            call_command("demo", scale="full", verbosity=0, stdout=io.StringIO())
        term = Term.objects.filter(number=1, school_year__is_current=True).first()
        days = services.school_days(term.start_date, term.end_date)
        print(
            f"{database}: {ClassReport.objects.count():,} class reports, {SickCase.objects.count():,} sick records, "
            f"{SchoolDayRollup.objects.count():,} rollups; term 1 = {len(days)} school days"
        )

        def evaluate(day):
            def run():
                try:
                    with transaction.atomic():
                        run.result = services.evaluate_day(day)
                        raise Rollback
                except Rollback:
                    pass

            return run

        ok = True
        for label, day in (("peak of the flu wave", PEAK), ("quiet day", QUIET)):
            fn = evaluate(day)
            with CaptureQueriesContext(connection) as queries:
                times = timed(fn, 3)
            cases = SickCase.objects.filter(date__range=(day - datetime.timedelta(days=9), day)).count()
            print(
                f"  alert evaluation, {label} {day} ({cases:,} cases in the 10-day window): "
                f"best {min(times):.2f} s, worst {max(times):.2f} s, {len(queries) // 3} queries "
                f"-> {fn.result} (target <= 2 s)"
            )
            ok &= max(times) <= 2

        for label, fn in (
            ("term trend by 学段", lambda: queries.trend_by_stage(term.start_date, term.end_date)),
            ("term symptom mix", lambda: queries.symptom_mix(term.start_date, term.end_date)),
            ("completeness of a day", lambda: queries.completeness(PEAK)),
            (
                "term completeness history",
                lambda: queries.completeness_history(term.start_date, term.end_date),
            ),
        ):
            times = timed(fn, 20, warm_up=2)
            print(
                f"  {label}: p50 {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms"
                + (" (target <= 200 ms)" if label == "term trend by 学段" else "")
            )
            if label == "term trend by 学段":
                ok &= statistics.median(times) <= 0.2
    finally:
        drop_database(drop)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
