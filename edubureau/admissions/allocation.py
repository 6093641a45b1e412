"""School choice: student-proposing deferred acceptance and immediate acceptance. Pure, no Django.

Input is by index: applicant i ranks schools `choices[i]` (most preferred first) and holds the
single lottery number `lottery[i]` (distinct; smaller wins ties); school s has `capacities[s]`
places and `priorities[s]` = {applicant index: priority} (smaller is higher; an applicant without
an entry has the lowest priority there). A school ranks applicants by (priority, lottery).

Each school's ranking is one integer per applicant (`priority rank * n + lottery rank`), so
comparing two applicants is one integer comparison and a school's held set is a heap of ints.

- Deferred acceptance (DA, 平行志愿/延迟接受): the student-optimal stable matching. Strategy-proof
  for families: ranking schools truthfully is always best.
- Immediate acceptance (IA, 志愿优先/"Boston"): round k fills the places still free with the
  applicants naming the school k-th; admissions are final at once, so missing a popular first
  choice costs priority at the next ones.
"""

from collections.abc import Mapping, Sequence
from heapq import heappush, heappushpop

DEFERRED_ACCEPTANCE = "da"
IMMEDIATE_ACCEPTANCE = "ia"
MECHANISMS = (DEFERRED_ACCEPTANCE, IMMEDIATE_ACCEPTANCE)
UNASSIGNED = -1


def _rankings(n: int, lottery: Sequence[int], priorities: Sequence[Mapping[int, int]] | None):
    """(ranks, by_rank, per_school, lowest): applicant i's key at school s is
    `per_school[s].get(i, lowest) + ranks[i]` (or `lowest + ranks[i]` where the school has no table);
    ranks[i] is i's place in the lottery order (0 first) and by_rank[key % n] gives the applicant back."""
    by_rank = sorted(range(n), key=lottery.__getitem__)
    ranks = [0] * n
    for rank, i in enumerate(by_rank):
        ranks[i] = rank
    if not priorities or not any(priorities):
        return ranks, by_rank, None, 0
    # Dense priority levels across all schools; "no row" is one level below the lowest.
    levels = sorted({p for table in priorities for p in table.values()})
    dense = {p: k for k, p in enumerate(levels)}
    per_school = [{i: dense[p] * n for i, p in table.items()} if table else None for table in priorities]
    return ranks, by_rank, per_school, len(levels) * n


def deferred_acceptance(
    choices: Sequence[Sequence[int]],
    lottery: Sequence[int],
    capacities: Sequence[int],
    priorities: Sequence[Mapping[int, int]] | None = None,
) -> list[int]:
    """The student-optimal stable matching: the school index of each applicant, or UNASSIGNED."""
    n = len(choices)
    ranks, by_rank, per_school, lowest = _rankings(n, lottery, priorities)
    result = [UNASSIGNED] * n
    next_choice = [0] * n
    held: list[list[int]] = [[] for _ in capacities]  # max-heaps (negated keys) of the applicants held
    free = list(range(n - 1, -1, -1))  # a stack: the order of proposals does not change the result
    pop, push = free.pop, free.append
    while free:
        i = pop()
        mine = choices[i]
        k = next_choice[i]
        while k < len(mine):
            s = mine[k]
            k += 1
            cap = capacities[s]
            if cap <= 0:
                continue
            table = per_school[s] if per_school else None
            key = (table.get(i, lowest) if table is not None else lowest) + ranks[i]
            heap = held[s]
            if len(heap) < cap:
                heappush(heap, -key)
                result[i] = s
                break
            if key < -heap[0]:
                bumped = by_rank[-heappushpop(heap, -key) % n]
                result[i] = s
                result[bumped] = UNASSIGNED
                push(bumped)
                break
        next_choice[i] = k
    return result


def immediate_acceptance(
    choices: Sequence[Sequence[int]],
    lottery: Sequence[int],
    capacities: Sequence[int],
    priorities: Sequence[Mapping[int, int]] | None = None,
) -> list[int]:
    """Boston: in round k every unplaced applicant applies to their k-th choice; schools fill their
    remaining places from that round's applicants by priority, and those admissions are final."""
    n = len(choices)
    ranks, by_rank, per_school, lowest = _rankings(n, lottery, priorities)
    result = [UNASSIGNED] * n
    left = list(capacities)
    waiting = list(range(n))
    k = 0
    while waiting:
        applying: dict[int, list[int]] = {}
        still = []
        for i in waiting:
            if k >= len(choices[i]):
                continue  # no choices left: stays unplaced
            s = choices[i][k]
            table = per_school[s] if per_school else None
            key = (table.get(i, lowest) if table is not None else lowest) + ranks[i]
            if s in applying:
                applying[s].append(key)
            else:
                applying[s] = [key]
        for s, keys in applying.items():
            places = max(left[s], 0)
            if places < len(keys):
                keys.sort()
                still.extend(by_rank[key % n] for key in keys[places:])
                keys = keys[:places]
            for key in keys:
                result[by_rank[key % n]] = s
            left[s] -= len(keys)
        waiting = still
        k += 1
    return result


def allocate(
    choices, lottery, capacities, priorities=None, mechanism: str = DEFERRED_ACCEPTANCE
) -> list[int]:
    if mechanism == DEFERRED_ACCEPTANCE:
        return deferred_acceptance(choices, lottery, capacities, priorities)
    if mechanism == IMMEDIATE_ACCEPTANCE:
        return immediate_acceptance(choices, lottery, capacities, priorities)
    raise ValueError(f"未知的录取机制：{mechanism}（应为 da 或 ia）")
