"""The lottery algorithm against the published test vectors, and its properties."""

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edubureau.admissions.lottery import LotteryError, draw, first_difference, list_hash, record_hash

TEN = [f"A{n:05d}" for n in range(1, 11)]


def test_it_reproduces_the_ten_applicant_vector():
    result = draw(TEN, "20260601-3-5-2-6-1-4")
    assert result.list_hash == "f3e38e8fa8139285bd5cf21e99684c79cd0ba5cc555c854c11ac359ef7e2893f"
    assert result.order == [
        "A00006", "A00007", "A00009", "A00003", "A00005", "A00001", "A00010", "A00004", "A00008", "A00002",
    ]  # fmt: skip


def test_it_reproduces_the_three_applicant_vector():
    result = draw(["2026XX0002", "2026XX0003", "2026XX0001"], "dice:6,6,1")
    assert result.list_hash == "7be4509f42f7dffaa0a4a4cf684c1fd58a838b1fef0ce16b7234f19dc3e8a9b7"
    assert result.order == ["2026XX0003", "2026XX0001", "2026XX0002"]


def test_it_hashes_an_empty_list_as_the_empty_string():
    result = draw([], "any seed")
    assert result.list_hash == hashlib.sha256(b"").hexdigest() and result.order == []


def test_it_trims_white_space_around_numbers():
    assert draw([f"  {n}\t" for n in TEN], "20260601-3-5-2-6-1-4").order == draw(TEN, "20260601-3-5-2-6-1-4").order


@pytest.mark.parametrize(
    "applicants, message",
    [(["A1", "A1"], "A1 重复"), (["A1", "  "], "第 2 个申请编号为空"), (["A\x071"], "控制字符")],
)
def test_it_refuses_bad_lists_in_chinese(applicants, message):
    with pytest.raises(LotteryError, match=message):
        draw(applicants, "seed")


def test_it_chains_record_hashes():
    first = draw(TEN, "s1")
    second = draw(TEN[:5], "s2")
    chained = record_hash(record_hash("", first), second)
    assert chained != record_hash(record_hash("", draw(TEN, "s1 ")), second)  # the seed is used exactly
    assert len(chained) == 64


numbers = st.lists(st.text(alphabet="ABCXYZ0123456789-", min_size=1, max_size=12), unique=True, max_size=60)


@given(numbers, st.text(max_size=30))
def test_it_is_a_permutation_that_ignores_the_input_order(applicants, seed):
    result = draw(applicants, seed)
    assert sorted(result.order) == sorted(applicants)
    assert draw(list(reversed(applicants)), seed).order == result.order
    assert result.list_hash == list_hash(applicants)


@given(numbers.filter(lambda a: len(a) >= 2), st.integers(min_value=0, max_value=10**6))
def test_it_finds_the_first_rank_that_differs(applicants, n):
    order = draw(applicants, str(n)).order
    assert first_difference(order, order) is None
    swapped = order[:]
    swapped[-1], swapped[-2] = swapped[-2], swapped[-1]
    assert first_difference(order, swapped) == len(order) - 1
    assert first_difference(order, order[:-1]) == len(order)


def test_it_spreads_first_places_evenly_over_many_seeds():
    # 3,000 draws of 3 applicants: each should be first about 1,000 times (a biased shuffle would not be).
    firsts = [draw(["a", "b", "c"], f"seed-{i}").order[0] for i in range(3000)]
    assert all(850 < firsts.count(x) < 1150 for x in "abc")
