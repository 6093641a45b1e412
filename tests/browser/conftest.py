"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server.

Outside CI a missing chromium skips these tests; under CI=true it fails them, so a green CI always
means the browser tests ran.
"""

import os
import shutil

import pytest

# The README screenshots are retaken on demand (SCREENSHOTS=1), not in every run.
collect_ignore = [] if os.environ.get("SCREENSHOTS") else ["test_screenshots.py"]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = f"chromium not found at {CHROMIUM}: install Debian's chromium (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )  # fmt: skip
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.console_errors = errors
    yield page
    context.close()


@pytest.fixture
def log_in(page):
    def _log_in(username, password):
        page.goto("/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    return _log_in


# ---------------------------------------------------------------- data and helpers shared by the browser tests

HAN = "\u4e00-\u9fff"


class Demo:
    """The small demo district (6 schools, ~290 students) and its logins: `edubureau demo --scale small`."""

    def __init__(self):
        from django.conf import settings

        from edubureau.accounts.models import User

        self.password = settings.DEMO_PASSWORD
        self.school_a = User.objects.get(username="xiaoxue_admin").org  # the primary school, two classes
        self.school_b = User.objects.get(username="chuzhong_admin").org  # the junior middle school


@pytest.fixture
def demo(transactional_db):
    from django.core.management import call_command

    call_command("demo", scale="small", seed=1, verbosity=0)
    return Demo()


def table_rows(page, selector="#object-table tbody tr", headers_from="#object-table thead th"):
    """The cells of a table as a list of {header: text}; the empty-table row gives []."""
    # textContent, not innerText: the theme upper-cases table headers with CSS.
    headers = [h.strip().rstrip("▲▼").strip() for h in page.locator(headers_from).all_text_contents()]
    rows = []
    for cells in page.locator(selector).evaluate_all(
        "rows => rows.map(r => [...r.cells].map(c => c.innerText.trim()))"
    ):
        if len(cells) == len(headers):
            rows.append(dict(zip(headers, cells, strict=True)))
    return rows


def total_shown(page):
    """The number in the "N in total" line under a list."""
    import re

    text = page.locator(".card-footer p").first.inner_text()
    return int(re.search(r"\d[\d,]*", text).group().replace(",", ""))


def pupils_workbook(path, headers, school_code):
    """A students import file with the template's headers and three new pupils for 一年级（1）班;
    the third one's ID number has a wrong check digit (row 4). Returns (path, the wrong number)."""
    import datetime

    import xlsxwriter

    from edubureau.core.idcodes import make_resident_id

    right = make_resident_id("310112", datetime.date(2019, 5, 9), 13, True)
    wrong = right[:-1] + ("1" if right[-1] != "1" else "2")
    people = [
        ("欧阳明轩", "男", make_resident_id("310112", datetime.date(2019, 3, 5), 11, True), "2019-03-05"),
        ("司马若溪", "女", make_resident_id("310112", datetime.date(2019, 7, 21), 12, False), "2019-07-21"),
        ("上官子墨", "男", wrong, "2019-05-09"),
    ]
    with xlsxwriter.Workbook(path) as workbook:
        sheet = workbook.add_worksheet("学生")
        sheet.write_row(0, 0, headers)
        for r, (name, gender, id_number, born) in enumerate(people, 1):
            values = {"*学校标识码": school_code, "*年级": "1", "*班号": "1", "*姓名": name, "*性别": gender,
                      "证件号码": id_number, "*出生日期": born}  # fmt: skip
            sheet.write_row(r, 0, [values.get(h, "") for h in headers])
    return path, wrong
