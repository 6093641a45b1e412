import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command

from edubureau.health.models import Alert, ClassReport, SickCase

from .conftest import SCHOOL_DAY, case, report

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, CommandError | None]:
    out = io.StringIO()
    try:
        call_command("health", *args, stdout=out)
    except CommandError as e:
        return out.getvalue(), e
    return out.getvalue(), None


def write_lines(tmp_path, rows) -> str:
    path = tmp_path / "reports.jsonl"
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows) + "\n"
    )
    return str(path)


def test_it_loads_good_lines_and_says_why_others_were_refused(
    tmp_path, health_class_a, health_class_a2, pupils_a
):
    good = report(health_class_a, cases=pupils_a[:3], submitted_at="2025-11-17T08:40:00+08:00")
    rows = [
        good,
        good,  # a replay of the same report changes nothing
        "{not json",
        report(health_class_a2, present=99),
        report(health_class_a2, cases=[case(pupils_a[5], symptoms=["咳血"])]),
    ]
    out, error = run("load", write_lines(tmp_path, rows))
    assert "接受 2 份日报（新建 1，替换 0，未变 1）；拒绝 3 行。" in out
    assert "第 3 行：不是有效的 UTF-8 JSON" in out
    assert "第 4 行：实到 99 大于应到 40。" in out
    assert "第 5 行" in out and "咳血" in out
    assert error is not None and error.returncode == 1
    stored = ClassReport.objects.get()
    assert (stored.source, stored.late) == ("cli", False)
    assert SickCase.objects.count() == 3


def test_loading_raises_alerts_and_lists_them_as_json(tmp_path, health_class_a, pupils_a, school_a):
    out, error = run("load", write_lines(tmp_path, [report(health_class_a, cases=pupils_a[:3])]))
    assert error is None and "新建 1" in out
    out, _ = run("alerts", "--date", SCHOOL_DAY.isoformat(), "--json")
    (row,) = [r for r in json.loads(out) if r["rule"] == "class-fever"]
    assert row | {"id": 0} == {
        "id": 0, "school": school_a.code, "school_name": school_a.name, "grade": 3, "class_no": 2, "level": "class",
        "kind": "rule", "rule": "class-fever", "rule_name": "班级发热聚集", "date": "2025-11-17",
        "first_date": "2025-11-17", "last_date": "2025-11-17", "cases": 3, "status": "新建",
    }  # fmt: skip
    out, _ = run("alerts", "--date", "2025-11-10", "--json")
    assert json.loads(out) == []


def test_a_school_alert_has_no_grade_or_class(tmp_path, health_class_a, pupils_a, health_class_a2, pupils_a2):
    flu = [case(p, symptoms=["发热", "咳嗽"]) for p in pupils_a[:2]]
    rows = [
        report(health_class_a, cases=flu),
        report(health_class_a2, cases=[case(p) for p in pupils_a2[:2]]),
    ]
    run("load", write_lines(tmp_path, rows))
    later = SCHOOL_DAY + datetime.timedelta(days=1)
    more = [report(health_class_a, later, cases=[case(p, later) for p in pupils_a[2:5]]),
            report(health_class_a2, later, cases=[case(p, later) for p in pupils_a2[2:5]])]  # fmt: skip
    run("load", write_lines(tmp_path, more))
    out, _ = run("alerts", "--json")
    school_level = [r for r in json.loads(out) if r["rule"] == "school-ili"]
    assert school_level and school_level[0]["grade"] is None and school_level[0]["class_no"] is None
    assert school_level[0]["cases"] == 10


def test_a_missing_file_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("health", "load", str(tmp_path / "nope.jsonl"))


def test_evaluate_does_not_duplicate_alerts(tmp_path, health_class_a, pupils_a):
    run("load", write_lines(tmp_path, [report(health_class_a, cases=pupils_a[:3])]))
    before = Alert.objects.count()
    out, error = run("evaluate", "--date", SCHOOL_DAY.isoformat())
    assert error is None and "评估 1 天" in out
    out, error = run("evaluate", "--from", "2025-11-10", "--to", "2025-11-17")
    assert Alert.objects.filter(kind="rule").count() == before
