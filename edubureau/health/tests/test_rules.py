"""The cluster rules on constructed cases: every window edge (1, 3, 7, 10 days), "5 or more"
includes 5, distinct students, syndromes before a diagnosis exists."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from edubureau.health.rules import Case, Rule, clusters
from edubureau.health.symptoms import BIT, to_mask

DAY = datetime.date(2025, 11, 20)
FEVER = BIT["发热"]
CLASS_FEVER = Rule("class-fever", "class", window_days=3, threshold=5, symptoms_any=FEVER, day_threshold=3)
GI = BIT["呕吐"] | BIT["腹泻"]
NOROVIRUS = Rule(
    "school-norovirus", "school", window_days=7, threshold=10, diagnosis="诺如病毒感染", symptoms_any=GI
)
MEASLES = Rule("school-measles", "school", window_days=10, threshold=2, diagnosis="麻疹")
ILI = Rule(
    "school-ili", "school", 7, 10, "流行性感冒", symptoms_all=FEVER, symptoms_any=BIT["咳嗽"] | BIT["咽痛"]
)


def cases(days_back: list[int], *, symptoms=FEVER, diagnosis="", class_id=1, start_student=1) -> list[Case]:
    return [
        Case(i, start_student + i, class_id, DAY - datetime.timedelta(days=back), symptoms, diagnosis)
        for i, back in enumerate(days_back)
    ]


def fired(rule, rows, day=DAY) -> bool:
    return bool(clusters([rule], rows, day))


def test_three_in_one_day_fire_a_class_rule_and_two_do_not():
    assert fired(CLASS_FEVER, cases([0, 0, 0]))
    assert not fired(CLASS_FEVER, cases([0, 0]))


def test_the_one_day_count_is_the_evaluated_day_only():
    assert not fired(CLASS_FEVER, cases([0, 0, 1]))  # 3 within 3 days but only 2 today


def test_five_within_three_days_fire_and_the_third_day_back_is_outside():
    assert fired(CLASS_FEVER, cases([0, 1, 1, 2, 2]))  # "5 or more" includes 5
    assert not fired(CLASS_FEVER, cases([0, 1, 1, 2, 3]))  # day -3 is outside a 3-day window
    assert not fired(CLASS_FEVER, cases([0, 1, 2, 2]))


def test_class_rules_count_each_class_alone():
    rows = cases([0, 0], class_id=1) + cases([0], class_id=2, start_student=10)
    assert not fired(CLASS_FEVER, rows)
    found = clusters([CLASS_FEVER], cases([0, 0, 0], class_id=7), DAY)
    assert [(c.class_id, c.students) for c in found] == [(7, 3)]


def test_class_ids_limit_the_classes_evaluated():
    rows = cases([0, 0, 0], class_id=1) + cases([0, 0, 0], class_id=2, start_student=10)
    assert [c.class_id for c in clusters([CLASS_FEVER], rows, DAY, class_ids={2})] == [2]


def test_a_student_absent_several_days_counts_once():
    same_student = [Case(10 + i, 1, 1, DAY - datetime.timedelta(days=i), FEVER) for i in (1, 2)]
    assert not fired(CLASS_FEVER, same_student + cases([0, 0, 1], start_student=5))  # 4 students
    assert fired(CLASS_FEVER, same_student + cases([0, 0, 1, 1], start_student=5))  # 5 students


def test_a_seven_day_window_includes_day_minus_six_and_excludes_day_minus_seven():
    assert fired(NOROVIRUS, cases([0] * 9 + [6], symptoms=GI))
    assert not fired(NOROVIRUS, cases([0] * 9 + [7], symptoms=GI))


def test_a_ten_day_window_edges():
    assert fired(MEASLES, cases([0, 9], symptoms=0, diagnosis="麻疹"))
    assert not fired(MEASLES, cases([0, 10], symptoms=0, diagnosis="麻疹"))


def test_cases_after_the_evaluated_day_do_not_count():
    assert not fired(MEASLES, cases([0, -1], symptoms=0, diagnosis="麻疹"))


def test_a_syndrome_counts_before_a_diagnosis_and_a_different_diagnosis_does_not():
    assert fired(NOROVIRUS, cases([0] * 10, symptoms=BIT["呕吐"]))
    assert fired(NOROVIRUS, cases([0] * 10, symptoms=BIT["腹泻"], diagnosis="未就诊/不明"))
    assert not fired(NOROVIRUS, cases([0] * 10, symptoms=BIT["腹泻"], diagnosis="细菌性痢疾"))
    assert fired(NOROVIRUS, cases([0] * 10, symptoms=0, diagnosis="诺如病毒感染"))


def test_ili_needs_fever_and_cough_or_sore_throat():
    assert fired(ILI, cases([0] * 10, symptoms=to_mask(["发热", "咽痛"])))
    assert not fired(ILI, cases([0] * 10, symptoms=to_mask(["发热", "头痛"])))
    assert not fired(ILI, cases([0] * 10, symptoms=to_mask(["咳嗽", "咽痛"])))


def test_the_cluster_reports_its_cases_and_first_date():
    (found,) = clusters([NOROVIRUS], cases([0] * 8 + [3, 5], symptoms=GI), DAY)
    assert (
        found.students == 10
        and found.first_date == DAY - datetime.timedelta(days=5)
        and found.class_id is None
    )


@given(
    st.lists(st.tuples(st.integers(0, 12), st.integers(1, 15)), max_size=40),
    st.integers(1, 10),
    st.integers(1, 8),
)
def test_a_rule_fires_exactly_when_enough_distinct_students_fall_in_the_window(rows, window, threshold):
    rule = Rule("r", "school", window_days=window, threshold=threshold, symptoms_any=FEVER)
    data = [
        Case(i, student, 1, DAY - datetime.timedelta(days=back), FEVER)
        for i, (back, student) in enumerate(rows)
    ]
    inside = {student for back, student in rows if back < window}
    assert fired(rule, data) == (len(inside) >= threshold)
