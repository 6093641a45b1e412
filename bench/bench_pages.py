"""Benchmark: every page of the menu, as each demo role, on the full demo (target: server time p95 <= 300 ms).

    python bench/bench_pages.py                  # builds `demo --scale full` in a temporary SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/bench_pages.py
                                                 # the same in a fresh PostgreSQL database, dropped after
    DATABASE_URL=sqlite:////tmp/e_bench.sqlite3 python bench/bench_pages.py --existing --repeat 5
                                                 # use a database that already holds the full demo
    python bench/bench_pages.py --existing --roles admin,xiaoxue_banzhuren

Logs in as each demo user (one per role), renders the menu (`core.context_processors.navigation`) for that user,
and requests every page of it with Django's test Client: one warm-up request, then `--repeat` timed ones. Server
time is measured around `client.get` (the whole middleware stack, scope, queries, template). Prints one row per
page and role (p50, p95, max, this process's CPU time per request, queries, size of the page), the pages over the
target flagged, then the worst page of each role; the exit status is 1 if any page is over the target (or answers
other than 200). The CPU column helps read a run on a shared machine: on SQLite (in-process) it is the request's
whole work, without waiting for a core; on PostgreSQL it leaves out the database server's share.

A new PostgreSQL database is vacuumed after the demo is built (`VACUUM ANALYZE`, what autovacuum does on a
server): until then PostgreSQL cannot answer counts from an index alone.
"""

import argparse
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

TARGET_MS = 300
REPEAT = 20
ROLES = [
    "admin", "leader", "jijiao", "renshi", "tiwei", "jijian", "bangong",
    "xiaoxue_admin", "xiaoxue_clerk", "xiaoxue_banzhuren", "xiaoxue_xiaoyi",
    "chuzhong_admin", "chuzhong_clerk",
]  # fmt: skip


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def menu_pages(user):
    """(section, label, url) of every entry of the menu `user` sees, as the context processor builds it."""
    from django.test import RequestFactory

    from edubureau.core.context_processors import navigation

    request = RequestFactory().get("/")
    request.user = user
    return [
        (section["label"], str(item["label"]), item["url"])
        for section in navigation(request).get("nav", [])
        for item in section["items"]
    ]


def measure(client, url, repeat):
    """Times (ms) of `repeat` requests after one warm-up, the median CPU time of this process (ms) per request,
    the page size (bytes) and the queries of one request."""
    from django.db import connection

    queries = []  # counted by a wrapper: Django empties connection.queries at each request's start
    with connection.execute_wrapper(lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)):
        response = client.get(url)
    if response.status_code != 200:
        return None, response.status_code, len(queries)
    size = len(response.content)
    times, cpu = [], []
    for _ in range(repeat):
        started, used = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    return times, statistics.median(cpu), size, len(queries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--existing", action="store_true", help="use the configured database as it is")
    parser.add_argument(
        "--repeat", type=int, default=REPEAT, help="timed requests per page (after one warm-up)"
    )
    parser.add_argument("--roles", default=",".join(ROLES), help="comma-separated demo usernames")
    parser.add_argument("--pages", default="", help="only URLs containing one of these comma-separated parts")
    parser.add_argument("--target", type=int, default=TARGET_MS, help="p95 target in ms")
    args = parser.parse_args()
    roles = [r.strip() for r in args.roles.split(",") if r.strip()]
    only = [p.strip() for p in args.pages.split(",") if p.strip()]

    database, drop = ("existing", None) if args.existing else setup_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edubureau.settings")
    # whitenoise: static files are not collected here
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from edubureau.accounts.models import User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    rows, failures = [], []
    try:
        if not args.existing:
            call_command("migrate", verbosity=0)
            started = time.perf_counter()
            call_command("demo", scale="full", verbosity=0, stdout=io.StringIO())
            print(f"built the full demo in {time.perf_counter() - started:.0f} s")
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE")
        if database == "existing":
            database = connection.vendor
        for username in roles:
            user = User.objects.get(username=username)
            client = Client()
            response = client.post(
                reverse("login"), {"username": username, "password": settings.DEMO_PASSWORD}
            )  # the real sign-in form
            if response.status_code != 302:
                raise SystemExit(f"{username}: sign-in failed (HTTP {response.status_code})")
            for section, label, url in menu_pages(user):
                if only and not any(part in url for part in only):
                    continue
                times, *rest = measure(client, url, args.repeat)
                if times is None:
                    failures.append((username, label, url, rest[0]))
                    continue
                rows.append((username, f"{section} / {label}", url, times, *rest))
                print(f"  {username:18} {url:45} p95 {percentile(times, 95):6.0f} ms", file=sys.stderr)
    finally:
        drop_database(drop)

    over = 0
    print(
        f"\nmenu pages on {database}, {args.repeat} timed requests per page after 1 warm-up, target p95 <= {args.target} ms"
    )
    print("| page | url | role | p50 ms | p95 ms | max ms | CPU p50 ms | queries | KB | |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for username, label, url, times, cpu, size, queries in rows:
        p95 = percentile(times, 95)
        flag = "**over**" if p95 > args.target else ""
        over += bool(flag)
        print(
            f"| {label} | {url} | {username} | {statistics.median(times):.0f} | {p95:.0f} | {max(times):.0f} "
            f"| {cpu:.0f} | {queries} | {size / 1024:.0f} | {flag} |"
        )
    print("\nworst page per role:")
    print("| role | pages | worst page | p95 ms |")
    print("|---|---|---|---|")
    for username in roles:
        own = [r for r in rows if r[0] == username]
        if own:
            worst = max(own, key=lambda r: percentile(r[3], 95))
            print(f"| {username} | {len(own)} | {worst[1]} | {percentile(worst[3], 95):.0f} |")
    for username, label, url, status in failures:
        print(f"FAILED: {username} {url} ({label}) → HTTP {status}")
    worst = max((percentile(r[3], 95) for r in rows), default=0)
    print(
        f"\n{len(rows)} pages, max p95 {worst:.0f} ms, {over} over {args.target} ms, {len(failures)} failed"
    )
    return 0 if not over and not failures else 1


if __name__ == "__main__":
    sys.exit(main())
