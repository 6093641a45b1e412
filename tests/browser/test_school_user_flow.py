"""A school administrator's day in the browser: find students (search, filter, sort, page through),
export what the list shows to Excel, and import new students from a workbook with a bad row."""

import re

from django.db import connection
from python_calamine import CalamineWorkbook

from edubureau.accounts.models import User
from edubureau.core import import_views
from edubureau.core.masking import mask
from edubureau.core.models import ImportJob
from edubureau.people.models import Student

from .conftest import pupils_workbook, table_rows, total_shown


def linked_pks(page):
    """The pks of the students listed, in order, from the links of their name cells."""
    hrefs = page.locator("#object-table tbody td a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    return [int(re.search(r"/people/students/(\d+)/", h).group(1)) for h in hrefs]


def submit_toolbar(page):
    with page.expect_navigation():
        page.locator(".list-toolbar button[type=submit]").click()


def test_it_finds_sorts_pages_and_exports_students(page, log_in, demo, tmp_path):
    school = demo.school_a
    students = Student.objects.filter(school=school)
    log_in("xiaoxue_admin", demo.password)
    page.locator("#sidebar-menu a.nav-link", has_text="学生学籍").click()
    page.wait_for_url("**/people/students/")

    # The whole school, 50 to a page.
    assert total_shown(page) == students.count() > 50
    first_page = table_rows(page)
    assert len(first_page) == 50
    assert {r["学校"] for r in first_page} == {school.name}
    assert all("*" in r["证件号码"] for r in first_page if r["证件号码"])  # masked on the page
    seen = linked_pks(page)
    page.locator(".pagination a[rel=next]").click()
    page.wait_for_url(re.compile(r"page=2"))
    assert len(table_rows(page)) == students.count() - 50
    seen += linked_pks(page)
    assert sorted(seen) == sorted(students.values_list("pk", flat=True))  # every student once

    # Search by name.
    name = students.order_by("pk")[3].name
    page.fill("#toolbar-q", name)
    submit_toolbar(page)
    found = table_rows(page)
    assert found and all(name in r["姓名"] for r in found)
    assert len(found) == students.filter(name__contains=name).count() == total_shown(page)

    # Filter by grade (the search box cleared).
    page.fill("#toolbar-q", "")
    page.locator(".list-toolbar select[name=grade]").select_option("1")
    submit_toolbar(page)
    grade_1 = students.filter(school_class__grade=1)
    assert total_shown(page) == grade_1.count() > 0
    assert {r["班级"] for r in table_rows(page)} == {s.school_class.name for s in grade_1}

    # Sort by birth date, then reverse; the grade filter stays.
    page.locator("#object-table thead th a", has_text="出生日期").click()
    page.wait_for_url(re.compile(r"sort=birth_date"))
    assert grade_1.count() <= 50  # one page
    assert linked_pks(page) == list(grade_1.order_by("birth_date", "pk").values_list("pk", flat=True))
    page.locator("#object-table thead th a", has_text="出生日期").click()
    page.wait_for_url(re.compile(r"sort=-birth_date"))
    assert page.locator("#object-table thead th[aria-sort=descending]").inner_text().startswith("出生日期")
    expected = list(grade_1.order_by("-birth_date", "pk"))
    assert linked_pks(page) == [s.pk for s in expected]
    assert "grade=1" in page.url
    shown = table_rows(page)

    # Export what the list shows: the same rows in the same order; full ID numbers, since a school
    # administrator may see them (can_unmask), while the page itself shows them masked.
    rows = _download_rows(page, tmp_path)
    assert {"姓名", "证件号码", "学籍号", "学校标识码"} <= set(rows[0])
    assert [r["姓名"] for r in rows] == [r["姓名"] for r in shown] == [s.name for s in expected]
    for row, on_page, student in zip(rows, shown, expected, strict=True):
        assert row["证件号码"] == student.id_number  # unmasked in the file
        assert mask(row["证件号码"], "id_number") == on_page["证件号码"]  # the page showed the masked form
        assert row["学校标识码"] == school.code

    # Without the unmask permission the file carries the masked numbers, as the page does.
    User.objects.filter(username="xiaoxue_admin").update(can_unmask=False)
    masked = _download_rows(page, tmp_path / "masked")
    assert [r["证件号码"] for r in masked] == [r["证件号码"] for r in shown]
    assert not page.console_errors


def _download_rows(page, folder):
    """Click the list's Excel export and read the file's first sheet as a list of {header: value}."""
    with page.expect_download() as download_info:
        page.locator(".list-toolbar a[href*='/people/students/export/']").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    folder.mkdir(exist_ok=True)
    path = folder / download.suggested_filename
    download.save_as(path)
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    return [dict(zip(sheet[0], r, strict=True)) for r in sheet[1:]]


def test_it_imports_the_valid_rows_of_a_workbook_with_a_bad_row(
    page, log_in, demo, settings, tmp_path, monkeypatch
):
    settings.VAR_DIR = tmp_path / "var"  # uploads and error reports go to var/imports/
    if connection.vendor == "sqlite":
        # The in-memory test database is shared between threads through SQLite's shared cache, whose
        # table locks are not retried: a job thread writing beside the live server's requests fails
        # with "database table is locked". So on SQLite the job runs inside the request; on
        # PostgreSQL in its thread, as in production (test_it_polls_... covers the progress bar on both).
        monkeypatch.setattr(import_views, "RUN_IN_THREAD", False)
    school = demo.school_a
    before = set(Student.objects.values_list("pk", flat=True))
    log_in("xiaoxue_admin", demo.password)
    page.goto("/people/students/")
    page.locator(".list-toolbar a[href='/system/imports/new/students/']").click()
    page.wait_for_url("**/system/imports/new/students/")

    # The blank template: the headers the file must have (required ones marked *).
    with page.expect_download() as download_info:
        page.locator("a[href*='/system/imports/template/students/']").click()
    template = tmp_path / "template.xlsx"
    download_info.value.save_as(template)
    headers = CalamineWorkbook.from_path(str(template)).get_sheet_by_index(0).to_python()[0]
    assert {"*学校标识码", "*年级", "*班号", "*姓名", "*性别", "*出生日期", "证件号码"} <= set(headers)

    # Three new pupils for 一年级（1）班; the third one's ID number has a wrong check digit.
    upload, wrong = pupils_workbook(tmp_path / "一年级新生.xlsx", headers, school.code)

    # Upload: the dry run lists the bad row with its row number, column and a Chinese message.
    page.set_input_files("input[name=file]", str(upload))
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/system/imports/\d+/$"))
    page.locator("#error-table").wait_for()
    errors = table_rows(page, "#error-table tbody tr", headers_from="#error-table thead th")
    assert len(errors) == 1, errors
    row, column, value, message = errors[0].values()
    assert (row, column, value) == ("4", "证件号码", wrong)
    assert re.search(r"[\u4e00-\u9fff]", message) and "校验位" in message, message
    assert Student.objects.count() == len(before)  # a dry run writes nothing

    # The error workbook: the same table with the message in 错误说明.
    with page.expect_download() as download_info:
        page.locator("a[href$='/errors/']").click()
    report = tmp_path / "errors.xlsx"
    download_info.value.save_as(report)
    report_rows = CalamineWorkbook.from_path(str(report)).get_sheet_by_index(0).to_python()
    assert report_rows[0][-1] == "错误说明"
    notes = {r[report_rows[0].index("*姓名")]: r[-1] for r in report_rows[1:]}
    assert "校验位" in notes["上官子墨"] and "证件号码" in notes["上官子墨"]
    assert not notes["欧阳明轩"] and not notes["司马若溪"]

    # Import only the valid rows: the job page polls its progress until done.
    page.locator("button[name=mode][value=valid_only]").click()
    page.wait_for_url(re.compile(r"/system/imports/\d+/$"))
    page.locator("#import-counts").wait_for()
    assert page.locator(".badge", has_text="已导入").count() == 1
    new = Student.objects.exclude(pk__in=before)
    assert sorted(new.values_list("name", flat=True)) == sorted(["欧阳明轩", "司马若溪"])
    assert {s.school_id for s in new} == {school.pk}

    # And they are in the list.
    page.goto("/people/students/?grade=1&sort=-birth_date")
    names = [r["姓名"] for r in table_rows(page)]
    assert "欧阳明轩" in names and "司马若溪" in names and "上官子墨" not in names
    assert not page.console_errors


def test_it_polls_a_running_import_until_it_is_done(page, log_in, demo):
    user = User.objects.get(username="xiaoxue_admin")
    job = ImportJob.objects.create(
        kind="students", user=user, filename="新生.xlsx", path="/nonexistent.xlsx", dry_run=False,
        status=ImportJob.Status.RUNNING, progress=40, message="正在校验 300 行",
    )  # fmt: skip
    log_in("xiaoxue_admin", demo.password)
    page.goto(f"/system/imports/{job.pk}/")
    bar = page.locator(".job-progress[hx-get] .progress-bar")
    assert bar.get_attribute("aria-valuenow") == "40"
    assert "正在校验 300 行" in page.locator(".job-progress").inner_text()

    # HTMX polls every second and swaps the bar in place ...
    ImportJob.objects.filter(pk=job.pk).update(progress=75, message="正在写入")
    page.locator(".job-progress .progress-bar[aria-valuenow='75']").wait_for()
    assert "正在写入" in page.locator(".job-progress").inner_text()

    # ... and reloads the page with the result once the job is done.
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.DONE,
        progress=100,
        message="新增 2，更新 0，未变 0，错误 0",
        total_rows=2,
        created_count=2,
    )
    page.locator("#import-counts").wait_for()
    assert "新增 2" in page.locator("#import-message").inner_text()
    assert page.locator(".badge", has_text="已导入").count() == 1
    assert not page.locator(".job-progress").count()
    assert not page.console_errors
