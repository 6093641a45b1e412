"""The 优质均衡 page in the browser: the CV table and charts draw, and a what-if run (more sports
ground at the school with the least) lowers the junior CV of 生均体育运动场馆面积 on the page."""

import pytest

from edubureau.equity import services
from edubureau.equity.models import EquitySettings


@pytest.fixture
def equity_demo(transactional_db, monkeypatch):
    from django.core.management import call_command

    from edubureau.demo import services as demo_services

    from .conftest import Demo

    # The registry and this module's demo only (the other modules' demos have their own tests).
    monkeypatch.setattr(demo_services, "EXTENSIONS", ["edubureau.equity.demo"])
    call_command("demo", scale="small", seed=1, verbosity=0)
    # The small district's junior school has 48 students; it is no 教学点, so it is evaluated.
    EquitySettings.objects.create(small_site_students=10)
    return Demo()


def test_it_shows_the_cvs_and_a_what_if_changes_them(page, log_in, equity_demo):
    log_in("admin", equity_demo.password)
    page.locator("#sidebar-menu a.nav-link", has_text="优质均衡监测").click()
    page.wait_for_url("**/equity/")
    junior_cv = page.locator('table.cv-table[data-stage="初中"] td.cv-value[data-indicator="i5"]')
    before = float(junior_cv.inner_text())
    assert before > 0.45
    page.wait_for_selector('[data-chart="cv-chart-junior"][data-chart-drawn]')
    assert not [e for e in page.console_errors if "favicon" not in e]

    # the school with the least sports ground per student gets enough to reach the district mean
    result = services.evaluate_year(None)
    parts = [p for p in result.parts if p.assessment.stage == "初中"]
    poorest = min(parts, key=lambda p: p.assessment.values["i5"])
    mean = result.cvs["初中"].indicators["i5"].mean
    amount = round((mean - poorest.assessment.values["i5"]) * poorest.assessment.students)
    page.locator("#sidebar-menu a.nav-link", has_text="模拟与优化").click()
    page.wait_for_url("**/equity/what-if/")
    page.select_option("#id_change", "add")
    page.select_option("#id_target", poorest.code)
    page.select_option("#id_resource", "sports_area")
    page.fill("#id_amount", str(amount))
    page.select_option("#id_stage", "初中")
    page.locator("#whatif-form button[type=submit]").click()
    after_cell = page.locator(
        '#whatif-result table.whatif-cv[data-stage="初中"] td.cv-after[data-indicator="i5"]'
    )
    after_cell.wait_for()
    before_cell = page.locator(
        '#whatif-result table.whatif-cv[data-stage="初中"] td.cv-before[data-indicator="i5"]'
    )
    assert float(before_cell.inner_text()) == pytest.approx(before, abs=1e-4)
    assert float(after_cell.inner_text()) < before
    assert poorest.name in page.locator("#whatif-result").inner_text()
