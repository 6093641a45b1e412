"""Benchmark: the student list page filtered by school, 50 rows, with the full demo district
(~165,000 students) in the database (target: server time p95 <= 150 ms).

    python bench/bench_student_list.py           # builds `demo --scale full` in a temporary SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/bench_student_list.py
                                                 # the same in a fresh PostgreSQL database, dropped after
    EDUBUREAU_VAR_DIR=/path/to/var python bench/bench_student_list.py --existing
                                                 # use a database that already holds the full demo

Logs in as the bureau admin and as a school admin with Django's test Client and requests
`/people/students/?school=<code>&page=<n>` 200 times each (admin: varying schools and pages;
school admin: their school, varying pages and grades). Server time is measured around
`client.get` (middleware, scope, query, template); the first 10 requests warm up and are not
counted. Prints p50/p95/max per user and the queries one page takes.
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

REQUESTS = 200
WARM_UP = 10


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run(client, urls):
    times = []
    for k, url in enumerate(urls):
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url} → HTTP {response.status_code}")
        if k >= WARM_UP:
            times.append(elapsed)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--existing", action="store_true", help="use the configured database as it is")
    parser.add_argument("--requests", type=int, default=REQUESTS)
    args = parser.parse_args()

    database, drop = ("existing", None) if args.existing else setup_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edubureau.settings")
    warnings.filterwarnings(
        "ignore", message="No directory at"
    )  # whitenoise: static files not collected here
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from edubureau.accounts.models import User
    from edubureau.org.models import School
    from edubureau.people.models import Student

    try:
        if not args.existing:
            call_command("migrate", verbosity=0)
            started = time.perf_counter()
            call_command("demo", scale="full", verbosity=0, stdout=io.StringIO())
            print(f"built the full demo in {time.perf_counter() - started:.0f} s")
        if database == "existing":
            database = connection.vendor
        total = Student.objects.count()
        url = reverse("people:student_list")
        rng = random.Random(1)
        schools = list(
            School.objects.annotate(n=Count("students"))
            .filter(n__gt=0)
            .values_list("code", "n")
            .order_by("code")
        )
        admin = User.objects.get(username="admin")
        school_admin = User.objects.get(username="xiaoxue_admin")
        own = school_admin.org
        own_pages = (own.students.count() + 49) // 50
        n = args.requests + WARM_UP

        admin_urls = []
        for _ in range(n):
            code, count = rng.choice(schools)
            admin_urls.append(f"{url}?school={code}&page={rng.randint(1, min(10, (count + 49) // 50))}")
        school_urls = []
        for _ in range(n):
            extra = f"&grade={rng.randint(1, 5)}" if rng.random() < 0.3 else ""
            school_urls.append(f"{url}?school={own.code}&page={rng.randint(1, min(10, own_pages))}{extra}")

        results = {}
        for label, user, urls in (
            ("bureau admin", admin, admin_urls),
            (f"school admin ({own.short_name})", school_admin, school_urls),
        ):
            client = Client()
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            results[label] = run(client, urls)
            with CaptureQueriesContext(connection) as queries:
                client.get(urls[0])
            results[label] = (results[label], len(queries))
    finally:
        drop_database(drop)

    print(
        f"student list on {database}, {total:,} students, {args.requests} requests per user (after {WARM_UP} warm-up):"
    )
    print("| database | user | p50 ms | p95 ms | max ms | queries/page |")
    worst = 0.0
    for label, (times, queries) in results.items():
        p50, p95 = statistics.median(times), percentile(times, 95)
        worst = max(worst, p95)
        print(f"| {database} | {label} | {p50:.0f} | {p95:.0f} | {max(times):.0f} | {queries} |")
    print(f"target p95 <= 150 ms: {'met' if worst <= 150 else 'NOT met'}")
    return 0 if worst <= 150 else 1


if __name__ == "__main__":
    sys.exit(main())
