"""The pieces of core.importing: header mapping, cell parsers, set-wise lookups, id allocation;
and the people importer's fast path for ID numbers, which must never accept what idcodes refuses."""

import datetime

import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from edubureau.core import idcodes, importing
from edubureau.core.importing import Column, ImportFailed, Invalid, map_headers
from edubureau.org.models import School, Stage
from edubureau.people.importers import _Births, parse_grade, resident_id_agrees

COLUMNS = [Column("学校标识码", "school", True), Column("姓名", "name", True), Column("备注", "note")]


def test_it_maps_headers_despite_spaces_and_required_markers():
    mapping, unknown = map_headers([" *学校标识码 ", "姓名＊", "", "其他"], COLUMNS, "学生")
    assert mapping == {"school": 0, "name": 1} and unknown == ["其他"]


def test_it_refuses_a_header_given_twice():
    with pytest.raises(ImportFailed, match="表头“姓名”出现了两次（B 列和 C 列）"):
        map_headers(["学校标识码", "姓名", "姓名"], COLUMNS, "学生")


def test_it_names_missing_columns_and_an_unknown_layout():
    with pytest.raises(ImportFailed, match="缺少必填列：姓名"):
        map_headers(["学校标识码", "备注"], COLUMNS, "学生")
    with pytest.raises(ImportFailed, match="无法识别表头"):
        map_headers(["a", "b"], COLUMNS, "学生")


@pytest.mark.parametrize("text", ["2015-09-01", "2015/9/1", "2015.09.01", "2015年9月1日", "20150901", "２０１５-０９-０１"])
def test_it_reads_the_usual_ways_of_writing_a_date(text):
    assert importing.date_value(text) == datetime.date(2015, 9, 1)


@pytest.mark.parametrize("text, message", [("2020-02-30", "日期 2020-02-30 不存在"), ("明天", "日期格式应为 YYYY-MM-DD")])
def test_it_explains_bad_dates(text, message):
    with pytest.raises(Invalid, match=message):
        importing.date_value(text)


def test_it_parses_choices_numbers_and_flags():
    assert importing.choice(["男", "女"], {"男性": "男"})("男性") == "男"
    with pytest.raises(Invalid, match="“M”不是有效值，应为：男、女"):
        importing.choice(["男", "女"])("M")
    assert importing.integer(1, 99)("３") == 3
    with pytest.raises(Invalid, match="应为 1–99 的整数"):
        importing.integer(1, 99)("3.5")
    assert importing.yes_no("是") is True and importing.yes_no("n") is False
    assert importing.phone("13812345678") == "13812345678" and importing.phone("021-6412 3456") == "021-6412 3456"
    with pytest.raises(Invalid, match="电话号码格式不正确"):
        importing.phone("12-34")


@pytest.mark.parametrize("text, grade", [("1", 1), ("12", 12), ("一年级", 1), ("高三", 12), ("预备", 6), ("初一", 7), ("托班", -3), ("大班", 0)])
def test_it_reads_grades_as_numbers_or_names(text, grade):
    assert parse_grade(text) == grade


def test_it_refuses_grade_zero_and_thirteen():
    for text in ("0", "13", "十三年级"):
        with pytest.raises(ValueError, match="不是有效的年级"):
            parse_grade(text)


@pytest.mark.django_db
def test_it_finds_rows_by_key_the_same_way_with_few_or_many_keys(district, monkeypatch):
    for n in range(1, 8):
        School.objects.create(district=district, code=f"21310000{n:02d}", name=f"第{n}小学", stage=Stage.PRIMARY)
    wanted = ["2131000002", "2131000005", "2131009999"]
    few = importing.lookup(School.objects, ["code", "name"], code=wanted)
    monkeypatch.setattr(importing, "IN_LIMIT", 1)
    many = importing.lookup(School.objects, ["code", "name"], code=wanted)
    assert sorted(few) == sorted(many) == [("2131000002", "第2小学"), ("2131000005", "第5小学")]


@pytest.mark.django_db(transaction=True)
def test_it_never_hands_out_the_id_of_a_deleted_row(district):
    schools = [School.objects.create(district=district, code=f"213100001{n}", name="x", stage=Stage.PRIMARY) for n in range(3)]
    top = schools[-1].pk
    schools[-1].delete()
    with transaction.atomic():
        assert importing.allocate_ids(School, 2) == [top + 1, top + 2]


@st.composite
def id_numbers(draw):
    """Valid ID numbers, and ones with one character changed (a typo, a wrong check digit ...)."""
    region = draw(st.sampled_from(["310112", "110105", "440524", "160101", "999999"]))
    born = draw(st.dates(datetime.date(1950, 1, 1), datetime.date(2027, 12, 31)))
    number = region + f"{born:%Y%m%d}" + f"{draw(st.integers(0, 999)):03d}"
    number += idcodes.id_check_char(number)
    if draw(st.booleans()):
        at = draw(st.integers(0, 17))
        number = number[:at] + draw(st.sampled_from("0123456789Xx ")) + number[at + 1:]
    return number


@settings(max_examples=500, deadline=None)
@given(id_numbers(), st.dates(datetime.date(1950, 1, 1), datetime.date(2027, 12, 31)), st.sampled_from(["男", "女"]), st.booleans())
def test_the_fast_id_check_accepts_only_what_idcodes_accepts(number, born, gender, agree):
    if agree and len(number) == 18 and number[6:14].isdigit():
        try:  # mostly the row's own birth date and gender, so that the fast path is taken
            born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
            gender = "男" if int(number[16]) % 2 else "女"
        except ValueError:
            pass
    fast = resident_id_agrees(number, born, gender, _Births(datetime.date(2026, 1, 1)))
    try:
        slow = idcodes.validate_resident_id(number, today=datetime.date(2026, 1, 1)) == number
        idcodes.check_id_agrees(number, born, gender)
    except idcodes.CodeError:
        slow = False
    assert fast == slow


def test_the_fast_id_check_accepts_valid_numbers():
    born = datetime.date(2015, 3, 2)
    for seq in range(0, 100, 7):
        for male in (True, False):
            number = idcodes.make_resident_id("310112", born, seq, male)
            assert resident_id_agrees(number, born, "男" if male else "女", _Births(datetime.date(2026, 1, 1)))
