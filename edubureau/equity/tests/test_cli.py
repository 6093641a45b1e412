"""`edubureau equity cv` from a CSV and `edubureau equity optimise` from the database."""

import io
import json
import math

import pytest
from django.core.management import CommandError, call_command

HEADER = "school_code,students,i1,i2,i3,i4,i5,i6,i7\n"


def run(*args):
    out = io.StringIO()
    call_command("equity", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def write(tmp_path, text, name="values.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_it_prints_the_cv_json_of_our_worked_example(tmp_path):
    csv_text = HEADER + (
        "A,100,4.0,1,1,5,8,2100,2.5\nB,300,5.0,1,1,5,8,2100,2.5\nC,600,6.0,1,1,5,8,2100,2.5\n"
    )
    report = json.loads(run("cv", "--input", write(tmp_path, csv_text), "--stage", "primary", "--json"))
    assert set(report) == {"indicators", "schools"}
    i1 = report["indicators"]["i1"]
    assert set(i1) == {"mean", "sd", "cv", "threshold", "pass"}
    assert i1["mean"] == pytest.approx(5.5) and i1["sd"] == pytest.approx(math.sqrt(0.45))
    assert round(i1["cv"], 4) == 0.1220 and i1["threshold"] == 0.5 and i1["pass"] is True
    assert report["indicators"]["i2"]["cv"] == pytest.approx(0.0)
    assert report["schools"] == {
        "A": {"reached": 6, "pass": True},  # i1 4.0 < 4.2, but 4.0 ≥ 85 % of 4.2
        "B": {"reached": 7, "pass": True},
        "C": {"reached": 7, "pass": True},
    }


def test_it_applies_the_85_percent_rule_per_school(tmp_path):
    csv_text = HEADER + (
        "A,100,3.57,1,1,5,8,2100,2.5\nB,100,3.56,1,1,5,8,2100,2.5\nC,100,3.56,1,1,5,8,1000,2.5\n"
    )
    schools = json.loads(run("cv", "--input", write(tmp_path, csv_text), "--stage", "primary", "--json"))[
        "schools"
    ]
    assert schools["A"] == {"reached": 6, "pass": True}  # 3.57 = 85 % of 4.2
    assert schools["B"] == {"reached": 6, "pass": False}
    assert schools["C"] == {"reached": 5, "pass": False}


def test_it_uses_the_junior_thresholds(tmp_path):
    csv_text = HEADER + "A,500,5.3,1,0.9,5.8,10.2,2500,2.4\nB,500,10.6,1,0.9,5.8,10.2,2500,2.4\n"
    report = json.loads(run("cv", "--input", write(tmp_path, csv_text), "--stage", "junior", "--json"))
    assert report["indicators"]["i1"]["threshold"] == 0.45
    assert report["indicators"]["i1"]["cv"] == pytest.approx(1 / 3)
    assert report["schools"]["A"] == {"reached": 7, "pass": True}


def test_it_prints_a_readable_table_without_json(tmp_path):
    text = run(
        "cv", "--input", write(tmp_path, HEADER + "A,100,4.0,1,1,5,8,2100,2.5\n"), "--stage", "primary"
    )
    assert "小学 差异系数（1 所学校）" in text and "达标学校 1 / 1" in text


@pytest.mark.parametrize(
    "body, messages",
    [
        ("A,0,4,1,1,5,8,2100,2.5\n", ["第 2 行，students：学生数为 0"]),
        ("A,,4,1,1,5,8,2100,2.5\n", ["第 2 行，students：缺少数值"]),
        ("A,100,4,1,1,-5,8,2100,2.5\n", ["第 2 行，i4：不能为负数（-5）"]),
        ("A,100,4,1,1,5,八,2100,2.5\n", ["第 2 行，i5：“八”不是数字"]),
        (
            "A,100,4,1,1,5,8,2100,2.5\nA,200,4,1,1,5,8,2100,2.5\n",
            ["第 3 行，school_code：学校 A 重复（第 2 行已出现）"],
        ),
        ("A,100,4,1,1,5,8,2100\n", ["第 2 行：应有 9 列，实际 8 列"]),
        (
            "A,100,4,1,1,5,8,2100,2.5\nB,0,4,1,1,5,8,2100,\n",
            ["第 3 行，students：学生数为 0", "第 3 行，i7：缺少数值"],
        ),
    ],
)
def test_it_names_the_line_and_column_of_every_bad_cell(tmp_path, body, messages):
    with pytest.raises(CommandError) as error:
        run("cv", "--input", write(tmp_path, HEADER + body), "--stage", "primary", "--json")
    for message in messages:
        assert message in str(error.value)


def test_it_refuses_a_wrong_header(tmp_path):
    with pytest.raises(CommandError, match="第 1 行表头应为 school_code,students,i1"):
        run("cv", "--input", write(tmp_path, "code,students,i1\nA,1,1\n"), "--stage", "primary")


def test_it_refuses_a_missing_or_non_utf8_file(tmp_path):
    with pytest.raises(CommandError, match="文件不存在"):
        run("cv", "--input", str(tmp_path / "nope.csv"), "--stage", "primary")
    path = tmp_path / "gbk.csv"
    path.write_bytes((HEADER + "第一小学,1,1,1,1,1,1,1,1\n").encode("gbk"))
    with pytest.raises(CommandError, match="不是 UTF-8"):
        run("cv", "--input", str(path), "--stage", "primary")


def test_it_accepts_a_bom(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_text(HEADER + "A,100,4.2,1,1,5,8,2100,2.5\n", encoding="utf-8-sig")
    report = json.loads(run("cv", "--input", str(path), "--stage", "primary", "--json"))
    assert report["schools"]["A"] == {"reached": 7, "pass": True}


@pytest.mark.django_db
def test_it_proposes_exchanges_from_the_database(school_year, district):
    from edubureau.equity.tests.test_services import add_staff, add_students
    from edubureau.org.models import School, Stage

    rich = School.objects.create(district=district, code="3100000001", name="集团小学", stage=Stage.PRIMARY)
    poor = School.objects.create(district=district, code="3100000002", name="新建小学", stage=Stage.PRIMARY)
    for school in (rich, poor):
        add_students(school, school_year, 1, 200)
        add_staff(school, 12)
        add_staff(school, 2, subjects="体育")
    add_staff(rich, 10, honours="市级骨干")
    payload = json.loads(run("optimise", "--stage", "primary", "--backbone-share", "0.5", "--json"))
    plan = payload["primary"]
    assert plan["status"] == "feasible" and plan["cv"]["i2"]["after"] <= 0.5 < plan["cv"]["i2"]["before"]
    assert plan["moves"] == [
        {"kind": "backbone", "kind_label": "骨干教师", "from": "3100000001", "from_name": "集团小学",
         "to": "3100000002", "to_name": "新建小学", "count": plan["teachers_moved"]}
    ]  # fmt: skip
    text = run("optimise", "--stage", "primary", "--backbone-share", "0.5")
    assert "集团小学 → 新建小学  骨干教师" in text


@pytest.mark.django_db
def test_it_says_there_is_no_school_year():
    with pytest.raises(CommandError, match="还没有学年"):
        run("optimise", "--stage", "junior")
