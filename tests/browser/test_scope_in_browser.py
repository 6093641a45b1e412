"""School B's administrator, in the browser: none of school A's students, a 404 for A's student page,
and no bureau-only items in the navigation."""

from edubureau.people.models import Student

from .conftest import table_rows


def test_it_shows_school_b_only_its_own_students(page, log_in, demo):
    a_names = set(Student.objects.filter(school=demo.school_a).values_list("name", flat=True))
    b_names = set(Student.objects.filter(school=demo.school_b).values_list("name", flat=True))
    only_a = sorted(a_names - b_names)
    assert only_a and b_names

    log_in("chuzhong_admin", demo.password)
    page.goto("/people/students/")
    shown = set()
    while True:  # every page of the list
        shown |= {r["姓名"] for r in table_rows(page)}
        next_link = page.locator(".pagination a[rel=next]")
        if not next_link.count():
            break
        with page.expect_navigation():
            next_link.click()
    assert shown == b_names
    assert not shown & set(only_a)

    # Searching for one of A's students by name finds nothing.
    page.goto("/people/students/")
    page.fill("#toolbar-q", only_a[0])
    page.locator(".list-toolbar button[type=submit]").click()
    page.wait_for_url("**q=*")
    assert table_rows(page) == []
    assert page.locator("#object-table tbody td[colspan]").count() == 1  # the "no records" row
    assert not page.console_errors


def test_it_shows_the_404_page_for_another_schools_student(page, log_in, demo):
    student = Student.objects.filter(school=demo.school_a).first()
    log_in("chuzhong_admin", demo.password)

    response = page.goto(f"/people/students/{student.pk}/")
    assert response.status == 404
    assert page.locator(".error-code").inner_text() == "404"
    assert student.name not in page.content()
    assert student.id_number not in page.content()

    response = page.goto(f"/people/students/{student.pk}/edit/")
    assert response.status == 404


def test_it_hides_bureau_only_navigation_from_a_school_user(page, log_in, demo):
    log_in("chuzhong_admin", demo.password)
    page.goto("/people/students/")
    nav = page.locator("#sidebar-menu")
    labels = nav.locator(".nav-link-title").all_inner_texts()
    hrefs = nav.locator("a.nav-link").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert "学生学籍" in labels
    assert "用户管理" not in labels and "审计日志" not in labels
    assert not any(h.startswith(("/users/", "/system/changes/", "/system/access/")) for h in hrefs), hrefs

    # And the pages themselves refuse: the navigation is not the only guard.
    assert page.goto("/users/").status == 403
    assert page.goto("/system/changes/").status == 403
