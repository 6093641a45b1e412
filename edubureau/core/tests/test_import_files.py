"""Files an import leaves behind hold unmasked personal data (issue 11, finding 8): a console run keeps
none unless the operator names one, and a web import's upload and error report are deleted once they
are older than IMPORT_FILE_RETENTION_HOURS (at the next import, or by `edubureau import --purge`)."""

import datetime
import io
import os
import time
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from edubureau.core import import_views, importing
from edubureau.core.models import ImportJob
from edubureau.people.models import Student

from .importtools import last_job, run_import, student_row, table, write_xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_var_dir")]


@pytest.fixture(autouse=True)
def _inline_jobs(monkeypatch):
    monkeypatch.setattr(import_views, "RUN_IN_THREAD", False)


def stored_files():
    return sorted(p.name for p in importing.imports_dir().iterdir())


def bad_rows(n=1):
    return [student_row(name=f"王{i}", 出生日期="2020-02-30") for i in range(n)]


# --- the console --------------------------------------------------------------------------------


def test_it_leaves_no_file_after_a_dry_run_and_prints_every_error(classes, tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", table(bad_rows(25)))
    ok, output = run_import("students", path, "--dry-run")
    assert not ok
    assert output.count("出生日期：日期 2020-02-30 不存在") == 25  # all of them, not the first 20
    assert "加 --errors" in output and "错误报告：" not in output
    assert stored_files() == [] and last_job().error_report == ""


def test_it_writes_the_error_workbook_only_where_the_operator_asks(classes, tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", table([student_row(), *bad_rows()]))
    report = tmp_path / "out" / "错误.xlsx"
    ok, output = run_import("students", path, "--dry-run", "--errors", str(report))
    assert not ok and f"错误报告：{report}" in output
    rows = CalamineWorkbook.from_path(str(report)).get_sheet_by_index(0).to_python()
    assert rows[0][-1] == "错误说明" and "日期 2020-02-30 不存在" in rows[2][-1]
    assert stored_files() == []
    assert last_job().error_report == ""  # the job (visible on the web) never points at the operator's file
    ok, output = run_import("students", path, "--errors", str(path))
    assert not ok and "--errors 应为另一个 .xlsx 文件" in output


def test_it_purges_expired_import_files_on_request(classes, tmp_path, settings):
    settings.IMPORT_FILE_RETENTION_HOURS = 24
    folder = importing.imports_dir()
    operators_own = write_xlsx(tmp_path / "名单.xlsx", table([student_row()]))

    def job_with_files(name, hours_ago, path=None):
        upload, report = folder / f"{name}.xlsx", folder / f"{name}-errors.xlsx"
        upload.write_bytes(b"x")
        report.write_bytes(b"x")
        job = ImportJob.objects.create(
            kind="students", filename="名单.xlsx", path=str(path or upload), error_report=str(report),
            status=ImportJob.Status.CHECKED, error_count=1, errors=[[2, "姓名", "王小明", "班号 9 不存在"]],
        )  # fmt: skip
        ImportJob.objects.filter(pk=job.pk).update(
            created=timezone.now() - datetime.timedelta(hours=hours_ago)
        )
        return job

    old, recent = job_with_files("old", 25), job_with_files("recent", 23)
    console = job_with_files("console", 48, path=operators_own)
    stray = folder / "left-by-a-crash.xlsx"
    stray.write_bytes(b"x")
    day_ago = time.time() - 25 * 3600
    os.utime(stray, (day_ago, day_ago))

    out = io.StringIO()
    call_command("import", "--purge", stdout=out)
    assert "已删除 4 个超过 24 小时的导入文件" in out.getvalue()
    assert stored_files() == [
        "console.xlsx",
        "recent-errors.xlsx",
        "recent.xlsx",
    ]  # console.xlsx: not its path
    assert operators_own.exists()
    old.refresh_from_db()
    assert importing.expired(old) and old.errors == [[2, "姓名", "", "班号 9 不存在"]]
    recent.refresh_from_db()
    assert not importing.expired(recent) and recent.errors[0][2] == "王小明"
    console.refresh_from_db()
    assert importing.expired(console)


# --- the web ------------------------------------------------------------------------------------


def upload(client, tmp_path, rows, name="名单.xlsx"):
    with open(write_xlsx(tmp_path / name, table(rows)), "rb") as f:
        data = {"file": f, "school_year": 2025, "mode": "check"}
        assert client.post(reverse("core:import_new_students"), data).status_code == 302
    return ImportJob.objects.latest("pk")


def test_it_deletes_a_web_imports_files_once_they_expire(login, school_a_admin, classes, tmp_path, settings):
    settings.IMPORT_FILE_RETENTION_HOURS = 24
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = login(school_a_admin)
        job = upload(
            client, tmp_path, [student_row(name="王小明"), student_row(name="李小红", 出生日期="2020-02-30")]
        )
        files = [Path(job.path), Path(job.error_report)]
        assert all(f.is_file() for f in files) and job.errors[0][2] == "2020-02-30"
        page = client.get(reverse("core:import_detail", args=[job.pk])).content.decode()
        assert reverse("core:import_errors", args=[job.pk]) in page and 'value="valid_only"' in page
    with time_machine.travel(start + datetime.timedelta(hours=23), tick=False):
        client = login(school_a_admin)  # a new session: the first one ended after two idle hours
        upload(client, tmp_path, [student_row()], "另一份.xlsx")
        assert all(f.is_file() for f in files)  # not yet
    with time_machine.travel(start + datetime.timedelta(hours=25), tick=False):
        client = login(school_a_admin)
        newest = upload(client, tmp_path, [student_row()], "第三份.xlsx")  # each new import purges
        assert not any(f.exists() for f in files)
        assert Path(newest.path).is_file()
        job.refresh_from_db()
        assert job.errors[0][2] == "" and "不存在" in job.errors[0][3]  # the row's value went with the files
        page = client.get(reverse("core:import_detail", args=[job.pk])).content.decode()
        assert "上传的文件和错误报告只保留 24 小时，已删除" in page
        assert reverse("core:import_errors", args=[job.pk]) not in page and 'value="valid_only"' not in page
        assert client.get(reverse("core:import_errors", args=[job.pk])).status_code == 404
        response = client.post(reverse("core:import_confirm", args=[job.pk]), {"mode": "valid_only"})
        assert response["Location"] == reverse("core:import_detail", args=[job.pk])
    assert Student.objects.count() == 0


def test_it_purges_before_confirming_an_old_check(login, school_a_admin, classes, tmp_path, settings):
    settings.IMPORT_FILE_RETENTION_HOURS = 2
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        job = upload(login(school_a_admin), tmp_path, [student_row()])
    with time_machine.travel(start + datetime.timedelta(hours=3), tick=False):
        client = login(school_a_admin)
        response = client.post(reverse("core:import_confirm", args=[job.pk]), {"mode": "all"})
        assert response["Location"] == reverse("core:import_detail", args=[job.pk])
        assert not Path(job.path).exists() and ImportJob.objects.count() == 1
    assert Student.objects.count() == 0
