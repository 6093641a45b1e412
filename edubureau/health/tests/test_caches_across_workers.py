"""Every server process sees a change at once: a threshold changed on the settings page and a school
closed through the API hold for the very next report, whichever gunicorn worker answers it.

A real gunicorn with two worker processes runs on a database of its own (a SQLite file, or a fresh
PostgreSQL database when the suite runs on PostgreSQL), migrated by `edubureau migrate` alone (which
must create the shared cache's table) and seeded by `workers_seed.py`. Both workers first remember the
old rule and the open school; one request changes each; then concurrent reports, answered by both
workers (the access log names the process), must all see the change.
"""

import concurrent.futures
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
CSRF = "c" * 32  # any 32 letters serve as the CSRF cookie and the form's token
SEED = "from edubureau.health.tests.workers_seed import main; main()"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server_env():
    """The environment of a server on a fresh database: SQLite in a temporary directory, or a new
    PostgreSQL database next to the suite's (dropped afterwards)."""
    if not (BIN / "gunicorn").exists():
        message = f"gunicorn not found in {BIN}: `make install` installs it"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    var = tempfile.mkdtemp(prefix="edubureau-workers-")
    os.mkdir(f"{var}/static")  # no collected static files needed; spares WhiteNoise's warning
    env = {**os.environ, "EDUBUREAU_VAR_DIR": var, "DJANGO_SETTINGS_MODULE": "edubureau.settings"}
    url = urlsplit(os.environ.get("DATABASE_URL", ""))
    admin = urlunsplit(url._replace(path="/postgres"))  # the suite's own database may not exist (only test_…)
    name = None
    if connection.vendor == "postgresql":
        import psycopg

        name = f"cache_workers_{os.getpid()}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = urlunsplit(url._replace(path=f"/{name}"))
    else:
        env["DATABASE_URL"] = f"sqlite:///{var}/db.sqlite3"
    try:
        yield env
    finally:
        if name:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(var, ignore_errors=True)


