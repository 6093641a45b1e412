"""EARS C1/C2/C3 (health/aberration.py) on constructed series."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edubureau.health.aberration import ears, one_student_floor

FLOOR = 0.01


def test_it_leaves_days_without_a_full_baseline_empty():
    days = ears([0.0] * 12, FLOOR)
    assert [d.c1 is None for d in days] == [True] * 7 + [False] * 5
    assert [d.c2 is None for d in days] == [True] * 9 + [False] * 3
    assert [d.c3 is None for d in days] == [True] * 11 + [False]
    assert not any(d.alert for d in days)


def test_it_returns_nothing_for_an_empty_series():
    assert ears([], FLOOR) == []


def test_it_computes_c1_with_the_sample_standard_deviation():
    days = ears([1, 2, 3, 4, 5, 6, 7, 10], FLOOR)
    sd = math.sqrt(28 / 6)  # sample sd of 1..7, mean 4
    assert days[7].c1 == pytest.approx(6 / sd)
    assert not days[7].c1_alert  # 2.78 is not above 3


def test_it_alerts_c1_only_above_three():
    assert ears([1, 2, 3, 4, 5, 6, 7, 11], FLOOR)[7].c1_alert  # (11 - 4) / 2.16 = 3.24


def test_it_uses_the_floor_when_the_baseline_is_flat():
    exactly_three = ears([0.0] * 7 + [0.03], FLOOR)[7]
    assert exactly_three.c1 == pytest.approx(3.0)
    assert not exactly_three.c1_alert  # strictly above 3
    assert ears([0.0] * 7 + [0.031], FLOOR)[7].c1_alert


def test_it_uses_the_larger_of_sd_and_floor():
    # sd of the baseline (2.16) exceeds the floor: the floor changes nothing.
    series = [1, 2, 3, 4, 5, 6, 7, 11]
    assert ears(series, 0.5)[7].c1 == pytest.approx(ears(series, 1e-9)[7].c1)
    # A floor above sd takes over.
    assert ears(series, 7.0)[7].c1 == pytest.approx(1.0)


def test_it_keeps_a_two_day_guard_band_for_c2():
    # Two high days just before today inflate C1's baseline but not C2's.
    series = [0.0] * 9 + [0.05, 0.05, 0.05]
    today = ears(series, FLOOR)[11]
    assert today.c2 == pytest.approx(5.0)  # baseline days 2..8, all zero
    assert today.c2_alert
    assert today.c1 < 3  # baseline days 4..10 already hold two 0.05
    assert not today.c1_alert


def test_it_sums_c2_over_three_days_for_c3():
    # A sustained moderate rise: C2 = 2 on three consecutive days, C1 and C2 never above 3.
    series = [0.0] * 9 + [0.02, 0.02, 0.02]
    days = ears(series, FLOOR)
    assert [d.c2 for d in days[9:]] == pytest.approx([2.0, 2.0, 2.0])
    assert days[11].c3 == pytest.approx(3.0)  # (2-1) * 3
    assert days[11].methods == ["C3"]


def test_it_ignores_negative_c2_days_in_c3():
    series = [0.02] * 9 + [0.0, 0.06, 0.0]
    day = ears(series, FLOOR)[11]
    assert day.c3 == pytest.approx(3.0)  # only the middle day counts: 4 - 1
    assert day.c3_alert


def test_it_does_not_raise_c3_at_exactly_two():
    series = [0.0] * 11 + [0.03]
    assert ears(series, FLOOR)[11].c3 == pytest.approx(2.0)
    assert not ears(series, FLOOR)[11].c3_alert


def test_it_lists_every_method_that_alerts():
    day = ears([0.0] * 11 + [0.1], FLOOR)[11]
    assert day.methods == ["C1", "C2", "C3"]


@pytest.mark.parametrize("floor", [0.0, -1.0, math.nan, math.inf])
def test_it_refuses_a_floor_that_is_not_positive(floor):
    with pytest.raises(ValueError, match="σ 下限"):
        ears([0.0] * 8, floor)


def test_it_refuses_nan_in_the_series():
    with pytest.raises(ValueError, match="非有限值"):
        ears([0.0, math.nan], FLOOR)


def test_the_floor_is_the_rate_of_one_student():
    assert one_student_floor(400) == pytest.approx(0.0025)
    assert one_student_floor(400, percent=True) == pytest.approx(0.25)
    with pytest.raises(ValueError):
        one_student_floor(0)


rates = st.lists(st.floats(min_value=0, max_value=1, allow_nan=False), min_size=0, max_size=30)


@given(rates, st.floats(min_value=-0.5, max_value=0.5), st.floats(min_value=0.001, max_value=1))
def test_it_is_unchanged_by_shifting_the_whole_series(series, shift, floor):
    plain = ears(series, floor)
    shifted = ears([x + shift for x in series], floor)
    for a, b in zip(plain, shifted, strict=True):
        for name in ("c1", "c2", "c3"):
            x, y = getattr(a, name), getattr(b, name)
            assert (x is None) == (y is None)
            if x is not None:
                assert y == pytest.approx(x, abs=1e-6)


@given(st.floats(min_value=0, max_value=1), st.integers(min_value=0, max_value=30),
       st.floats(min_value=0.001, max_value=1))  # fmt: skip
def test_it_never_alerts_on_a_constant_series(level, length, floor):
    days = ears([level] * length, floor)
    assert len(days) == length
    assert not any(d.alert for d in days)


@given(rates, st.floats(min_value=0.001, max_value=0.1))
def test_it_never_alerts_on_a_day_at_or_below_its_baseline_minimum(series, floor):
    for t, day in enumerate(ears(series, floor)):
        if t >= 7 and day.value <= min(series[t - 7 : t]):
            assert not day.c1_alert
