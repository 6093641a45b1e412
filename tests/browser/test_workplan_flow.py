"""A department's month in the browser: add a task to this year's plan, report its progress with a
delay reason, and find that reason in the 问题挑战 of the generated 工作总结 (its preview page)."""

import datetime

from django.utils import timezone

from edubureau.workplan.models import Plan, ProgressReport, Task


def test_a_delay_reported_in_the_browser_reaches_the_summary(page, log_in, demo):
    plan = Plan.objects.get(year=timezone.localdate().year)
    log_in("jijian", demo.password)  # 基建科: modules workplan and projects
    page.goto(plan.get_absolute_url())
    page.locator(
        f"#section-{plan.sections.first().pk} a[href*='/tasks/add/']"
    ).click()  # the section's 新增任务
    page.wait_for_url("**/tasks/add/**")
    page.fill("input[name=title]", "推进学校食堂明厨亮灶改造")
    page.fill("textarea[name=description]", "完成全区中小学食堂改造。")
    page.select_option("select[name=lead_department]", label="基建科")
    with page.expect_navigation():
        page.locator("#main form.card button[type=submit]").click()
    task = Task.objects.get(title="推进学校食堂明厨亮灶改造")
    assert page.url.endswith(task.get_absolute_url())
    assert task.lead_department.name == "基建科" and task.status == "未启动"

    page.locator(f"a[href='/workplan/tasks/{task.pk}/report/']").first.click()  # 填报推进情况
    page.wait_for_url("**/report/")
    month = timezone.localdate().replace(day=1)
    page.fill("input[name=period_start]", month.isoformat())
    page.fill("input[name=percent]", "30")
    page.fill("textarea[name=text]", "已完成12所学校食堂改造设计。")
    page.check("input[name=delay_reasons][value=资金压力]")
    page.fill("textarea[name=delay_text]", "食堂改造专项资金尚未下达")
    with page.expect_navigation():
        page.locator("#main form.card button[type=submit]").click()
    report = ProgressReport.objects.get(task=task)
    assert report.delay_reasons == ["资金压力"] and report.period_start == month
    assert page.locator("#task-status").inner_text() == "延缓"
    assert "食堂改造专项资金尚未下达" in page.locator("#reports").inner_text()

    page.goto(f"/workplan/{plan.pk}/summary/")
    problems = page.locator("[data-section=问题挑战] ~ p").all_inner_texts()
    text = "\n".join(problems)
    assert "食堂改造专项资金尚未下达" in text, text
    assert "资金" in text
    assert not page.console_errors
    assert isinstance(report.reported_at, datetime.datetime)
