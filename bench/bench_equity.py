"""Benchmark: 优质均衡 indicators and CVs (target: 400 schools <= 1 s) and the teacher-exchange
optimiser on the demo district (target: <= 30 s).

    python bench/bench_equity.py --pure-only     # the pure path alone: 400 synthetic schools, no database
    python bench/bench_equity.py                 # also builds `demo --scale full` in a temporary SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/bench_equity.py
                                                 # the same in a fresh PostgreSQL database, dropped after
    EDUBUREAU_VAR_DIR=/path/to/var python bench/bench_equity.py --existing
                                                 # use a database that already holds the full demo

Pure path: `whatif.evaluate` (the seven indicators, the 6-of-7 / 85 % rule and the seven CVs per 学段)
on 400 synthetic schools (200 primary, 200 junior parts), median of 20 runs. Service path:
`services.evaluate_year()` on the demo district (queries + split + assessment + CVs), median of 5
runs after one warm-up. Optimiser: `services.propose_exchanges` for 小学 and 初中 with the default
limits (10 % of 骨干, 5 out / 5 in per school) and with looser ones (50 % of 骨干), wall time each.
"""

import argparse
import io
import os
import random
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_demo import drop_database, setup_database  # noqa: E402

from edubureau.equity.indicators import JUNIOR, PRIMARY, SchoolInputs  # noqa: E402
from edubureau.equity.whatif import evaluate  # noqa: E402


def synthetic(n: int, seed: int = 7) -> list[SchoolInputs]:
    rng = random.Random(seed)
    parts = []
    for k in range(n):
        students = rng.randint(150, 2000)
        parts.append(
            SchoolInputs(
                code=f"{k:010d}",
                stage=PRIMARY if k % 2 else JUNIOR,
                students=students,
                qualified_teachers=round(students * rng.uniform(0.04, 0.09)),
                backbone_teachers=round(students * rng.uniform(0.0, 0.03)),
                pe_art_teachers=round(students * rng.uniform(0.006, 0.015)),
                building_area=students * rng.uniform(3.5, 8),
                sports_area=students * rng.uniform(5, 14),
                equipment_value=students * rng.uniform(1500, 4000),
                multimedia_rooms=round(students * rng.uniform(0.018, 0.04)),
            )
        )
    return parts


def timed(function, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def bench_pure() -> float:
    parts = synthetic(400)
    seconds, evaluation = timed(lambda: evaluate(parts), 20)
    passing = sum(1 for a in evaluation.assessments if a.passed)
    print(f"pure path, 400 schools: {seconds * 1000:.1f} ms median of 20 (target <= 1000 ms); {passing} pass")
    return seconds


def bench_service(database: str) -> tuple[float, float]:
    from edubureau.equity import services
    from edubureau.equity.optimiser import Limits

    services.evaluate_year()  # warm-up: settings row, query plans
    seconds, evaluation = timed(services.evaluate_year, 5)
    print(
        f"service on the demo district ({database}): {seconds * 1000:.0f} ms median of 5 for "
        f"{len(evaluation.parts)} school parts (target <= 1000 ms for 400 schools)"
    )
    worst = 0.0
    for label, limits in (("default limits", Limits()), ("骨干 up to 50 %", Limits(backbone_share_out=0.5))):
        for stage in (PRIMARY, JUNIOR):
            started = time.perf_counter()
            plan = services.propose_exchanges(None, stage, limits).plan
            elapsed = time.perf_counter() - started
            worst = max(worst, elapsed)
            cvs = ", ".join(
                f"{k} {g.cv_before:.3f}→{g.cv_after:.3f}" for k, g in plan.gaps.items() if g.cv_before
            )
            print(
                f"  optimiser {stage} ({label}): {elapsed:.2f} s, {plan.status}, {plan.teachers_moved} teachers "
                f"in {len(plan.moves)} moves, passing {plan.passing_before}→{plan.passing_after}; {cvs}"
            )
    print(f"optimiser worst case: {worst:.2f} s (target <= 30 s)")
    return seconds, worst


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--existing", action="store_true", help="use the configured database as it is")
    parser.add_argument("--pure-only", action="store_true", help="only the pure path, no database")
    args = parser.parse_args()

    pure = bench_pure()
    if args.pure_only:
        return 0 if pure <= 1 else 1

    database, drop = ("existing", None) if args.existing else setup_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edubureau.settings")
    warnings.filterwarnings(
        "ignore", message="No directory at"
    )  # whitenoise: static files not collected here
    import django

    django.setup()
    from django.core.management import call_command

    try:
        if not args.existing:
            call_command("migrate", verbosity=0)
            call_command("demo", scale="full", verbosity=0, stdout=io.StringIO(), stderr=io.StringIO())
        service, optimiser = bench_service(database)
    finally:
        drop_database(drop)
    return 0 if pure <= 1 and service <= 1 and optimiser <= 30 else 1


if __name__ == "__main__":
    sys.exit(main())
