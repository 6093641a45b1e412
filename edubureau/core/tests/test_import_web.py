"""The import pages: upload → dry-run result → confirm → done, as school A; school B sees none of it."""

from pathlib import Path

import pytest
from django.urls import reverse

from edubureau.core import import_views, importing
from edubureau.core.models import AccessRecord, ImportJob
from edubureau.core.testing import downloaded_workbook, read_xlsx
from edubureau.people.models import Student

from .importtools import counts, student_row, table, write_xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_var_dir")]


@pytest.fixture(autouse=True)
def _inline_jobs(monkeypatch):
    # The job runs in the request, inside the test's transaction, instead of in a thread.
    monkeypatch.setattr(import_views, "RUN_IN_THREAD", False)


def upload(client, tmp_path, rows, mode="check", **extra):
    path = write_xlsx(tmp_path / "名单.xlsx", table(rows))
    with open(path, "rb") as f:
        data = {"file": f, "school_year": 2025, "mode": mode, **extra}
        response = client.post(reverse("core:import_new_students"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.latest("pk"), response


def test_it_checks_first_then_imports_on_confirmation(login, school_a_admin, classes, tmp_path):
    client = login(school_a_admin)
    assert client.get(reverse("core:import_new_students")).status_code == 200
    before = counts()
    job, response = upload(client, tmp_path, [student_row(name="王小明"), student_row(name="李小红")])
    assert response["Location"] == reverse("core:import_detail", args=[job.pk])
    assert (job.status, job.created_count, job.error_count) == ("checked", 2, 0)
    assert counts() == before  # the dry run wrote nothing
    page = client.get(response["Location"]).content.decode()
    assert 'value="all"' in page and reverse("core:import_confirm", args=[job.pk]) in page

    response = client.post(reverse("core:import_confirm", args=[job.pk]), {"mode": "all"})
    done = ImportJob.objects.latest("pk")
    assert response["Location"] == reverse("core:import_detail", args=[done.pk])
    assert (done.status, done.created_count, done.dry_run, done.path) == ("done", 2, False, job.path)
    assert sorted(Student.objects.values_list("name", flat=True)) == ["李小红", "王小明"]
    assert not Path(job.path).exists()  # the upload is removed once imported
    assert "新增 2" in client.get(response["Location"]).content.decode()
    # a second click on the old page does not import again
    again = client.post(reverse("core:import_confirm", args=[job.pk]), {"mode": "all"})
    assert again["Location"] == reverse("core:import_detail", args=[done.pk])
    assert ImportJob.objects.count() == 2


def test_it_lists_the_errors_and_imports_only_the_valid_rows_on_request(login, school_a_admin, classes, tmp_path):
    client = login(school_a_admin)
    rows = [student_row(name="王一"), student_row(name="王二", 出生日期="2020-02-30"), student_row("2131000002", name="王三")]
    job, response = upload(client, tmp_path, rows)
    assert (job.status, job.error_count, job.created_count) == ("checked", 2, 1)
    page = client.get(response["Location"]).content.decode()
    assert "日期 2020-02-30 不存在" in page and "无权导入其他学校（2131000002）的数据" in page
    assert 'value="valid_only"' in page and 'value="all"' not in page
    report = client.get(reverse("core:import_errors", args=[job.pk]))
    assert report.status_code == 200
    sheet = read_xlsx(report)
    assert sheet[0][-1] == "错误说明" and "无权导入其他学校" in sheet[3][-1]
    download = AccessRecord.objects.get(kind=AccessRecord.Kind.EXPORT, user=school_a_admin)
    assert download.unmasked and download.what.startswith("导入错误报告")

    client.post(reverse("core:import_confirm", args=[job.pk]), {"mode": "valid_only"})
    assert list(Student.objects.values_list("name", flat=True)) == ["王一"]
    assert ImportJob.objects.latest("pk").status == "done"


def test_it_writes_nothing_in_a_direct_import_with_errors(login, school_a_admin, classes, tmp_path):
    before = counts()
    job, _ = upload(login(school_a_admin), tmp_path, [student_row(), student_row(出生日期="2020-02-30")], mode="import")
    assert job.status == "failed" and "没有写入任何数据" in job.message
    assert counts() == before


def test_it_hides_a_schools_imports_from_another_school(login, school_a_admin, school_b_admin, admin_user, classes, tmp_path):
    job, _ = upload(login(school_a_admin), tmp_path, [student_row(出生日期="2020-02-30")])
    client = login(school_b_admin)
    for name in ("core:import_detail", "core:import_errors"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.post(reverse("core:import_confirm", args=[job.pk]), {"mode": "valid_only"}).status_code == 404
    assert "名单.xlsx" not in client.get(reverse("core:import_list")).content.decode()
    assert "名单.xlsx" in login(admin_user).get(reverse("core:import_list")).content.decode()
    assert login(admin_user).get(reverse("core:import_detail", args=[job.pk])).status_code == 200


def test_it_forbids_users_without_the_import_right(login, school_a_clerk, leader, classes, tmp_path):
    for user in (school_a_clerk, leader):
        client = login(user)
        assert client.get(reverse("core:import_new_students")).status_code == 403
        with open(write_xlsx(tmp_path / "s.xlsx", table([student_row()])), "rb") as f:
            assert client.post(reverse("core:import_new_students"), {"file": f, "mode": "check"}).status_code == 403
    assert Student.objects.count() == 0 and ImportJob.objects.count() == 0


def test_it_refuses_an_upload_over_the_size_limit(login, school_a_admin, classes, tmp_path, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024
    path = write_xlsx(tmp_path / "s.xlsx", table([student_row() for _ in range(20)]))
    with open(path, "rb") as f:
        response = login(school_a_admin).post(reverse("core:import_new_students"), {"file": f, "mode": "check"})
    assert response.status_code == 200 and "超过上限" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_it_shows_a_file_level_problem_on_the_job_page(login, school_a_admin, classes, tmp_path):
    path = tmp_path / "名单.xlsx"
    path.write_bytes(b"not a spreadsheet at all" * 10)
    client = login(school_a_admin)
    with open(path, "rb") as f:
        response = client.post(reverse("core:import_new_students"), {"file": f, "mode": "check", "school_year": 2025})
    job = ImportJob.objects.get()
    assert job.status == "failed" and "不是有效的 Excel 文件" in job.message
    assert "不是有效的 Excel 文件" in client.get(response["Location"]).content.decode()


def test_it_polls_progress_and_reloads_when_the_job_ends(login, school_a_admin, classes):
    client = login(school_a_admin)
    job = ImportJob.objects.create(kind="students", user=school_a_admin, filename="s.xlsx", path="/nonexistent",
                                   status="running", progress=40, message="正在校验")  # fmt: skip
    importing._running.add(job.pk)  # as if this process were running it
    try:
        partial = client.get(reverse("core:import_detail", args=[job.pk]), headers={"HX-Request": "true"})
        assert "正在校验" in partial.content.decode() and 'hx-trigger="every 1s"' in partial.content.decode()
    finally:
        importing._running.discard(job.pk)
    ImportJob.objects.filter(pk=job.pk).update(status="done")
    finished = client.get(reverse("core:import_detail", args=[job.pk]), headers={"HX-Request": "true"})
    assert finished["HX-Refresh"] == "true"


def test_it_marks_a_job_whose_process_is_gone_as_failed(login, school_a_admin, classes):
    job = ImportJob.objects.create(kind="students", user=school_a_admin, filename="s.xlsx", path="/nonexistent",
                                   status="running", options={"owner": importing._owner()})  # fmt: skip
    login(school_a_admin).get(reverse("core:import_detail", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "failed" and "中断" in job.message


def test_it_offers_templates_for_download(login, school_a_clerk):
    response = login(school_a_clerk).get(reverse("core:import_template", args=["students"]))
    assert response.status_code == 200
    book = downloaded_workbook(response)
    assert book.sheet_names == ["学生", "可选值", "填写说明"]
    assert login(school_a_clerk).get("/system/imports/template/nothing/").status_code == 404


def test_it_links_an_administrators_import_to_its_change_records(login, admin_user, classes, tmp_path):
    client = login(admin_user)
    job, _ = upload(client, tmp_path, [student_row()])
    response = client.post(reverse("core:import_confirm", args=[job.pk]), {"mode": "all"})
    done = ImportJob.objects.latest("pk")
    request_id = done.options["request_id"]
    assert f"?request_id={request_id}" in client.get(response["Location"]).content.decode()
    from edubureau.core.models import ChangeRecord

    record = ChangeRecord.objects.get()
    assert (str(record.request_id), record.source, record.user) == (request_id, "import", admin_user)


def test_it_offers_the_template_from_the_list_pages_import_link(login, school_a_admin, classes):
    client = login(school_a_admin)
    page = client.get(reverse("people:student_list")).content.decode()
    link = reverse("core:import_new_students") + "?template=1"
    assert link in page
    response = client.get(link)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]


def test_it_formats_template_columns_as_text_so_id_numbers_keep_their_digits(login, school_a_clerk):
    import io

    import openpyxl

    response = login(school_a_clerk).get(reverse("core:import_template", args=["students"]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))["学生"]
    headers = [cell.value for cell in sheet[1]]
    id_column = next(i for i, h in enumerate(headers, 1) if "证件号码" in h)
    # openpyxl keeps a run of equal columns as one dimension keyed by its first column
    span = next(d for d in sheet.column_dimensions.values() if d.min <= id_column <= d.max)
    assert span.number_format == "@"
