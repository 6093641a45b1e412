"""Benchmark: a whole district day of class reports over the HTTP API (target: <= 60 s in all,
0 lost, 0 duplicated), against a real server process (gunicorn) on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/bench_health_submit.py
                     # a fresh PostgreSQL database next to the given one: migrate, demo --scale full, dropped after
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h1 python bench/bench_health_submit.py --existing
                     # a database that already holds the full demo (the bench day's reports are replaced)

The day is a school day of term 2 (2026-03-10; the demo's reports cover term 1). Every class of
the district sends its 晨检 report and most send a 午检 report too: 8,000 reports carrying about
5,000 individual sick records, each school with its own user's token (a school clerk), posted by
32 client threads over keep-alive connections (http.client; payloads serialised beforehand so the
clients stay light on the 2 cores). Then the same 32 clients send as many requests to a bare
Django view (/healthz) through the same server, for the latency ratio. Afterwards the database
must hold exactly the submitted reports and records, checked report by report.

Prints wall time, throughput, p50/p99 latency of the submissions and of the bare view, their
ratio, and the counts check; exit status 1 if a target is missed or anything was lost.
"""

import argparse
import http.client
import io
import json
import os
import queue
import random
import socket
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_demo import drop_database, setup_database  # noqa: E402

DAY = "2026-03-10"


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(n_reports: int, n_sick: int, seed: int):
    """Tokens per school and the serialised payloads: [(token, body bytes, class id, session, student ids)]."""
    from django.db import transaction
    from rest_framework.authtoken.models import Token

    from edubureau.accounts.models import User
    from edubureau.accounts.roles import Role
    from edubureau.health.models import Alert, ClassReport, SchoolDayRollup
    from edubureau.people.models import SchoolClass, SchoolYear, Student, StudentStatus

    rng = random.Random(seed)
    year = SchoolYear.current()
    with transaction.atomic():  # a re-run replaces the bench day
        Alert.objects.filter(first_date__gte=DAY).delete()
        ClassReport.objects.filter(date=DAY).delete()
        SchoolDayRollup.objects.filter(date=DAY).delete()
    classes = list(
        SchoolClass.objects.filter(school_year=year, school__status="办学中")
        .select_related("school")
        .order_by("school__code", "grade", "class_no")
    )
    pupils: dict[int, list[tuple[int, str]]] = {}
    rows = Student.objects.filter(school_class__in=classes, status=StudentStatus.STUDYING).exclude(
        id_number=""
    )
    for pk, class_id, number in rows.values_list("pk", "school_class_id", "id_number"):
        pupils.setdefault(class_id, []).append((pk, number))
    schools = {c.school for c in classes}
    users = {u.org_id: u for u in User.objects.filter(username__startswith="bench_", org__in=schools)}
    new = []
    for school in schools:
        if school.pk not in users:
            user = User(
                username=f"bench_{school.code}", role=Role.SCHOOL_CLERK, org=school, display_name="bench"
            )
            user.apply_role_defaults()
            user.set_unusable_password()
            new.append(user)
    User.objects.bulk_create(new)
    users = {u.org_id: u for u in User.objects.filter(username__startswith="bench_", org__in=schools)}
    tokens = {t.user_id: t.key for t in Token.objects.filter(user__in=users.values())}
    Token.objects.bulk_create(
        [Token(user=u, key=Token.generate_key()) for u in users.values() if u.pk not in tokens]
    )
    tokens = {
        t.user.org_id: t.key for t in Token.objects.filter(user__in=users.values()).select_related("user")
    }

    sessions = [(c, "晨检") for c in classes] + [(c, "午检") for c in classes]
    sessions = sessions[:n_reports]
    per_report = n_sick / len(sessions)
    work = []
    for school_class, session in sessions:
        available = pupils.get(school_class.pk, [])
        k = min(
            len(available),
            sum(rng.random() < per_report / 4 for _ in range(4)),  # about per_report on average, up to 4
        )
        chosen = rng.sample(available, k)
        expected = len(available) + 2
        personal = rng.random() < 0.2
        body = {
            "school": school_class.school.code, "grade": school_class.grade, "class_no": school_class.class_no,
            "date": DAY, "session": session, "expected": expected, "present": expected - k - personal, "sick": k,
            "personal": int(personal),
            "cases": [
                {"student_id_no": number, "symptoms": rng.sample(["发热", "咳嗽", "头痛", "咽痛", "腹痛", "呕吐"], 2),
                 "onset": "2026-03-09", "seen_doctor": rng.random() < 0.5,
                 "diagnosis": rng.choice(["", "流行性感冒", "非传染性疾病"]), "expected_return": "2026-03-12"}
                for _pk, number in chosen
            ],
        }  # fmt: skip
        work.append(
            (tokens[school_class.school_id], json.dumps(body, ensure_ascii=False).encode(), school_class.pk, session,
             sorted(pk for pk, _n in chosen))
        )  # fmt: skip
    rng.shuffle(work)
    return work


