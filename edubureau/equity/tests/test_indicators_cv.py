"""The seven indicators, the 6-of-7 / 85 % rule at its edges, the mixed-school split and the CV."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edubureau.equity.cv import CVError, stage_cvs, weighted_cv
from edubureau.equity.indicators import (
    COMPLETE,
    INCOMPLETE,
    INVALID,
    JUNIOR,
    NINE_YEAR,
    NO_STUDENTS,
    OK,
    PRIMARY,
    SENIOR,
    STANDARDS,
    TWELVE_YEAR,
    SchoolInputs,
    Settings,
    assess,
    assess_values,
    split_school,
    split_shares,
)

PRIMARY_STD = STANDARDS[PRIMARY]


def test_it_reproduces_the_published_books_example():
    result = weighted_cv([279 / 45, 137 / 37, 935 / 89, 160 / 76, 402 / 55], [45, 37, 89, 76, 55])
    assert result.mean == pytest.approx(1913 / 302) and round(result.mean, 3) == 6.334
    assert round(result.cv, 4) == 0.5153


def test_it_differs_from_the_unweighted_cv_in_the_books_example():
    values = [279 / 45, 137 / 37, 935 / 89, 160 / 76, 402 / 55]
    unweighted = weighted_cv(values, [1] * 5)
    assert round(unweighted.cv, 3) == 0.489


def test_it_reproduces_our_three_school_example():
    result = weighted_cv([4.0, 5.0, 6.0], [100, 300, 600])
    assert result.mean == pytest.approx(5.5)
    assert result.sd == pytest.approx(math.sqrt(0.45)) and round(result.sd, 4) == 0.6708
    assert round(result.cv, 4) == 0.1220


def test_it_says_which_school_pulls_the_cv_up():
    result = weighted_cv([4.0, 5.0, 6.0], [100, 300, 600])
    # P_i (X_i − X̄)²: 100·2.25 = 225, 300·0.25 = 75, 600·0.25 = 150 → shares of 450
    assert result.contributions == pytest.approx((0.5, 1 / 6, 1 / 3))


@pytest.mark.parametrize(
    "values, weights, message",
    [
        ([], [], "没有学校"),
        ([1.0], [0], "学生数必须大于 0"),
        ([-1.0], [10], "不能为负数"),
        ([1.0, 2.0], [1], "个数不一致"),
    ],
)
def test_it_refuses_bad_cv_input(values, weights, message):
    with pytest.raises(CVError, match=message):
        weighted_cv(values, weights)


def test_it_leaves_the_cv_undefined_when_the_mean_is_zero():
    assert weighted_cv([0.0, 0.0], [10, 20]).cv is None


positive = st.floats(min_value=0.01, max_value=1e4, allow_nan=False)


@given(
    st.lists(st.tuples(positive, st.integers(min_value=1, max_value=5000)), min_size=1, max_size=30),
    st.floats(min_value=0.01, max_value=100),
    st.integers(min_value=1, max_value=50),
)
def test_it_is_invariant_to_scaling_values_and_student_counts(rows, value_scale, student_scale):
    values, weights = [v for v, _ in rows], [p for _, p in rows]
    base = weighted_cv(values, weights)
    scaled = weighted_cv([v * value_scale for v in values], [p * student_scale for p in weights])
    assert scaled.cv == pytest.approx(base.cv, rel=1e-9, abs=1e-12)


def values_with(**changes):
    values = dict(PRIMARY_STD)
    values.update(changes)
    return values


def test_it_passes_a_school_that_reaches_all_seven():
    result = assess_values("A", PRIMARY, 500, values_with())
    assert result.reached == 7 and result.passed is True and result.shortfalls == ()


def test_it_passes_six_reached_and_the_seventh_exactly_at_85_percent():
    result = assess_values("A", PRIMARY, 500, values_with(i6=2000 * 0.85))
    assert result.reached == 6 and result.passed is True
    assert result.shortfalls[0].indicator == "i6" and result.shortfalls[0].ratio == pytest.approx(0.85)


def test_it_fails_six_reached_and_the_seventh_just_under_85_percent():
    result = assess_values("A", PRIMARY, 500, values_with(i6=2000 * 0.85 - 0.01))
    assert result.reached == 6 and result.passed is False


def test_it_fails_five_reached_even_when_both_others_are_above_85_percent():
    result = assess_values("A", PRIMARY, 500, values_with(i1=4.1, i7=2.2))
    assert result.reached == 5 and result.passed is False
    assert [s.indicator for s in result.shortfalls] == ["i1", "i7"]
    assert result.shortfalls[0].gap == pytest.approx(0.1)


def test_it_counts_a_value_a_rounding_error_below_the_standard_as_reached():
    result = assess_values("A", PRIMARY, 300, values_with(i1=100 * 12.6 / 300))  # 4.2 in floating point
    assert result.reached == 7


def test_it_reads_the_floor_and_the_count_from_the_settings():
    strict = Settings(min_reached=7, floor_share=0.9)
    assert assess_values("A", PRIMARY, 500, values_with(i6=1900), strict).passed is False
    lenient = Settings(min_reached=6, floor_share=0.9)
    assert assess_values("A", PRIMARY, 500, values_with(i6=1800), lenient).passed is True
    assert assess_values("A", PRIMARY, 500, values_with(i6=1799), lenient).passed is False


def full_inputs(**changes):
    base = dict(
        code="S1",
        stage=PRIMARY,
        students=400,
        qualified_teachers=20,
        backbone_teachers=5,
        pe_art_teachers=4,
        building_area=2000,
        sports_area=3200,
        equipment_value=900_000,
        multimedia_rooms=10,
    )
    base.update(changes)
    return SchoolInputs(**base)


def test_it_computes_the_seven_indicators_from_inputs():
    result = assess(full_inputs())
    assert result.status == OK
    assert result.values == pytest.approx(
        {"i1": 5.0, "i2": 1.25, "i3": 1.0, "i4": 5.0, "i5": 8.0, "i6": 2250.0, "i7": 2.5}
    )
    assert result.passed is True


def test_it_computes_nothing_for_a_school_without_students():
    for students in (0, None):
        result = assess(full_inputs(students=students))
        assert result.status == NO_STUDENTS and result.passed is None
        assert all(v is None for v in result.values.values())
        assert "在校学生数" in result.problems[0]


def test_it_says_which_inputs_are_missing_and_does_not_decide_the_pass():
    result = assess(full_inputs(sports_area=None))
    assert result.status == INCOMPLETE and result.missing == ("sports_area",)
    assert result.values["i5"] is None and result.values["i4"] == pytest.approx(5.0)
    assert result.passed is None


def test_it_fails_an_incomplete_school_that_cannot_pass_whatever_is_missing():
    result = assess(full_inputs(sports_area=None, building_area=100, multimedia_rooms=1))
    assert result.status == INCOMPLETE and result.passed is False


def test_it_refuses_negative_and_non_numeric_inputs():
    result = assess(full_inputs(building_area=-5, sports_area="很多"))
    assert result.status == INVALID
    assert any("教学及辅助用房面积不能为负数" in p for p in result.problems)
    assert any("体育运动场馆面积不是有效数字" in p for p in result.problems)


def test_it_splits_a_nine_year_school_by_weighted_students():
    shares = split_shares(NINE_YEAR, {PRIMARY: 600, JUNIOR: 400})
    assert shares[PRIMARY] == pytest.approx(600 / (600 + 1.1 * 400))
    assert shares[JUNIOR] == pytest.approx(440 / 1040)


def test_it_splits_a_twelve_year_school_and_keeps_only_compulsory_parts():
    students = {PRIMARY: 500, JUNIOR: 400, SENIOR: 300}
    parts = split_school(
        TWELVE_YEAR,
        "T1",
        students,
        {"building_area": 10_000, "backbone_teachers": 20},
        qualified_by_stage={PRIMARY: 100, JUNIOR: 90},
    )
    total = 500 + 1.1 * 400 + 1.32 * 300
    assert [p.stage for p in parts] == [PRIMARY, JUNIOR]
    assert parts[0].building_area == pytest.approx(10_000 * 500 / total)
    assert parts[1].backbone_teachers == pytest.approx(20 * 440 / total)
    assert parts[0].qualified_teachers == pytest.approx(100 * 500 / total)
    assert parts[1].qualified_teachers == pytest.approx(90 * 440 / total)
    assert parts[1].students == 400


def test_it_gives_a_complete_school_only_its_junior_part():
    parts = split_school(COMPLETE, "C1", {JUNIOR: 600, SENIOR: 500}, {"equipment_value": 1_200_000})
    assert len(parts) == 1 and parts[0].equipment_value == pytest.approx(1_200_000 * 600 / 1200)


def test_it_skips_a_part_without_students_but_keeps_an_empty_school_visible():
    assert [p.stage for p in split_school(NINE_YEAR, "N", {PRIMARY: 300, JUNIOR: 0}, {})] == [PRIMARY]
    empty = split_school(NINE_YEAR, "N", {PRIMARY: 0, JUNIOR: 0}, {"building_area": 100})
    assert [assess(p).status for p in empty] == [NO_STUDENTS, NO_STUDENTS]


def test_it_lists_schools_left_out_of_a_cv():
    assessments = [
        assess(full_inputs(code="A")),
        assess(full_inputs(code="B", students=800, sports_area=None)),
        assess(full_inputs(code="C", students=0)),
    ]
    cvs = stage_cvs(assessments, PRIMARY)
    assert cvs.indicators["i5"].excluded == ("B", "C") and cvs.indicators["i5"].schools == ("A",)
    assert cvs.indicators["i1"].excluded == ("C",) and not cvs.indicators["i1"].complete
    assert cvs.indicators["i1"].cv == pytest.approx(weighted_cv([5.0, 2.5], [400, 800]).cv)
