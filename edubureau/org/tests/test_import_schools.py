"""`edubureau import schools` and `edubureau export schools`: the school importer's rules, and a round trip
that changes nothing."""

import datetime
import io

import pytest
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from edubureau.core.tests.conftest import private_var_dir  # noqa: F401 (the fixture, for usefixtures)
from edubureau.core.tests.importtools import counts, run_import, write_xlsx
from edubureau.org.models import School, Zone

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_var_dir")]
SCHOOL_HEADERS = ["*学校标识码", "*学校名称", "*学段", "普惠性", "开办日期", "停办日期", "学区"]


def export(kind, path, *args):
    call_command("export", kind, "--out", str(path), *args, stdout=io.StringIO())
    return CalamineWorkbook.from_path(str(path))


def assert_round_trip(kind, path):
    before = counts()
    ok, output = run_import(kind, path)
    assert ok, output
    assert "新增 0，更新 0" in output and "错误 0" in output
    assert counts() == before


def test_it_imports_and_updates_schools_by_code(school_a, tmp_path):
    data = [SCHOOL_HEADERS, ["2131000001", "闵行区实验小学（新名）", "小学", "", "", "", ""],
            ["1131000002", "闵行区第二幼儿园", "幼儿园", "是", "2019-09-01", "", ""]]  # fmt: skip
    ok, output = run_import("schools", write_xlsx(tmp_path / "s.xlsx", data, "学校"))
    assert ok and "新增 1，更新 1，未变 0" in output, output
    assert School.objects.get(code="2131000001").name == "闵行区实验小学（新名）"
    assert School.objects.get(code="1131000002").district == school_a.district


def test_it_checks_school_rules(school_a, tmp_path):
    data = [SCHOOL_HEADERS, ["2131000003", "新小学", "小学", "是", "", "", ""],
            ["2131000004", "旧小学", "小学", "", "2010-09-01", "2001-07-01", ""],
            ["2131000005", "又一小学", "大学", "", "", "", "不存在学区"]]  # fmt: skip
    before = counts()
    output = run_import("schools", write_xlsx(tmp_path / "s.xlsx", data, "学校"))[1]
    assert "第 2 行，普惠性：只有幼儿园可以是普惠性" in output
    assert "第 3 行，停办日期：停办日期不能早于开办日期" in output
    assert "第 4 行，学段：“大学”不是有效值" in output
    assert "第 4 行，学区：学区“不存在学区”不存在，请先在系统中创建" in output
    assert counts() == before


def test_it_round_trips_schools(school_a, tmp_path):
    Zone.objects.create(district=school_a.district, name="莘庄学区")
    data = [["*学校标识码", "*学校名称", "*学段", "学区", "普惠性", "统一社会信用代码", "开办日期"],
            ["1131000009", "闵行区新幼儿园", "幼儿园", "莘庄学区", "是", "91350100M000100Y4Z", "2020-09-01"]]  # fmt: skip
    ok, output = run_import("schools", write_xlsx(tmp_path / "in.xlsx", data, "学校"))
    assert ok, output
    assert "提示：第 2 行，统一社会信用代码：校验位错误（应为 3）" in output  # warned, not refused
    school = School.objects.get(code="1131000009")
    assert (school.zone.name, school.inclusive, school.opened_on) == (
        "莘庄学区",
        True,
        datetime.date(2020, 9, 1),
    )
    export("schools", tmp_path / "out.xlsx")
    assert_round_trip("schools", tmp_path / "out.xlsx")
