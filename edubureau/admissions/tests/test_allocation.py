"""The allocation engine (admissions/allocation.py): DA is stable and student-optimal, IA is Boston."""

import itertools
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edubureau.admissions.allocation import (
    UNASSIGNED,
    allocate,
    deferred_acceptance,
    immediate_acceptance,
)

INF = float("inf")


@st.composite
def instances(draw, max_applicants=6, max_schools=3):
    n = draw(st.integers(1, max_applicants))
    m = draw(st.integers(1, max_schools))
    capacities = draw(st.lists(st.integers(0, 2), min_size=m, max_size=m))
    choices = [
        draw(st.permutations(range(m)).flatmap(lambda p: st.integers(0, m).map(lambda k: p[:k])))
        for _ in range(n)
    ]
    lottery = draw(st.permutations(range(1, n + 1)))
    priorities = [
        draw(st.dictionaries(st.integers(0, n - 1), st.integers(-1, 2), max_size=n)) for _ in range(m)
    ]
    return [list(c) for c in choices], list(lottery), capacities, priorities


def key(priorities, lottery, s, i):
    return (priorities[s].get(i, INF), lottery[i])


def prefers(choices, i, s, current):
    """Whether applicant i would rather be at school s than at `current` (UNASSIGNED is worst)."""
    return s in choices[i] and (current == UNASSIGNED or choices[i].index(s) < choices[i].index(current))


def feasible(result, choices, capacities):
    return all(s == UNASSIGNED or s in choices[i] for i, s in enumerate(result)) and all(
        result.count(s) <= cap for s, cap in enumerate(capacities)
    )


def blocking_pairs(result, choices, lottery, capacities, priorities):
    pairs = []
    for i, mine in enumerate(choices):
        for s in mine:
            if not prefers(choices, i, s, result[i]):
                continue
            held = [j for j, t in enumerate(result) if t == s]
            if len(held) < capacities[s] or any(
                key(priorities, lottery, s, i) < key(priorities, lottery, s, j) for j in held
            ):
                pairs.append((i, s))
    return pairs


def stable_matchings(choices, lottery, capacities, priorities):
    options = [[UNASSIGNED, *c] for c in choices]
    for candidate in itertools.product(*options):
        result = list(candidate)
        if feasible(result, choices, capacities) and not blocking_pairs(
            result, choices, lottery, capacities, priorities
        ):
            yield result


@settings(max_examples=300, deadline=None)
@given(instances())
def test_it_finds_a_stable_matching_that_every_applicant_weakly_prefers(instance):
    choices, lottery, capacities, priorities = instance
    result = deferred_acceptance(choices, lottery, capacities, priorities)
    assert feasible(result, choices, capacities)
    assert blocking_pairs(result, choices, lottery, capacities, priorities) == []
    stable = list(stable_matchings(choices, lottery, capacities, priorities))
    assert result in stable
    for other in stable:  # student-optimal: nobody is better off in any other stable matching
        assert not any(
            prefers(choices, i, other[i], result[i]) for i in range(len(choices)) if other[i] != UNASSIGNED
        )


@settings(max_examples=200, deadline=None)
@given(instances(max_applicants=12, max_schools=4))
def test_it_respects_capacities_and_choices_under_both_mechanisms(instance):
    choices, lottery, capacities, priorities = instance
    for mechanism in ("da", "ia"):
        result = allocate(choices, lottery, capacities, priorities, mechanism)
        assert feasible(result, choices, capacities)
        # Non-wastefulness: nobody is unplaced while a school they named has a free place.
        for i, s in enumerate(result):
            if s == UNASSIGNED:
                assert all(result.count(t) >= capacities[t] for t in choices[i])


@settings(max_examples=150, deadline=None)
@given(instances(max_applicants=10, max_schools=4))
def test_it_gives_the_same_matching_as_the_matching_package(instance):
    from matching.games import HospitalResident

    choices, lottery, capacities, priorities = instance
    ours = deferred_acceptance(choices, lottery, capacities, priorities)
    # The package fails on hospitals without places: leave them out (nobody can be placed there).
    open_ = [s for s, cap in enumerate(capacities) if cap > 0]
    resident_prefs = {f"a{i}": [f"s{s}" for s in c if s in open_] for i, c in enumerate(choices)}
    resident_prefs = {r: prefs for r, prefs in resident_prefs.items() if prefs}
    hospital_prefs = {
        f"s{s}": [
            f"a{i}"
            for i in sorted(
                (i for i, c in enumerate(choices) if s in c), key=lambda i: key(priorities, lottery, s, i)
            )
        ]
        for s in open_
    }
    if not resident_prefs:
        assert ours == [UNASSIGNED] * len(choices)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # it warns about hospitals nobody ranked
        game = HospitalResident.create_from_dictionaries(
            resident_prefs, hospital_prefs, {f"s{s}": capacities[s] for s in open_}
        )
        solution = game.solve(optimal="resident")
    theirs = [UNASSIGNED] * len(choices)
    for hospital, residents in solution.items():
        for resident in residents:
            theirs[int(resident.name[1:])] = int(hospital.name[1:])
    assert ours == theirs


def test_it_follows_the_hand_worked_boston_example():
    # Schools X, Y, Z with one place each; lottery a=1, b=2, c=3 (a wins ties); X gives c priority 1.
    #   a: Y, X      b: X, Y      c: X, Z
    # Round 1: X is asked by b and c and admits c (priority); Y is asked by a and admits a.
    # Round 2: b asks Y, which is full: b stays unplaced.
    X, Y, Z = 0, 1, 2
    choices = [[Y, X], [X, Y], [X, Z]]
    assert immediate_acceptance(choices, [1, 2, 3], [1, 1, 1], [{2: 1}, {}, {}]) == [Y, UNASSIGNED, X]

    # IA punishes an honest second choice, DA does not. One place at X, one at Y.
    #   a: Y         d: Y, X      e: X          lottery a=1, d=2, e=3
    # IA round 1: Y admits a (d loses the tie), X admits e. Round 2: d asks X, already full.
    # DA: d, refused by Y, proposes to X and displaces e (lottery 2 beats 3).
    choices = [[Y], [Y, X], [X]]
    assert immediate_acceptance(choices, [1, 2, 3], [1, 1, 0]) == [Y, UNASSIGNED, X]
    assert deferred_acceptance(choices, [1, 2, 3], [1, 1, 0]) == [Y, X, UNASSIGNED]


def test_it_breaks_ties_by_the_lottery_and_puts_priority_rows_first():
    # One school, two places, four applicants; applicant 3 has priority, the rest go by lottery.
    choices = [[0], [0], [0], [0]]
    lottery = [40, 10, 30, 20]
    assert deferred_acceptance(choices, lottery, [2]) == [UNASSIGNED, 0, UNASSIGNED, 0]
    assert deferred_acceptance(choices, lottery, [2], [{3: 1}]) == [UNASSIGNED, 0, UNASSIGNED, 0]
    assert deferred_acceptance(choices, lottery, [2], [{0: 1}]) == [0, 0, UNASSIGNED, UNASSIGNED]
    assert deferred_acceptance(choices, lottery, [2], [{0: 2, 2: 1}]) == [0, UNASSIGNED, 0, UNASSIGNED]


def test_it_refuses_an_unknown_mechanism():
    with pytest.raises(ValueError, match="da 或 ia"):
        allocate([[0]], [1], [1], mechanism="rsd")