def start_server(port: int, workers: int, threads: int) -> subprocess.Popen:
    env = {**os.environ, "DB_CONN_MAX_AGE": "60"}
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "edubureau.wsgi:application", "-k", "gthread", "-w", str(workers),
         "--threads", str(threads), "-b", f"127.0.0.1:{port}", "--log-level", "warning", "--keep-alive", "30"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    for _ in range(200):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("gunicorn did not start")


def hammer(port: int, clients: int, jobs: list, make_request) -> tuple[float, list[float], list]:
    """Send every job from `clients` threads, each over one keep-alive connection."""
    todo: queue.Queue = queue.Queue()
    for job in jobs:
        todo.put(job)
    latencies: list[float] = []
    failures: list = []
    lock = threading.Lock()

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, bad = [], []
        while True:
            try:
                job = todo.get_nowait()
            except queue.Empty:
                break
            method, path, body, headers = make_request(job)
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as e:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                bad.append((job, repr(e)))
                continue
            mine.append(time.perf_counter() - started)
            if response.status >= 300:
                bad.append((job, response.status, data[:300]))
        with lock:
            latencies.extend(mine)
            failures.extend(bad)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started, latencies, failures


def verify(work) -> tuple[int, int, list[str]]:
    """The stored reports and records must be exactly the submitted ones."""
    from edubureau.health.models import ClassReport, SickCase

    stored = {
        (c, s): pk
        for pk, c, s in ClassReport.objects.filter(date=DAY).values_list("pk", "school_class_id", "session")
    }
    cases: dict[int, list[int]] = {}
    for report_id, student_id in SickCase.objects.filter(date=DAY).values_list("report_id", "student_id"):
        cases.setdefault(report_id, []).append(student_id)
    problems = []
    for _token, _body, class_id, session, students in work:
        pk = stored.get((class_id, session))
        if pk is None:
            problems.append(f"lost report: class {class_id} {session}")
        elif sorted(cases.get(pk, [])) != students:
            problems.append(f"records differ: class {class_id} {session}")
    extra = len(stored) - len(work)
    if extra:
        problems.append(f"{extra} reports more than submitted")
    return len(stored), sum(len(v) for v in cases.values()), problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--existing", action="store_true", help="use DATABASE_URL as it is (holds the full demo)"
    )
    parser.add_argument("--reports", type=int, default=8000)
    parser.add_argument("--sick", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server (the issue's target is PostgreSQL).")
    database, drop = ("existing", None) if args.existing else setup_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edubureau.settings")
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    server = None
    try:
        if not args.existing:
            call_command("migrate", verbosity=0)
            call_command("demo", scale="full", verbosity=0, stdout=io.StringIO())
        work = prepare(args.reports, args.sick, args.seed)
        n_sick = sum(len(w[4]) for w in work)
        connections.close_all()
        port = free_port()
        server = start_server(port, args.workers, args.threads)

        def submit(job):
            token, body, *_ = job
            headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
            return "POST", "/api/health/class-reports/", body, headers

        seconds, latencies, failures = hammer(port, args.clients, work, submit)
        bare_seconds, bare, bare_failures = hammer(
            port, args.clients, range(len(work)), lambda _job: ("GET", "/healthz", None, {})
        )
        stored, stored_cases, problems = verify(work)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        drop_database(drop)
    p50, p99 = percentile(latencies, 50) * 1000, percentile(latencies, 99) * 1000
    b50, b99 = percentile(bare, 50) * 1000, percentile(bare, 99) * 1000
    print(
        f"{len(work):,} class reports with {n_sick:,} sick records, {args.clients} clients, gunicorn "
        f"{args.workers} workers × {args.threads} threads, PostgreSQL"
    )
    print(f"  submissions: {seconds:.1f} s in all (target <= 60 s), {len(work) / seconds:.0f} reports/s, "
          f"p50 {p50:.0f} ms, p99 {p99:.0f} ms, {len(failures)} failed")  # fmt: skip
    print(f"  bare Django view (/healthz), same load: {bare_seconds:.1f} s, p50 {b50:.1f} ms, p99 {b99:.1f} ms; "
          f"ratio p50 {p50 / b50:.1f}×, p99 {p99 / b99:.1f}×")  # fmt: skip
    print(f"  stored: {stored:,} reports, {stored_cases:,} sick records; "
          f"lost/duplicated/different: {len(problems)}")  # fmt: skip
    for failure in failures[:5]:
        print("  failure:", failure[1:])
    for problem in problems[:5]:
        print("  problem:", problem)
    ok = seconds <= 60 and not failures and not problems and not bare_failures
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
