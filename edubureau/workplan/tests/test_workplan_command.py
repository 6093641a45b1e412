"""`edubureau workplan import|summary|progress|points|ledger|remind` through call_command."""

import io
import json

import docx
import pytest
from django.core.management import CommandError, call_command

from edubureau.workplan import services
from edubureau.workplan.models import Plan, Task

from .samples import sample


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("workplan", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_prints_the_parsed_2019_sample_as_json_without_saving(db):
    out, err = run("import", str(sample("workplan-points-2019.txt")), "--json", "--dry-run")
    data = json.loads(out)
    assert list(data) == ["title", "sections"]
    assert [len(s["items"]) for s in data["sections"]] == [8, 7, 4]
    first = data["sections"][0]
    assert set(first) == {"number", "title", "text", "items"}
    assert first["items"][0]["number"] == "1" and first["items"][0]["title"] == "加快推进教育现代化"
    assert set(first["items"][0]) == {"number", "title", "text", "targets", "items"}
    twelve = data["sections"][1]["items"][3]
    assert {"value": 41, "unit": "个", "text": "2019年计划建成理化和英语听说测试标准化考场41个"} in twelve[
        "targets"
    ]
    assert data["sections"][2]["items"][-1]["title"] == "加强校园安全与卫生保健监管实效"
    assert "19 项任务" in err and "未写入" in err
    assert not Plan.objects.exists()


def test_it_prints_the_2020_progress_summary_structure(db):
    out, _ = run("import", str(sample("progress-summary-2020.txt")), "--json", "--dry-run")
    data = json.loads(out)
    assert [(s["title"], len(s["items"])) for s in data["sections"]] == [
        ("特色亮点", 0),
        ("完成情况", 8),
        ("问题挑战", 2),
    ]


def test_it_creates_a_draft_plan_with_the_year_from_the_title(db):
    out, _ = run("import", str(sample("workplan-points-2019.txt")))
    plan = Plan.objects.get(year=2019)
    assert plan.status == Plan.Status.DRAFT
    assert Task.objects.filter(plan=plan, parent=None).count() == 19
    assert "已创建 2019 年工作要点草稿" in out


def test_it_takes_the_year_from_the_option(db, tmp_path):
    path = tmp_path / "要点.txt"
    path.write_text("工作要点\n一、质量\n1.建设考场。建成考场41个。", encoding="gbk")
    with pytest.raises(CommandError, match="--year"):
        run("import", str(path))
    run("import", str(path), "--year", "2030")
    assert Plan.objects.get(year=2030).tasks.get().targets.get().target_value == 41


@pytest.mark.parametrize(("content", "message"), [(b"", "空文件"), (b"\x00\x01\x02binary", "二进制")])
def test_it_refuses_bad_files_and_saves_nothing(db, tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run("import", str(path), "--year", "2030")
    assert not Plan.objects.exists()


def test_it_refuses_a_second_plan_for_the_same_year(db, tmp_path):
    path = tmp_path / "要点.txt"
    path.write_text("2031年工作要点\n一、质量\n1.建设考场。", encoding="utf-8")
    run("import", str(path))
    with pytest.raises(CommandError, match="已经存在"):
        run("import", str(path))
    assert Task.objects.count() == 1


def test_it_writes_the_summary_and_other_documents(plan, tasks, tmp_path):
    services.report_progress(
        tasks[1], plan.first_day.replace(month=5), "主体施工。", delay_reasons=["资金压力"]
    )
    out, _ = run("summary", "--year", "2026", "--out", str(tmp_path / "总结.docx"))
    assert "已生成" in out
    text = "\n".join(p.text for p in docx.Document(tmp_path / "总结.docx").paragraphs)
    assert "三、问题挑战" in text and "受资金压力影响" in text
    run(
        "progress",
        "--year",
        "2026",
        "--from",
        "2026-04-01",
        "--to",
        "2026-06-30",
        "--out",
        str(tmp_path / "p.docx"),
    )
    assert "主体施工" in "\n".join(p.text for p in docx.Document(tmp_path / "p.docx").paragraphs)
    run("points", "--out", str(tmp_path / "要点.docx"))  # the current year by default (2026 in these tests)
    assert docx.Document(tmp_path / "要点.docx").paragraphs[0].text == "2026年区教育局工作要点"
    run("ledger", "--out", str(tmp_path / "台账.xlsx"))
    assert (tmp_path / "台账.xlsx").read_bytes()[:2] == b"PK"


def test_it_names_the_missing_year(plan, tmp_path):
    with pytest.raises(CommandError, match="没有 2025 年的工作要点（已有年度：2026）"):
        run("summary", "--year", "2025", "--out", str(tmp_path / "x.docx"))


def test_it_refuses_a_reversed_date_range(plan, tmp_path):
    with pytest.raises(CommandError, match="早于开始日期"):
        run("progress", "--from", "2026-06-01", "--to", "2026-01-01", "--out", str(tmp_path / "x.docx"))


def test_it_lists_reminders(plan, tasks):
    services.create_milestone(tasks[0], "完成方案", plan.first_day.replace(month=3))
    out, _ = run("remind")
    assert "推进课程教学改革" in out and "条提醒" in out
