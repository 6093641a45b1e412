"""Generated documents: every figure comes from the database at generation time."""

import io
from datetime import date as D

import docx
import pytest
from python_calamine import CalamineWorkbook

from edubureau.workplan import services, summary


@pytest.fixture
def reported(tasks, planner):
    """Task 1 a highlight with a KPI at 38 of 41; task 2 delayed by the epidemic; task 3 done."""
    t1, t2, t3 = tasks
    services.update_task(t1, highlight=True)
    rooms = services.create_target(t1, "建成标准化考场", 41, "个")
    services.report_progress(
        t1, D(2026, 3, 1), "完成考场设备招标。", percent=60, actuals={rooms.pk: "38"}, user=planner
    )
    services.report_progress(
        t2, D(2026, 5, 1), "两所新校舍主体施工。", percent=30, delay_reasons=["疫情影响"],
        delay_text="施工队伍无法按期进场", user=planner,
    )  # fmt: skip
    services.create_milestone(t3, "完成加固", D(2026, 4, 30), done_date=D(2026, 4, 20))
    services.override_status(t3, "已完成", "已通过竣工验收")
    return rooms


def docx_text(content: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)


def test_it_writes_the_summary_with_its_four_parts(plan, reported):
    text = docx_text(summary.summary_docx(plan))
    assert text.startswith("闵行区教育局2026年工作总结")
    for heading in ("一、特色亮点", "二、完成情况", "三、问题挑战", "四、下一步计划"):
        assert f"\n{heading}\n" in text
    assert "1.推进课程教学改革。完成考场设备招标。建成标准化考场：目标41个，实际完成38个，完成率92%。" in text
    assert "（二）聚焦民生关切，扩大优质资源" in text
    assert text.rstrip().endswith("闵行区教育局\n2026年6月15日")


def test_a_changed_kpi_actual_changes_the_sentence(plan, reported):
    assert "实际完成38个，完成率92%" in docx_text(summary.summary_docx(plan))
    services.update_target(reported, actual_value=41)
    text = docx_text(summary.summary_docx(plan))
    assert "实际完成41个，完成率100%" in text and "实际完成38个" not in text


def test_it_writes_delay_reasons_and_unmet_targets_into_the_problems(plan, reported):
    sections = dict(summary.preview_sections(plan))
    problems = "".join(sections["问题挑战"])
    assert "1.疫情防控使部分计划工作延缓。受疫情影响，“新建中小学校舍”等1项工作进度滞后。" in problems
    assert "施工队伍无法按期进场" in problems
    assert "“推进课程教学改革”中建成标准化考场，目标41个，实际完成38个，完成率92%，尚未达到目标。" in problems
    assert list(sections) == ["特色亮点", "完成情况", "问题挑战", "下一步计划"]


def test_it_plans_next_year_from_the_next_plan_when_it_exists(plan, reported):
    assert "继续推进" in "".join(dict(summary.preview_sections(plan))["下一步计划"])
    following = services.create_plan(2027, "2027年工作要点")
    section = services.create_section(following, "深化综合改革")
    services.create_task(section, "推进集团化办学")
    steps = "".join(dict(summary.preview_sections(plan))["下一步计划"])
    assert "2027年，将围绕《2027年工作要点》重点做好以下工作。" in steps
    assert "（一）深化综合改革。1.推进集团化办学。" in steps


def test_it_reports_progress_for_a_date_range_only(plan, reported):
    text = docx_text(summary.progress_docx(plan, D(2026, 4, 1), D(2026, 6, 30)))
    assert "2026年重点工作推进情况" in text
    assert "2.新建中小学校舍。2026年5月：两所新校舍主体施工。" in text
    assert "1.推进课程教学改革。本期未报送推进情况。" in text  # its March report is outside the range
    assert "疫情" in text


def test_it_exports_the_plan_as_workplan_points(plan, tasks):
    services.update_task(tasks[0], description="深化课程改革，建成考场41个。")
    text = docx_text(summary.plan_docx(plan))
    assert text.startswith("2026年区教育局工作要点\n\n以立德树人为根本任务。")
    assert "\n一、聚焦内涵发展，提升教育质量\n1.推进课程教学改革。深化课程改革，建成考场41个。" in text
    assert "\n二、聚焦民生关切，扩大优质资源\n" in text


def test_it_exports_the_task_ledger(plan, reported):
    book = CalamineWorkbook.from_filelike(io.BytesIO(summary.ledger_xlsx(plan)))
    rows = book.get_sheet_by_name("任务台账").to_python()
    assert rows[0][:3] == ["编号", "部分", "任务名称"]
    by_title = {r[2]: r for r in rows[1:]}
    assert by_title["新建中小学校舍"][14] == "疫情影响"
    assert by_title["实施校舍加固工程"][6] == "已完成"
    kpis = book.get_sheet_by_name("量化指标").to_python()
    assert kpis[1][2:7] == ["建成标准化考场", 41, "个", 38, 92]


def test_the_demo_year_summary_shows_the_figures_of_the_database(transactional_db):
    from django.core.management import call_command

    from edubureau.workplan.models import Plan, Target

    call_command("demo", scale="small", seed=1, verbosity=0)
    plan = Plan.objects.get(year=2026)
    text = docx_text(summary.summary_docx(plan))
    for target in Target.objects.filter(task__plan=plan, task__parent=None).select_related("task"):
        actual = services.kpi_actual(target)
        if actual is not None and target.target_value is not None:
            expected = f"目标{summary.figure(target.target_value)}{target.unit}，实际完成{summary.figure(actual)}{target.unit}"
            assert expected in text, target
    # A live metric (students enrolled) is computed at generation time, not copied.
    live = Target.objects.get(metric="students_enrolled")
    assert f"实际完成{summary.figure(services.kpi_actual(live))}" in text
    assert "三、问题挑战" in text and "进度滞后" in text


def _soffice():
    import os
    import shutil

    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("LibreOffice (soffice) not found: .ci/run installs libreoffice-writer-nogui")
        pytest.skip("LibreOffice 未安装")
    return found


def test_the_demo_year_summary_opens_in_libreoffice_with_the_database_figures(transactional_db, tmp_path):
    """What a bureau PC shows: LibreOffice renders the file, and its text carries the figures."""
    import subprocess

    from django.core.management import call_command

    from edubureau.workplan.models import Plan, Target

    soffice = _soffice()
    call_command("demo", scale="small", seed=1, verbosity=0)
    plan = Plan.objects.get(year=2026)
    source = tmp_path / "工作总结.docx"
    source.write_bytes(summary.summary_docx(plan))
    for kind in ("pdf", "txt:Text (encoded):UTF8"):
        subprocess.run(
            [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", kind,
             "--outdir", str(tmp_path), str(source)],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
    assert (tmp_path / "工作总结.pdf").stat().st_size > 5000
    rendered = (tmp_path / "工作总结.txt").read_text(encoding="utf-8-sig")
    checked = 0
    for target in Target.objects.filter(task__plan=plan, task__parent=None):
        actual = services.kpi_actual(target)
        if actual is not None and target.target_value is not None:
            assert f"实际完成{summary.figure(actual)}{target.unit}" in rendered, target
            checked += 1
    assert checked >= 3
    assert "问题挑战" in rendered
