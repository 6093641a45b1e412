"""The login page in a real browser: a wrong password is refused with a Chinese message, the right one
lands on the dashboard, and logging out returns to the login page."""

import re

from conftest import PASSWORD


def test_it_refuses_a_wrong_password_with_a_chinese_message(page, school_a_admin):
    page.goto("/login/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.fill("input[name=username]", "a_admin")
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit]")

    alert = page.locator(".alert-danger")
    alert.wait_for()
    assert re.search(r"[\u4e00-\u9fff]", alert.inner_text()), alert.inner_text()
    assert "密码" in alert.inner_text()
    assert page.url.endswith("/login/")
    assert (
        page.locator("input[name=username]").input_value() == "a_admin"
    )  # kept, only the password is retyped
    assert not page.console_errors


def test_it_logs_in_and_out(page, log_in, live_server, school_a_admin):
    log_in("a_admin", PASSWORD)
    assert page.url == live_server.url + "/"  # the dashboard
    assert school_a_admin.display_name in page.locator(".topbar-user").inner_text()

    page.locator("form[action='/logout/'] button").click()
    page.wait_for_url(re.compile(r"/login/"))
    page.goto("/people/students/")
    assert "/login/" in page.url  # the session is gone
    assert not page.console_errors