def _run(env, *args) -> str:
    done = subprocess.run(
        [str(BIN / "edubureau"), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


class Server:
    def __init__(self, env, log: Path):
        self.port = _free_port()
        self.log = log
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "edubureau.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{self.port}",
             "--access-logfile", str(log), "--access-logformat", "%(p)s %(m)s %(U)s%(q)s %(s)s",
             "--log-level", "warning"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if self.call("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise AssertionError("gunicorn did not start")

    def call(self, method, path, body=None, headers=None) -> tuple[int, object]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        kind = response.getheader("Content-Type", "")
        return response.status, json.loads(data) if kind.startswith("application/json") else data

    def workers_that_answered(self, phase: str, count: int) -> set[str]:
        """The process ids that answered the `count` requests of `phase` (a line is logged just after
        its response is sent, so wait a moment for the last ones)."""
        deadline = time.monotonic() + 5
        while True:
            lines = [line.split() for line in self.log.read_text().splitlines() if f"phase={phase}" in line]
            if len(lines) >= count or time.monotonic() > deadline:
                return {line[0] for line in lines}
            time.sleep(0.05)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _report(day, school_class, expected=40) -> bytes:
    cases = [
        {"student_id_no": id_no, "symptoms": ["发热", "头痛"], "onset": day, "seen_doctor": False}
        for id_no in school_class["pupils"]
    ]
    body = {
        "school": school_class["school"], "grade": school_class["grade"], "class_no": school_class["class_no"],
        "date": day, "expected": expected, "present": expected - len(cases), "sick": len(cases), "personal": 0,
        "cases": cases,
    }  # fmt: skip
    return json.dumps(body, ensure_ascii=False).encode()


def _settings_form(seed, **day_thresholds) -> str:
    """The settings page's form as saved: the reporting settings and every rule, some changed."""
    rules = seed["rules"]
    form = {"form-TOTAL_FORMS": len(rules), "form-INITIAL_FORMS": len(rules), "form-MIN_NUM_FORMS": 0,
            "form-MAX_NUM_FORMS": 1000, "csrfmiddlewaretoken": CSRF, **seed["settings"]}  # fmt: skip
    for n, rule in enumerate(rules):
        rule = {**rule, "day_threshold": day_thresholds.get(rule["code"], rule["day_threshold"])}
        for key in ("id", "window_days", "threshold", "day_threshold", "report_within_hours"):
            form[f"form-{n}-{key}"] = "" if rule[key] is None else rule[key]
        if rule["active"]:
            form[f"form-{n}-active"] = "on"
    return urlencode(form)


def test_changes_hold_at_once_in_every_worker(server_env, tmp_path):
    _run(server_env, "migrate", "--noinput", "--verbosity", "0")
    seed = json.loads(
        next(line for line in _run(server_env, "shell", "-c", SEED).splitlines() if line[:1] == "{")
    )
    day = seed["day"]
    school_a = [c for c in seed["classes"] if c["school"] == "2131000001"]
    school_b = [c for c in seed["classes"] if c["school"] == "2131000002"]
    api = {"Authorization": f"Token {seed['token']}", "Content-Type": "application/json"}
    page = {"Cookie": f"sessionid={seed['session']}; csrftoken={CSRF}",
            "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
    server = Server(server_env, tmp_path / "access.log")
    try:
        with concurrent.futures.ThreadPoolExecutor(10) as pool:

            def submit_all(phase, classes, expected=40):
                path = f"/api/health/class-reports/?phase={phase}"
                return list(
                    pool.map(lambda c: server.call("POST", path, _report(day, c, expected), api), classes)
                )

            # Both workers remember the calendar, the rules (班级发热聚集: 3 cases in one day), the open
            # school B and its classes: two fever cases per class raise nothing. A worker's first
            # request is slow, so the other may answer a whole round: resubmit (changed) until both did.
            warm = school_a[:10] + school_b[:5]
            for round_ in range(6):
                answers = submit_all(f"warm{round_}", warm, expected=40 + round_)
                assert [s for s, _ in answers] == [201 if round_ == 0 else 200] * 15, answers[:3]
                assert all(body["alerts"] == [] for _, body in answers)
                if len(server.workers_that_answered(f"warm{round_}", 15)) == 2:
                    break
            else:
                raise AssertionError("one worker answered every warm-up request")

            # One request lowers the one-day threshold to 2: at once, two fever cases raise an alert.
            status, body = server.call(
                "POST", "/health/settings/", _settings_form(seed, **{"class-fever": 2}), page
            )
            assert status == 302, body[:2000]
            after = submit_all("threshold", school_a[10:30])
            missed = [
                body
                for s, body in after
                if s != 201 or [a["rule"] for a in body["alerts"]] != ["class-fever"]
            ]
            assert not missed, f"{len(missed)} of 20 reports did not see the new threshold: {missed[:2]}"
            assert len(server.workers_that_answered("threshold", 20)) == 2

            # One request closes school B: at once its reports are refused.
            school_b_id = seed["school_ids"]["2131000002"]
            status, body = server.call(
                "PATCH", f"/api/org/schools/{school_b_id}/", json.dumps({"status": "已撤销"}), api
            )
            assert status == 200, body
            after = submit_all("closed", school_b + school_b)
            missed = [
                body
                for s, body in after
                if s != 400 or "不接收日报" not in json.dumps(body, ensure_ascii=False)
            ]
            assert not missed, f"{len(missed)} of 20 reports did not see the school closed: {missed[:2]}"
            assert len(server.workers_that_answered("closed", 20)) == 2

            # One request makes the day a holiday: at once it is no school day.
            holiday = urlencode({"date": day, "kind": "holiday", "name": "停课", "csrfmiddlewaretoken": CSRF})
            status, body = server.call("POST", "/people/calendar/add/", holiday, page)
            assert status == 302, body[:2000]
            after = submit_all("holiday", school_a[30:] + school_a[30:])
            missed = [
                body
                for s, body in after
                if s != 400 or "不是上课日" not in json.dumps(body, ensure_ascii=False)
            ]
            assert not missed, f"{len(missed)} of 20 reports did not see the holiday: {missed[:2]}"
            assert len(server.workers_that_answered("holiday", 20)) == 2
    finally:
        server.stop()
