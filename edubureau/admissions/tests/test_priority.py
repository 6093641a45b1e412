import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edubureau.admissions import priority
from edubureau.admissions.priority import FENGXIAN_2024, Facts, classify, holding_years

ON = datetime.date(2026, 8, 31)


def rank(**facts):
    return classify(FENGXIAN_2024, Facts(**facts), ON)[0]


def test_it_puts_each_fengxian_case_in_its_tier():
    assert rank(person_household_same=True, proof="房产证", owner="父母", share=100) == 1
    assert rank(person_household_same=True, proof="房产证", owner="祖辈", share=100) == 2
    assert rank(person_household_same=False, proof="房产证", owner="父母", share=100) == 3
    assert rank(person_household_same=False, proof="房产证", owner="祖辈", share=50) == 4
    assert rank(person_household_same=True, proof="房产证", owner="父母", share=50) == 5
    assert rank(person_household_same=False, proof="房产证", owner="父母", share=50) == 6
    assert rank(person_household_same=False, proof="网签") == 7
    assert rank(person_household_same=False, proof="租赁") == 8
    assert rank(person_household_same=True, proof="租赁") == 9


def test_it_explains_why_a_better_tier_did_not_apply():
    rank_, why = classify(
        [(1, "满年限", {"min_holding_years": 5}), (2, "其他", {})],
        Facts(True, since=datetime.date(2023, 1, 1)),
        ON,
    )
    assert rank_ == 2 and "其他" in why
    rank_, why = classify(
        [(1, "满年限", {"min_holding_years": 5})], Facts(True, since=datetime.date(2023, 1, 1)), ON
    )
    assert rank_ is None and "持有 3 年（要求至少 5 年）" in why


def test_holding_years_count_whole_years_to_the_cut_off():
    assert holding_years(datetime.date(2021, 8, 31), ON) == 5
    assert holding_years(datetime.date(2021, 9, 1), ON) == 4
    assert holding_years(None, ON) == 0


# Input generation is trivial; a loaded machine must not fail the health check.
@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.booleans(), st.sampled_from(["房产证", "网签", "租赁", "其他", ""]), st.sampled_from(["父母", "祖辈", "其他", ""]),
    st.one_of(st.none(), st.floats(0, 100)),
)  # fmt: skip
def test_every_application_falls_in_exactly_the_first_matching_tier(same, proof, owner, share):
    facts = Facts(same, proof=proof, owner=owner, share=share)
    got, why = classify(FENGXIAN_2024, facts, ON)
    assert got is not None and why.startswith(f"第{got}类")
    # no better tier matches on its own
    for better in FENGXIAN_2024[: got - 1]:
        assert classify([better], facts, ON)[0] is None


def test_it_describes_conditions_in_words():
    assert (
        priority.describe(
            {"person_household": "一致", "proof": ["房产证", "网签"], "owner": ["父母"], "full_share": True}
        )
        == "人户一致；居住证明：房产证或网签；产权人：父母；产权份额 100%"
    )
    assert priority.describe({"full_share": False, "min_holding_years": 3, "hukou_local": True}) == (
        "部分产权；持有至少 3 年；本区户籍"
    )
    assert priority.describe({}) == "其他所有申请"


def test_it_reads_back_the_words_it_writes():
    for _rank, _name, conditions in FENGXIAN_2024:
        assert priority.parse(priority.describe(conditions)) == conditions
    assert priority.parse("人户分离；持有至少 5 年；非本区户籍；持居住证；积分未达标") == {
        "person_household": "分离", "min_holding_years": 5, "hukou_local": False, "residence_permit": True,
        "points_met": False,
    }  # fmt: skip


def test_it_names_a_condition_it_does_not_understand():
    with pytest.raises(ValueError, match="不认识的条件“colour red”"):
        priority.parse("人户一致；colour red")
