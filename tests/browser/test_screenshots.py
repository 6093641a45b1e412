"""The README's screenshots, taken against the small demo district. Not part of the normal run:

    SCREENSHOTS=1 python -m pytest tests/browser/test_screenshots.py

writes docs/screenshots/home.png, students.png and import.png (1400×900, each under 300 KB).
"""

import re
from pathlib import Path

from python_calamine import CalamineWorkbook

from edubureau.core import import_views

from .conftest import pupils_workbook

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
LIMIT = 300 * 1024

def shoot(page, name):
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.png"
    page.screenshot(path=path, type="png")
    assert path.stat().st_size < LIMIT, f"{path} is {path.stat().st_size // 1024} KB"
    return path


def test_it_takes_the_readme_screenshots(browser, live_server, demo, settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path / "var"
    monkeypatch.setattr(import_views, "RUN_IN_THREAD", False)  # see test_school_user_flow
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1400, "height": 900},
                                  accept_downloads=True)  # fmt: skip
    page = context.new_page()

    def log_in(username):
        page.goto("/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", demo.password)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")

    # The bureau's dashboard, charts drawn (ECharts animates for about a second).
    log_in("admin")
    page.locator(".chart canvas").first.wait_for()
    page.wait_for_timeout(1500)
    shoot(page, "home")

    # A school's student list, one grade.
    page.context.clear_cookies()
    log_in("xiaoxue_admin")
    page.goto("/people/students/?grade=1&sort=name")
    shoot(page, "students")

    # The dry-run result of an import with a bad row.
    page.goto("/system/imports/new/students/")
    with page.expect_download() as download_info:
        page.locator("a[href*='/system/imports/template/students/']").click()
    template = tmp_path / "template.xlsx"
    download_info.value.save_as(template)
    headers = CalamineWorkbook.from_path(str(template)).get_sheet_by_index(0).to_python()[0]
    upload, _wrong = pupils_workbook(tmp_path / "一年级新生.xlsx", headers, demo.school_a.code)
    page.set_input_files("input[name=file]", str(upload))
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/system/imports/\d+/$"))
    page.locator("#error-table").wait_for()
    shoot(page, "import")
    context.close()
