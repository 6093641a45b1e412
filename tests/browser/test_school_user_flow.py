"""A school administrator's day in the browser: find students (search, filter, sort, page through),
export what the list shows to Excel, and import new students from a workbook with a bad row."""

import re

from python_calamine import CalamineWorkbook

from edubureau.accounts.models import User
from edubureau.core.masking import mask
from edubureau.people.models import Student

from .conftest import table_rows, total_shown


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
    page.locator(".pagination a[rel=next]").click()
    page.wait_for_url(re.compile(r"page=2"))
    second_page = table_rows(page)
    assert len(second_page) == students.count() - 50
    assert not {r["姓名"] for r in second_page} & {r["姓名"] for r in first_page} - _shared_names(students)

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
    assert [r["姓名"] for r in table_rows(page)] == [s.name for s in grade_1.order_by("birth_date", "pk")][:50]
    page.locator("#object-table thead th a", has_text="出生日期").click()
    page.wait_for_url(re.compile(r"sort=-birth_date"))
    assert page.locator("#object-table thead th[aria-sort=descending]").inner_text().startswith("出生日期")
    shown = table_rows(page)
    assert [r["姓名"] for r in shown] == [s.name for s in grade_1.order_by("-birth_date", "pk")][:50]
    assert "grade=1" in page.url

    # Export what the list shows: the same rows in the same order; full ID numbers, since a school
    # administrator may see them (can_unmask), while the page itself shows them masked.
    rows = _download_rows(page, tmp_path)
    assert {"姓名", "证件号码", "学籍号", "学校标识码"} <= set(rows[0])
    assert len(rows) == grade_1.count()
    assert [r["姓名"] for r in rows] == [r["姓名"] for r in shown]
    expected = grade_1.order_by("-birth_date", "pk")
    for row, on_page, student in zip(rows, shown, expected, strict=False):  # the page holds the first 50
        assert row["证件号码"] == student.id_number  # unmasked in the file
        assert mask(row["证件号码"], "id_number") == on_page["证件号码"]  # the page showed the masked form
        assert row["学校标识码"] == school.code

    # Without the unmask permission the file carries the masked numbers, as the page does.
    User.objects.filter(username="xiaoxue_admin").update(can_unmask=False)
    masked = _download_rows(page, tmp_path / "masked")
    assert [r["证件号码"] for r in masked[:50]] == [r["证件号码"] for r in shown]
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


def _shared_names(students):
    """Names two students share: they may legitimately appear on both pages."""
    names = list(students.values_list("name", flat=True))
    return {n for n in names if names.count(n) > 1}
